// Callers choose user ids: memory, the global message rate and the unanswered log stay bounded
// however many distinct users write.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBackends } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { Metrics } from '../../src/metrics';
import type { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { FileUnansweredLog } from '../../src/state/unanswered-log';
import { sharedNlu, testConfig } from '../helpers';

function botWith(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'abuse-'));
  const config = testConfig({ UNANSWERED_LOG: path.join(dir, 'unanswered.jsonl'), ...env });
  const metrics = new Metrics();
  const backends = createBackends(config, metrics);
  const engine = new DialogueEngine(sharedNlu(), backends.store, metrics, backends.unanswered);
  const app = createApp({
    config,
    engine: () => engine,
    store: backends.store,
    idempotency: backends.idempotency,
    rateLimiter: backends.rateLimiter,
    globalRateLimiter: backends.globalRateLimiter,
    metrics,
  });
  return { app, backends, metrics };
}

describe('STATE_MAX_KEYS', () => {
  it('keeps the memory store at the cap however many users write, evicting the least recent, with a metric', async () => {
    const { app, backends } = botWith({ STATE_MAX_KEYS: '50' });
    for (let i = 0; i < 200; i++)
      await request(app)
        .post('/api/v1/messages')
        .send({ userId: `many-${i}`, text: '我们是抖音小程序' })
        .expect(200);
    expect((backends.store as MemoryConversationStore).size).toBe(50);
    expect((await request(app).get('/api/v1/conversations/many-0')).status).toBe(404);
    expect((await request(app).get('/api/v1/conversations/many-199')).status).toBe(200);
    expect((await request(app).get('/metrics')).text).toMatch(/^beian_state_evictions_total 150$/m);
    await backends.close();
  });
});

describe('RATE_LIMIT_GLOBAL_PER_S', () => {
  it('refuses messages past the global budget whatever the user ids, with 429 and Retry-After', async () => {
    const { app, backends } = botWith({ RATE_LIMIT_GLOBAL_PER_S: '3' });
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 6; i++) {
      last = await request(app)
        .post('/api/v1/messages')
        .send({ userId: `flood-${i}`, text: 'hi' });
      statuses.push(last.status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(3);
    expect(statuses).toContain(429);
    expect(last!.body.error.code).toBe('rate_limited');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await request(app).get('/metrics')).text).toMatch(/beian_rate_limited_total\{channel="json",scope="global"\} [1-9]/);
    // The next second has a new budget.
    await new Promise((r) => setTimeout(r, 1100));
    expect((await request(app).post('/api/v1/messages').send({ userId: 'flood-late', text: 'hi' })).status).toBe(200);
    await backends.close();
  });

  it('is off by default: 200 quick messages from distinct users see no 429', async () => {
    const { app, backends } = botWith({});
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        request(app)
          .post('/api/v1/messages')
          .send({ userId: `burst-${i}`, text: 'hi' }),
      ),
    ).then((all) => all.map((r) => r.status));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await backends.close();
  });
});

describe('the unanswered log file', () => {
  it('is rotated at UNANSWERED_LOG_MAX_BYTES: at most about twice that on disk, the recent questions still counted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unanswered-rotate-'));
    const file = path.join(dir, 'log.jsonl');
    const log = new FileUnansweredLog(file, 2000);
    const at = new Date().toISOString();
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => log.record({ text: `问题 ${i % 7} 怎么开发票`, lang: 'zh-Hans', intent: 'fallback', confidence: 0.9, at })),
    );
    await log.record({ text: '最后一个问题', lang: 'zh-Hans', intent: 'fallback', confidence: 0.9, at });
    expect(fs.statSync(file).size).toBeLessThanOrEqual(2000);
    expect(fs.statSync(`${file}.1`).size).toBeLessThanOrEqual(2000);
    expect(fs.readdirSync(dir).sort()).toEqual(['log.jsonl', 'log.jsonl.1']);
    const top = await log.top(10);
    expect(top.map((t) => t.text)).toContain('最后一个问题');
    // Every line of both files is whole JSON: rotation never tears a line.
    for (const f of [file, `${file}.1`]) for (const line of fs.readFileSync(f, 'utf8').trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });
});

// A warning that would repeat on every message (an unwritable unanswered log) is logged once a
// minute with a count, not once per message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import Transport from 'winston-transport';
import { createApp } from '../../src/app';
import { createBackends } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { moduleLogger, rootLogger } from '../../src/logger';
import { Metrics } from '../../src/metrics';
import { throttledWarning } from '../../src/throttled-warning';
import { sharedNlu, testConfig } from '../helpers';

class Capture extends Transport {
  lines: Array<Record<string, unknown>> = [];
  override log(info: Record<string, unknown>, next: () => void): void {
    this.lines.push(info);
    next();
  }
}

describe('repeated identical warnings', () => {
  const capture = new Capture({ level: 'warn' });
  let consoles: Array<readonly [Transport, boolean | undefined]>;
  let previousLevel: string;
  beforeAll(() => {
    previousLevel = rootLogger.level;
    rootLogger.level = 'warn';
    consoles = rootLogger.transports.map((t) => [t, t.silent] as const);
    for (const [t] of consoles) t.silent = true;
    rootLogger.add(capture);
  });
  afterAll(() => {
    rootLogger.remove(capture);
    rootLogger.level = previousLevel;
    for (const [t, silent] of consoles) t.silent = silent;
  });

  it('an unwritable unanswered log warns once for 30 unanswered messages, and the metric counts all 30', async () => {
    // A path below a regular file: mkdir and append fail with ENOTDIR, as EACCES would.
    const blocker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'unwritable-')), 'a-file');
    fs.writeFileSync(blocker, '');
    const config = testConfig({ UNANSWERED_LOG: path.join(blocker, 'unanswered.jsonl') });
    const metrics = new Metrics();
    const backends = createBackends(config, metrics);
    const engine = new DialogueEngine(sharedNlu(), backends.store, metrics, backends.unanswered);
    const app = createApp({ config, engine: () => engine, store: backends.store, metrics });
    capture.lines = [];
    for (let i = 0; i < 30; i++)
      expect(
        (
          await request(app)
            .post('/api/v1/messages')
            .send({ userId: `w-${i}`, text: '今天天气怎么样' })
        ).status,
      ).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const about = capture.lines.filter((l) => /unanswered/.test(String(l.message)));
    expect(about).toHaveLength(1);
    expect((await request(app).get('/metrics')).text).toMatch(/beian_store_errors_total\{operation="unanswered"\} 30/);
    await backends.close();
  });

  it('throttledWarning says how many it held back when it speaks again', () => {
    let t = 0;
    const warn = throttledWarning(moduleLogger('t'), 60_000, () => t);
    capture.lines = [];
    for (let i = 0; i < 5; i++) warn('disk full', { file: 'x' });
    t = 61_000;
    warn('disk full', { file: 'x' });
    warn('another problem');
    expect(capture.lines.map((l) => [l.message, l.suppressed])).toEqual([
      ['disk full', undefined],
      ['disk full', 4],
      ['another problem', undefined],
    ]);
  });
});

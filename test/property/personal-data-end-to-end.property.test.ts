// Personal data in every generated form (any separators, digit scripts, Chinese numerals, prefixes)
// sent through the JSON API never reaches the logs, the unanswered log (file and Redis), the
// metrics or the stored state in full.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import Redis from 'ioredis';
import request from 'supertest';
import Transport from 'winston-transport';
import { createApp } from '../../src/app';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { rootLogger } from '../../src/logger';
import { Metrics } from '../../src/metrics';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { FileUnansweredLog, RedisUnansweredLog, type UnansweredEntry, type UnansweredLog } from '../../src/state/unanswered-log';
import { sharedNlu, testConfig, TEST_REDIS_URL } from '../helpers';
import { embedded, readDigits, type Pii } from './personal-data-arbitraries';

class Capture extends Transport {
  lines: string[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[Symbol.for('message')];
    this.lines.push(typeof line === 'string' ? line : JSON.stringify(info));
    next();
  }
}

/** Both unanswered logs at once (Redis only when the tests have one). */
class BothLogs implements UnansweredLog {
  constructor(private readonly logs: UnansweredLog[]) {}
  async record(entry: UnansweredEntry): Promise<void> {
    await Promise.all(this.logs.map((l) => l.record(entry)));
  }
  async top(n: number) {
    return this.logs[0].top(n);
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pii-e2e-'));
const file = path.join(dir, 'unanswered.jsonl');
const redis = TEST_REDIS_URL ? new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 }) : undefined;
const prefix = `test:pii:${process.pid}:${Date.now()}`;
const logs: UnansweredLog[] = [new FileUnansweredLog(file), ...(redis ? [new RedisUnansweredLog(redis, prefix)] : [])];
const store = new MemoryConversationStore(3600);
const metrics = new Metrics();
const engine = new DialogueEngine(sharedNlu(), store, metrics, new BothLogs(logs));
const app = createApp({ config: testConfig({ RATE_LIMIT_PER_MIN: '100000' }), engine: () => engine, store, metrics });

const capture = new Capture({ level: 'silly' });
let previousLevel: string;
let consoles: Array<readonly [Transport, boolean | undefined]>;
beforeAll(() => {
  previousLevel = rootLogger.level;
  consoles = rootLogger.transports.map((t) => [t, t.silent] as const);
  for (const [t] of consoles) t.silent = true;
  rootLogger.level = 'silly';
  rootLogger.add(capture);
});
afterAll(async () => {
  rootLogger.remove(capture);
  rootLogger.level = previousLevel;
  for (const [t, silent] of consoles) t.silent = silent;
  if (redis) {
    await redis.del(`${prefix}:counts`, `${prefix}:last`);
    await redis.quit();
  }
});

/** No item's digits, read as a person would (any script, separators ignored), in `text`. */
function expectNoneOf(items: Pii[], text: string, where: string): void {
  const read = readDigits(text);
  for (const item of items) {
    if (read.includes(item.value)) throw new Error(`${where} holds ${item.kind} ${item.value} (sent as ${JSON.stringify(item.raw)})`);
  }
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('personal data through the JSON API', () => {
  it('is masked in every log line, the unanswered log (file and Redis), the metrics and the state', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(embedded, async ({ text, items }) => {
        const userId = `pii-${++n}`;
        capture.lines = [];
        const res = await request(app).post('/api/v1/messages').send({ userId, text });
        expect(res.status).toBe(200);
        expectNoneOf(items, JSON.stringify(res.body.state), 'the API state');
        await settle();
        for (const line of capture.lines) {
          const { timestamp: _timestamp, ...rest } = JSON.parse(line) as Record<string, unknown>;
          expectNoneOf(items, JSON.stringify(rest), 'a log line');
        }
        expectNoneOf(items, JSON.stringify(await store.get(userId)), 'the stored state');
      }),
      { numRuns: 60 },
    );
    // Everything recorded so far, all at once (the logs only ever hold masked text).
    const recorded = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as UnansweredEntry).text);
    expect(recorded.length).toBeGreaterThan(0);
    for (const text of recorded) expect(readDigits(text)).not.toMatch(/[0-9]{5,}/);
    if (redis) {
      const members = await redis.zrange(`${prefix}:counts`, 0, -1);
      expect(members.length).toBeGreaterThan(0);
      for (const m of members) expect(readDigits(m)).not.toMatch(/[0-9]{5,}/);
    }
    // The bot's metric label values: intents, channels, reasons, never text.
    const labels = (await request(app).get('/metrics')).text
      .split('\n')
      .filter((l) => l.startsWith('beian_'))
      .map((l) => (l.match(/\{[^}]*\}/)?.[0] ?? '').replace(/le="[^"]*"/, ''));
    expect(readDigits(labels.join(' '))).not.toMatch(/[0-9]{5,}/);
  }, 120_000);
});

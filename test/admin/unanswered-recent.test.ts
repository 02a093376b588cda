import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { FileUnansweredLog, RedisUnansweredLog, type UnansweredLog } from '../../src/state/unanswered-log';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';

const entry = (text: string, platform?: string) => ({
  text,
  lang: 'zh-Hans',
  intent: 'fallback',
  confidence: 1,
  at: new Date().toISOString(),
  platform,
  channel: 'json',
});

async function keepsLatestMasked(log: UnansweredLog): Promise<void> {
  await log.record(entry('我的手机13812345678收不到', 'wechat'));
  await log.record(entry('第二个问题'));
  await log.record(entry('第三个问题', 'douyin'));
  const recent = await log.recent!(2);
  expect(recent.map((e) => [e.text, e.platform])).toEqual([
    ['第二个问题', undefined],
    ['第三个问题', 'douyin'],
  ]);
  const all = await log.recent!(10);
  expect(all[0].text).not.toContain('13812345678');
  expect(all[0].platform).toBe('wechat');
}

describe('unanswered log: the latest entries for the console inbox', () => {
  it('file: newest last, masked, with platform', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recent-'));
    await keepsLatestMasked(new FileUnansweredLog(path.join(dir, 'u.jsonl')));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describeWithRedis('unanswered log (Redis): the latest entries for the console inbox', () => {
  it('Redis: newest last, masked, with platform, trimmed to the question cap', async () => {
    const redis = new Redis(TEST_REDIS_URL!);
    const prefix = `test:unanswered:${Date.now()}`;
    await keepsLatestMasked(new RedisUnansweredLog(redis, prefix));
    const capped = new RedisUnansweredLog(redis, `${prefix}:cap`, 2);
    for (const t of ['一', '二', '三']) await capped.record(entry(t));
    expect((await capped.recent(10)).map((e) => e.text)).toEqual(['二', '三']);
    await redis.del(`${prefix}:counts`, `${prefix}:last`, `${prefix}:recent`, `${prefix}:cap:counts`, `${prefix}:cap:last`, `${prefix}:cap:recent`);
    redis.disconnect();
  });
});

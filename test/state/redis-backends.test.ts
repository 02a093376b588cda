import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { newConversationState } from '../../src/state/conversation-state';
import { RedisConversationStore } from '../../src/state/redis-conversation-store';
import { RedisIdempotencyStore } from '../../src/state/redis-idempotency-store';
import { RedisRateLimiter } from '../../src/state/rate-limiter';
import { RedisUnansweredLog } from '../../src/state/unanswered-log';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';
import { conversationStoreContract } from './conversation-store.contract';

const clients: Redis[] = [];
const client = () => {
  if (!TEST_REDIS_URL) throw new Error('TEST_REDIS_URL is not set: install redis-server (CI does) or set REDIS_URL');
  const c = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  clients.push(c);
  return c;
};
// A prefix per run keeps these tests off any other data in the same Redis.
const prefix = () => `test:${randomUUID()}:`;

describeWithRedis('Redis backends', () => {
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  });

  conversationStoreContract('RedisConversationStore', async (ttl) => new RedisConversationStore(client(), ttl, prefix()));

  it('sets the TTL of the memory store on every write', async () => {
    const redis = client();
    const p = prefix();
    const store = new RedisConversationStore(redis, 120, p);
    await store.set('u', newConversationState(new Date()));
    const ttl = await redis.ttl(`${p}u`);
    expect(ttl).toBeGreaterThan(100);
    expect(ttl).toBeLessThanOrEqual(120);
  });

  it('reads corrupt JSON under a user key as a blank state, not an error', async () => {
    const redis = client();
    const p = prefix();
    await redis.set(`${p}u`, '{"platform":"wechat",');
    const store = new RedisConversationStore(redis, 60, p);
    expect(await store.get('u')).toMatchObject({ platform: null, stage: 'unknown', attemptsUsed: 0 });
  });

  it('loses no update when two instances (two connections) update one user at once', async () => {
    const p = prefix();
    const a = new RedisConversationStore(client(), 60, p);
    const b = new RedisConversationStore(client(), 60, p);
    await a.set('u', newConversationState(new Date()));
    const bump = (s: ReturnType<typeof newConversationState> | undefined) => ({ ...s!, attemptsUsed: s!.attemptsUsed + 1 });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).update('u', bump)));
    expect((await a.get('u'))!.attemptsUsed).toBe(40);
  });

  it('runs duplicate deliveries once across instances and gives both the same result', async () => {
    const p = prefix();
    const a = new RedisIdempotencyStore(client(), p);
    const b = new RedisIdempotencyStore(client(), p);
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 100));
      return { text: 'answer' };
    };
    const [x, y] = await Promise.all([a.once('msg:1', 60, work), b.once('msg:1', 60, work)]);
    expect(runs).toBe(1);
    expect(x).toEqual({ text: 'answer' });
    expect(y).toEqual({ text: 'answer' });
    expect(await b.once('msg:1', 60, work)).toEqual({ text: 'answer' });
    expect(runs).toBe(1);
  });

  it('lets a retry run again after the first delivery failed', async () => {
    const store = new RedisIdempotencyStore(client(), prefix());
    await expect(store.once('k', 60, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(store.once('k', 60, async () => 'ok')).resolves.toBe('ok');
  });

  it('shares the rate-limit budget between instances', async () => {
    const p = prefix();
    const a = new RedisRateLimiter(client(), 3, { prefix: p });
    const b = new RedisRateLimiter(client(), 3, { prefix: p });
    const results = [await a.hit('u'), await b.hit('u'), await a.hit('u'), await b.hit('u')];
    expect(results.map((r) => r.allowed)).toEqual([true, true, true, false]);
    expect(results[3].resetMs).toBeGreaterThan(0);
    expect((await a.hit('other')).allowed).toBe(true);
  });

  it('gives every rate-limit counter an expiry, so a user over the limit is free again after the window', async () => {
    const redis = client();
    const p = prefix();
    const limiter = new RedisRateLimiter(redis, 2, { prefix: p, durationS: 1 });
    for (let i = 0; i < 3; i++) await limiter.hit('u');
    const keys = await redis.keys(`${p}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(await redis.pttl(k)).toBeGreaterThan(0);
    expect((await limiter.hit('u')).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await limiter.hit('u')).allowed).toBe(true);
  });

  it('counts in memory, still limiting, while Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, enableOfflineQueue: false, lazyConnect: true, retryStrategy: () => null });
    clients.push(down);
    const limiter = new RedisRateLimiter(down, 2, { prefix: prefix() });
    const results = [await limiter.hit('u'), await limiter.hit('u'), await limiter.hit('u')];
    expect(results.map((r) => r.allowed)).toEqual([true, true, false]);
  });

  it('trims the unanswered counts and details to the most frequent UNANSWERED_MAX_QUESTIONS', async () => {
    const redis = client();
    const p = `test:unanswered:${Math.random().toString(36).slice(2)}`;
    const log = new RedisUnansweredLog(redis, p, 5);
    const at = new Date().toISOString();
    const record = (text: string) => log.record({ text, lang: 'zh-Hans', intent: 'fallback', confidence: 0.9, at });
    for (let i = 0; i < 3; i++) for (const q of ['常见问题A', '常见问题B']) await record(q);
    for (let i = 0; i < 30; i++) await record(`只问一次的问题 ${i}`);
    expect(await redis.zcard(`${p}:counts`)).toBe(5);
    expect(await redis.hlen(`${p}:last`)).toBe(5);
    expect((await log.top(2)).map((t) => t.text).sort()).toEqual(['常见问题A', '常见问题B']);
    await redis.del(`${p}:counts`, `${p}:last`);
  });
});

import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { MemoryClaimStore } from '../../src/state/claim-store';
import { RedisClaimStore } from '../../src/state/redis-claim-store';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';

describe('MemoryClaimStore', () => {
  it('gives a key to the first caller only, until it expires', async () => {
    let now = Date.parse('2026-03-10T00:00:00Z');
    const claims = new MemoryClaimStore(() => now);
    expect(await claims.claim('k', 60_000)).toBe(true);
    expect(await claims.claim('k', 60_000)).toBe(false);
    expect(await claims.claim('other', 60_000)).toBe(true);
    now += 60_001;
    expect(await claims.claim('k', 60_000)).toBe(true);
    await claims.close();
  });
});

describeWithRedis('RedisClaimStore', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL!, { maxRetriesPerRequest: 1 });
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives a key to exactly one of many concurrent callers on two connections', async () => {
    const other = new Redis(TEST_REDIS_URL!, { maxRetriesPerRequest: 1 });
    const prefix = `test:${randomUUID()}:claim:`;
    const [a, b] = [new RedisClaimStore(redis, prefix), new RedisClaimStore(other, prefix)];
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).claim('reminder', 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    await other.quit();
  });

  it('lets the key be claimed again once its time has passed', async () => {
    const claims = new RedisClaimStore(redis, `test:${randomUUID()}:claim:`);
    expect(await claims.claim('k', 100)).toBe(true);
    expect(await claims.claim('k', 100)).toBe(false);
    await new Promise((r) => setTimeout(r, 250));
    expect(await claims.claim('k', 100)).toBe(true);
  });
});

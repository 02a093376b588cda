import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { RedisServiceWindow } from '../../src/state/redis-service-window';
import { MemoryServiceWindow, type ServiceWindow } from '../../src/state/service-window';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';

const H = 3600_000;

/** The behaviour of WeChat's customer-service window that every ServiceWindow backend must have. */
function serviceWindowContract(name: string, make: () => ServiceWindow) {
  describe(`${name} (ServiceWindow contract)`, () => {
    let window: ServiceWindow;
    // Real-clock based: the Redis backend expires keys at the window's end.
    const t0 = Date.now();
    const at = (ms: number) => new Date(t0 + ms);
    const user = () => `wechat:${randomUUID()}`;

    beforeEach(() => {
      window = make();
    });
    afterEach(async () => {
      await window.close();
    });

    it('refuses a user who never wrote', async () => {
      expect(await window.tryConsume(user(), at(0))).toEqual({ allowed: false, reason: 'outside_window' });
    });

    it('allows 5 messages per user message, then refuses until the user writes again', async () => {
      const u = user();
      await window.recordInbound(u, at(0));
      for (let i = 0; i < 5; i++) expect(await window.tryConsume(u, at(H + i))).toEqual({ allowed: true });
      expect(await window.tryConsume(u, at(2 * H))).toEqual({ allowed: false, reason: 'quota_exhausted' });
      await window.recordInbound(u, at(3 * H));
      expect(await window.tryConsume(u, at(3 * H + 1))).toEqual({ allowed: true });
    });

    it('closes 48 h after the last user message', async () => {
      const u = user();
      await window.recordInbound(u, at(0));
      expect(await window.tryConsume(u, at(48 * H - 1000))).toEqual({ allowed: true });
      expect(await window.tryConsume(u, at(48 * H))).toEqual({ allowed: false, reason: 'outside_window' });
    });

    it('keeps the newest user message when an older one is recorded late', async () => {
      const u = user();
      await window.recordInbound(u, at(10 * H));
      await window.recordInbound(u, at(0));
      expect(await window.tryConsume(u, at(50 * H))).toEqual({ allowed: true });
    });

    it('does not refill a spent quota when the same message is recorded again (a retry, a second recorder)', async () => {
      const u = user();
      await window.recordInbound(u, at(0));
      expect(await window.take(u, at(1), 5)).toBe(5);
      await window.recordInbound(u, at(0));
      expect(await window.remaining(u, at(2))).toBe(0);
      expect(await window.tryConsume(u, at(2))).toEqual({ allowed: false, reason: 'quota_exhausted' });
    });

    it('takes several messages at once, never more than are left, and reports what is left', async () => {
      const u = user();
      expect(await window.remaining(u, at(0))).toBe(0);
      expect(await window.take(u, at(0), 2)).toBe(0);
      await window.recordInbound(u, at(0));
      expect(await window.remaining(u, at(1))).toBe(5);
      expect(await window.take(u, at(1), 3)).toBe(3);
      expect(await window.remaining(u, at(2))).toBe(2);
      expect(await window.take(u, at(2), 4)).toBe(2);
      expect(await window.take(u, at(3), 1)).toBe(0);
      expect(await window.remaining(u, at(48 * H))).toBe(0);
    });

    it("does not spend one user's quota on another", async () => {
      const [a, b] = [user(), user()];
      await window.recordInbound(a, at(0));
      await window.recordInbound(b, at(0));
      for (let i = 0; i < 5; i++) await window.tryConsume(a, at(1));
      expect(await window.tryConsume(a, at(2))).toMatchObject({ allowed: false });
      expect(await window.tryConsume(b, at(2))).toEqual({ allowed: true });
    });
  });
}

serviceWindowContract('MemoryServiceWindow', () => new MemoryServiceWindow());

describeWithRedis('RedisServiceWindow', () => {
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(TEST_REDIS_URL!, { maxRetriesPerRequest: 1 });
    clients.push(c);
    return c;
  };
  const prefix = `test:${randomUUID()}:svcwin:`;
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => undefined)));
  });

  serviceWindowContract('RedisServiceWindow', () => new RedisServiceWindow(client(), undefined, prefix));

  it('gives out exactly 5 messages when two instances consume one window at once', async () => {
    const [a, b] = [new RedisServiceWindow(client(), undefined, prefix), new RedisServiceWindow(client(), undefined, prefix)];
    const u = `wechat:${randomUUID()}`;
    const now = new Date();
    await a.recordInbound(u, now);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).tryConsume(u, now)));
    expect(results.filter((r) => r.allowed)).toHaveLength(5);
  });
});

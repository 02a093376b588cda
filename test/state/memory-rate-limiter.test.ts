import { MemoryRateLimiter } from '../../src/state/rate-limiter';

describe('MemoryRateLimiter', () => {
  it('allows the budget per one-minute window, then refuses until the window ends', async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(2, () => now);
    expect((await limiter.hit('u')).allowed).toBe(true);
    const second = await limiter.hit('u');
    expect(second).toMatchObject({ allowed: true, remaining: 0 });
    now += 30_000;
    const third = await limiter.hit('u');
    expect(third.allowed).toBe(false);
    expect(third.resetMs).toBe(30_000);
    expect((await limiter.hit('other')).allowed).toBe(true);
    now += 30_000;
    expect((await limiter.hit('u')).allowed).toBe(true);
  });

  it('forgets idle users once many are held, and keeps the active ones', async () => {
    let now = 0;
    const limiter = new MemoryRateLimiter(5, () => now);
    for (let i = 0; i < 10_001; i++) await limiter.hit(`idle-${i}`);
    // Within the same window nothing is finished: all stay.
    await limiter.hit('active');
    expect(limiter.size).toBe(10_002);
    now += 61_000;
    await limiter.hit('active');
    expect(limiter.size).toBe(1);
    expect((await limiter.hit('active')).remaining).toBe(3);
  });
});

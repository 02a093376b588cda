import type Redis from 'ioredis';

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the current window ends. */
  resetMs: number;
}

/** Per-user message budget in fixed one-minute windows. */
export interface RateLimiter {
  hit(key: string): Promise<RateLimitResult>;
}

const WINDOW_MS = 60_000;

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();
  private lastSweep = 0;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Users with a window in memory (finished ones go at the next sweep). */
  get size(): number {
    return this.windows.size;
  }

  async hit(key: string): Promise<RateLimitResult> {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= WINDOW_MS) {
      // Sweep finished windows so idle users don't accumulate; at most once a window, since with
      // many active users a sweep on every new window would cost a full scan per message.
      if (this.windows.size > 10_000 && t - this.lastSweep >= WINDOW_MS) {
        this.lastSweep = t;
        for (const [k, v] of this.windows) if (t - v.start >= WINDOW_MS) this.windows.delete(k);
      }
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= this.perMinute, remaining: Math.max(0, this.perMinute - w.count), resetMs: w.start + WINDOW_MS - t };
  }
}

/** The same budget shared by every instance: INCR on a key that expires with its window. */
export class RedisRateLimiter implements RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly perMinute: number,
    private readonly prefix = 'beian:rate:',
  ) {}

  async hit(key: string): Promise<RateLimitResult> {
    const k = this.prefix + key;
    const [[, count], [, ttl]] = (await this.redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
    let resetMs = ttl;
    if (ttl < 0) {
      await this.redis.pexpire(k, WINDOW_MS);
      resetMs = WINDOW_MS;
    }
    return { allowed: count <= this.perMinute, remaining: Math.max(0, this.perMinute - count), resetMs };
  }
}

import type Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  /** Milliseconds until the current window ends. */
  resetMs: number;
  /** Which budget decided: the user's own or the global one (set by the app). */
  scope?: 'user' | 'global';
}

/** A message budget per key (a user, or GLOBAL_KEY) in fixed windows. */
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

/** rate-limiter-flexible's consume() as a RateLimiter: over the budget it rejects with a RateLimiterRes. */
export class FlexibleRateLimiter implements RateLimiter {
  constructor(private readonly limiter: RateLimiterAbstract) {}

  async hit(key: string): Promise<RateLimitResult> {
    try {
      const res = await this.limiter.consume(key);
      return { allowed: true, remaining: res.remainingPoints, resetMs: res.msBeforeNext };
    } catch (err) {
      if (err instanceof RateLimiterRes) return { allowed: false, remaining: 0, resetMs: err.msBeforeNext };
      throw err;
    }
  }
}

/**
 * A budget shared by every instance through Redis: one atomic script per hit (the counter and its
 * expiry are set together, so no key is ever left without one). While Redis is down each instance
 * counts in memory instead (the insurance limiter) rather than failing or letting everything pass.
 */
export class RedisRateLimiter extends FlexibleRateLimiter {
  constructor(redis: Redis, points: number, options: { durationS?: number; prefix?: string } = {}) {
    const duration = options.durationS ?? WINDOW_MS / 1000;
    super(
      new RateLimiterRedis({
        storeClient: redis,
        points,
        duration,
        keyPrefix: options.prefix ?? 'beian:rate',
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      }),
    );
  }
}

/** The whole deployment's (or, without Redis, this instance's) messages per second, under one key. */
export const GLOBAL_KEY = 'all';

/** The global message budget: RATE_LIMIT_GLOBAL_PER_S, in Redis when there is one. */
export function globalRateLimiter(perSecond: number, redis?: Redis): RateLimiter {
  return redis
    ? new RedisRateLimiter(redis, perSecond, { durationS: 1, prefix: 'beian:rate-global' })
    : new FlexibleRateLimiter(new RateLimiterMemory({ points: perSecond, duration: 1 }));
}

import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import type { IdempotencyStore } from './idempotency-store';

const WAIT_FOR_OTHER_MS = 10_000;

interface Entry {
  done: boolean;
  value?: unknown;
}

/**
 * Dedup across instances: the first delivery claims the key (SET NX) and stores its result; a retry
 * that lands on another instance waits for that result instead of answering twice.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly local = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'beian:idem:',
  ) {}

  once<T>(key: string, ttlSeconds: number, work: () => Promise<T>): Promise<T> {
    // Duplicates within this instance share the promise without a round trip.
    const running = this.local.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = this.run(key, ttlSeconds, work).finally(() => this.local.delete(key));
    this.local.set(key, promise);
    return promise;
  }

  private async run<T>(key: string, ttlSeconds: number, work: () => Promise<T>): Promise<T> {
    const k = this.prefix + key;
    const started = Date.now();
    for (;;) {
      if (await this.redis.set(k, JSON.stringify({ done: false } satisfies Entry), 'EX', ttlSeconds, 'NX')) {
        try {
          const value = await work();
          await this.redis.set(k, JSON.stringify({ done: true, value } satisfies Entry), 'EX', ttlSeconds);
          return value;
        } catch (err) {
          // Let a retry try again rather than remember a failure.
          await this.redis.del(k).catch(() => undefined);
          throw err;
        }
      }
      const raw = await this.redis.get(k);
      if (raw) {
        const entry = JSON.parse(raw) as Entry;
        if (entry.done) return entry.value as T;
      }
      // Claimed elsewhere and still running (or just released after a failure: claim again).
      if (Date.now() - started > WAIT_FOR_OTHER_MS) throw new Error('timed out waiting for a duplicate delivery');
      await sleep(25);
    }
  }

  async close(): Promise<void> {}
}

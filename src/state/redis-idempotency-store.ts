import { setTimeout as sleep } from 'node:timers/promises';
import type Redis from 'ioredis';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency-store';

const WAIT_FOR_OTHER_MS = 10_000;

interface Entry {
  done: boolean;
  value?: unknown;
}

/**
 * Dedup across instances: the first delivery claims the key (SET NX) and stores its result; a retry
 * that lands on another instance waits for that result instead of answering twice. While Redis is
 * unreachable, dedup goes on within this instance (in memory): a delivery is answered, never
 * failed, because the dedup store is away.
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly local = new Map<string, Promise<unknown>>();
  private readonly fallback = new MemoryIdempotencyStore();

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
      let claimed: boolean;
      let raw: string | null = null;
      try {
        claimed = (await this.redis.set(k, JSON.stringify({ done: false } satisfies Entry), 'EX', ttlSeconds, 'NX')) !== null;
        if (!claimed) raw = await this.redis.get(k);
      } catch {
        return this.fallback.once(key, ttlSeconds, work);
      }
      if (claimed) {
        let value: T;
        try {
          value = await work();
        } catch (err) {
          // Let a retry try again rather than remember a failure.
          await this.redis.del(k).catch(() => undefined);
          throw err;
        }
        // If the result can't be stored, the answer still goes out; a retry may then run again.
        await this.redis.set(k, JSON.stringify({ done: true, value } satisfies Entry), 'EX', ttlSeconds).catch(() => undefined);
        return value;
      }
      if (raw) {
        const entry = JSON.parse(raw) as Entry;
        if (entry.done) return entry.value as T;
      }
      // Claimed elsewhere and still running (or just released after a failure: claim again).
      if (Date.now() - started > WAIT_FOR_OTHER_MS) throw new Error('timed out waiting for a duplicate delivery');
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
  }
}

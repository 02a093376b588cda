import NodeCache from 'node-cache';

/**
 * Platforms retry webhooks (WeChat up to 3 times, Douyin on timeouts): the first delivery does the
 * work, every repeat within the TTL gets the same result and changes nothing.
 */
export interface IdempotencyStore {
  /** Run `work` once per key; concurrent and later calls with the key get its result (JSON values). */
  once<T>(key: string, ttlSeconds: number, work: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** In-process: in-flight work is shared as a promise, finished results are kept in node-cache. */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private readonly done = new NodeCache({ checkperiod: 60, useClones: true });

  async once<T>(key: string, ttlSeconds: number, work: () => Promise<T>): Promise<T> {
    const cached = this.done.get<{ value: T }>(key);
    if (cached) return cached.value;
    const running = this.inFlight.get(key) as Promise<T> | undefined;
    if (running) return running;
    const promise = work()
      .then((value) => {
        this.done.set(key, { value }, ttlSeconds);
        return value;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  async close(): Promise<void> {
    this.done.close();
  }
}

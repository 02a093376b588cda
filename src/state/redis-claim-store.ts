import type Redis from 'ioredis';
import type { ClaimStore } from './claim-store';

/** Claims shared by every instance: SET NX with an expiry, so exactly one caller gets each key. */
export class RedisClaimStore implements ClaimStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'beian:claim:',
  ) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.prefix + key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX')) === 'OK';
  }

  async close(): Promise<void> {}
}

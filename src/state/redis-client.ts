import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

/**
 * A new ioredis client. ioredis is loaded on the first call only: a deployment without REDIS_URL
 * doesn't pay its ~100 ms of start-up.
 */
export function newRedisClient(url: string, options: RedisOptions): Redis {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RedisClient = (require('ioredis') as { default: typeof Redis }).default;
  return new RedisClient(url, options);
}

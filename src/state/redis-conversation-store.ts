import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import { readableState, type ConversationState } from './conversation-state';
import type { ConversationStore } from './conversation-store';

// Delete the lock only if we still hold it (it may have expired and been taken by someone else).
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const LOCK_TTL_MS = 5000;
const LOCK_WAIT_MS = 5000;

/**
 * Conversation state in Redis, shared by every instance behind the load balancer. Values are JSON
 * with the store's TTL renewed on each write. update() holds a short per-user lock (SET NX PX, released
 * by token) around read-modify-write: a user's concurrent messages on different instances never
 * lose an update, and a crashed holder's lock expires by itself.
 */
export class RedisConversationStore implements ConversationStore {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly prefix = 'beian:conv:',
  ) {}

  private key(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const raw = await this.redis.get(this.key(key));
    if (!raw) return undefined;
    // Whatever is stored (corrupt JSON included) reads as a valid state, never as an error.
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = {};
    }
    return readableState(parsed);
  }

  async set(key: string, value: ConversationState): Promise<void> {
    await this.redis.set(this.key(key), JSON.stringify(value), 'EX', this.ttlSeconds);
  }

  async delete(key: string): Promise<boolean> {
    return (await this.redis.del(this.key(key))) > 0;
  }

  async update(key: string, fn: (current: ConversationState | undefined) => ConversationState): Promise<ConversationState> {
    const lock = `${this.prefix}lock:${key}`;
    const token = randomUUID();
    const started = Date.now();
    for (let wait = 2; ; wait = Math.min(wait * 2, 20)) {
      if (await this.redis.set(lock, token, 'PX', LOCK_TTL_MS, 'NX')) break;
      if (Date.now() - started > LOCK_WAIT_MS) throw new Error('conversation lock timeout');
      await sleep(wait);
    }
    try {
      const next = fn(await this.get(key));
      await this.set(key, next);
      return JSON.parse(JSON.stringify(next)) as ConversationState;
    } finally {
      await this.redis.eval(RELEASE, 1, lock, token).catch(() => undefined);
    }
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

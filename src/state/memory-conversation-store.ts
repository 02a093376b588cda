import NodeCache from 'node-cache';
import { readableState, type ConversationState } from './conversation-state';
import type { ConversationStore } from './conversation-store';

/**
 * The embedded default, on node-cache. Values are deep-cloned in and out (node-cache's useClones)
 * so it behaves like a network store. Single-threaded JavaScript makes update() atomic as long as
 * fn is synchronous, which the interface requires.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly cache: NodeCache;

  constructor(ttlSeconds: number) {
    this.cache = new NodeCache({ stdTTL: ttlSeconds, checkperiod: Math.min(600, ttlSeconds), useClones: true });
  }

  async get(key: string): Promise<ConversationState | undefined> {
    return readableState(this.cache.get<ConversationState>(key));
  }

  async set(key: string, value: ConversationState): Promise<void> {
    this.cache.set(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.cache.del(key) > 0;
  }

  async update(key: string, fn: (current: ConversationState | undefined) => ConversationState): Promise<ConversationState> {
    const next = fn(readableState(this.cache.get<ConversationState>(key)));
    // set() stores a clone, so the caller may keep next.
    this.cache.set(key, next);
    return next;
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.cache.close();
  }

  get size(): number {
    return this.cache.keys().length;
  }
}

import NodeCache from 'node-cache';
import { readableState, revivesWhenMissing, type ConversationState } from './conversation-state';
import type { ConversationStore } from './conversation-store';

const parsed = (text: string | undefined): unknown => (text === undefined ? undefined : JSON.parse(text));

/**
 * The text a state is kept as: JSON without the fields reviveState gives back when they are
 * missing (most fields of most states are null, zero or empty), and without nulls inside the
 * others. Held for every user, so its size is most of the store's memory.
 */
export const stateText = (state: ConversationState): string => flat(JSON.stringify(compact(state)));

function compact(state: ConversationState): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(state) as Array<keyof ConversationState>) {
    if (!revivesWhenMissing(state, key)) out[key] = withoutNulls(state[key]);
  }
  return out;
}

function withoutNulls(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  // Array elements are never left out (JSON writes a left-out element as null): only objects inside them are pruned.
  if (Array.isArray(value)) return value.map(withoutNulls);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== null) out[key] = withoutNulls(v);
  }
  return out;
}

/**
 * V8 returns JSON.stringify's result as a tree of the parts it wrote (a cons string), which keeps
 * about 100 bytes more per state than the flat text until something reads it whole. Converting a
 * string to a number flattens it in place (the "flatstr" idiom): the stored text is then one string.
 */
function flat(text: string): string {
  _flattened ^= (text as unknown as number) | 0;
  return text;
}
// Written, so the conversion that flattens is not optimised away as unused.
let _flattened = 0;

export interface MemoryConversationStoreOptions {
  /** At most this many users are kept; the least recently used go first (0 = no limit). */
  maxKeys?: number;
  /** Called once per user evicted to stay within maxKeys (a metric). */
  onEvict?: () => void;
}

/**
 * The embedded default, on node-cache. Values are kept as JSON text, as the Redis store keeps
 * them: a caller can't change what is stored by changing an object it passed in or got back, the
 * same values survive a round trip in both stores, and a string takes less memory than the object
 * (node-cache's own deep clone in and out cost more per turn than JSON.stringify and parse). Single-threaded JavaScript makes update() atomic as long as
 * fn is synchronous, which the interface requires. Since callers choose user ids, the number of
 * users is capped: a Map in recency order (oldest first) on top of node-cache picks whom to evict.
 */
export class MemoryConversationStore implements ConversationStore {
  private readonly cache: NodeCache;
  private readonly recency = new Map<string, true>();
  private readonly maxKeys: number;
  private readonly onEvict?: () => void;

  constructor(ttlSeconds: number, options: MemoryConversationStoreOptions = {}) {
    this.cache = new NodeCache({ stdTTL: ttlSeconds, checkperiod: Math.min(600, ttlSeconds), useClones: false });
    this.maxKeys = options.maxKeys ?? 0;
    this.onEvict = options.onEvict;
    // Expired and deleted keys leave the recency order too ('del' fires for both).
    this.cache.on('del', (key: string) => this.recency.delete(key));
  }

  private touch(key: string): void {
    this.recency.delete(key);
    this.recency.set(key, true);
  }

  private stored(key: string, value: ConversationState): void {
    this.cache.set(key, stateText(value));
    this.touch(key);
    while (this.maxKeys > 0 && this.recency.size > this.maxKeys) {
      const oldest = this.recency.keys().next().value as string;
      this.recency.delete(oldest);
      this.cache.del(oldest);
      this.onEvict?.();
    }
  }

  async get(key: string): Promise<ConversationState | undefined> {
    const value = this.cache.get<string>(key);
    if (value !== undefined) this.touch(key);
    return readableState(parsed(value));
  }

  async set(key: string, value: ConversationState): Promise<void> {
    this.stored(key, value);
  }

  async delete(key: string): Promise<boolean> {
    return this.cache.del(key) > 0;
  }

  async update(key: string, fn: (current: ConversationState | undefined) => ConversationState): Promise<ConversationState> {
    const next = fn(readableState(parsed(this.cache.get<string>(key))));
    // Stored as text, so the caller may keep (and change) next.
    this.stored(key, next);
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

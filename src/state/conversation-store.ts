import type { ConversationState } from './conversation-state';

/**
 * Where conversation state lives: in-process by default, Redis when several instances share users.
 * Implementations return copies, so callers can never change stored state behind the store's back.
 */
export interface ConversationStore {
  get(key: string): Promise<ConversationState | undefined>;
  set(key: string, value: ConversationState): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Read-modify-write of one key with no lost update: `fn` gets the current value (or undefined)
   * and returns the new one. Returns what was stored.
   */
  update(key: string, fn: (current: ConversationState | undefined) => ConversationState): Promise<ConversationState>;
  /** Resolves when the store answers; rejects when it can't (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

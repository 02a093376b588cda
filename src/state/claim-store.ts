import NodeCache from 'node-cache';

/**
 * "First one wins" markers with an expiry: a reminder is claimed before it is sent so no second
 * worker (or a stalled job run again) sends it twice, and Douyin's one proactive message a day is a
 * claim that lasts a day.
 */
export interface ClaimStore {
  /** True for the first caller with this key until `ttlMs` has passed; false for everyone else. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/** In-process claims (one instance); node-cache drops them when they expire. */
export class MemoryClaimStore implements ClaimStore {
  private readonly claims = new NodeCache({ checkperiod: 600, useClones: false });

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const until = this.claims.get<number>(key);
    if (until !== undefined && until > this.now()) return false;
    this.claims.set(key, this.now() + ttlMs, Math.max(1, Math.ceil(ttlMs / 1000)));
    return true;
  }

  async close(): Promise<void> {
    this.claims.close();
  }
}

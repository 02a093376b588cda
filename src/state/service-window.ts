import NodeCache from 'node-cache';

/**
 * WeChat's customer-service message API may write to a user only within 48 h of their last message,
 * and only a few messages per message they sent. The channel records every inbound message; whoever
 * wants to send outside a passive reply (a reminder, the rest of a long answer) consumes one.
 */
export interface ServiceWindowRules {
  windowMs: number;
  messagesPerInbound: number;
}

export const WECHAT_SERVICE_WINDOW: ServiceWindowRules = { windowMs: 48 * 3600 * 1000, messagesPerInbound: 5 };

export type ServiceWindowDecision = { allowed: true } | { allowed: false; reason: 'outside_window' | 'quota_exhausted' };

export interface ServiceWindow {
  /**
   * The user wrote at `at`: a new window opens with a fresh quota. An `at` not newer than the one
   * recorded is ignored, so a platform's retry of the same message (or a second recorder) never
   * refills a quota already spent.
   */
  recordInbound(userKey: string, at: Date): Promise<void>;
  /** Take one message of the current window's quota, if the window is open and the quota not used up. */
  tryConsume(userKey: string, now: Date): Promise<ServiceWindowDecision>;
  /** How many messages the open window still allows (0 outside it). */
  remaining(userKey: string, now: Date): Promise<number>;
  /** Take up to `wanted` messages at once; returns how many were granted (0 outside the window). */
  take(userKey: string, now: Date, wanted: number): Promise<number>;
  close(): Promise<void>;
}

interface WindowEntry {
  inboundAt: number;
  left: number;
}

/** In-process windows; entries expire with the window. */
export class MemoryServiceWindow implements ServiceWindow {
  private readonly entries: NodeCache;

  constructor(private readonly rules: ServiceWindowRules = WECHAT_SERVICE_WINDOW) {
    this.entries = new NodeCache({ stdTTL: Math.ceil(rules.windowMs / 1000), checkperiod: 600, useClones: false });
  }

  async recordInbound(userKey: string, at: Date): Promise<void> {
    const current = this.entries.get<WindowEntry>(userKey);
    if (current && current.inboundAt >= at.getTime()) return;
    this.entries.set(userKey, { inboundAt: at.getTime(), left: this.rules.messagesPerInbound });
  }

  async tryConsume(userKey: string, now: Date): Promise<ServiceWindowDecision> {
    if (!this.open(userKey, now)) return { allowed: false, reason: 'outside_window' };
    return (await this.take(userKey, now, 1)) ? { allowed: true } : { allowed: false, reason: 'quota_exhausted' };
  }

  async remaining(userKey: string, now: Date): Promise<number> {
    return Math.max(0, this.open(userKey, now)?.left ?? 0);
  }

  async take(userKey: string, now: Date, wanted: number): Promise<number> {
    const entry = this.open(userKey, now);
    if (!entry) return 0;
    const granted = Math.max(0, Math.min(wanted, entry.left));
    entry.left -= granted;
    return granted;
  }

  private open(userKey: string, now: Date): WindowEntry | undefined {
    const entry = this.entries.get<WindowEntry>(userKey);
    if (!entry || now.getTime() - entry.inboundAt >= this.rules.windowMs || now.getTime() < entry.inboundAt) return undefined;
    return entry;
  }

  async close(): Promise<void> {
    this.entries.close();
  }
}

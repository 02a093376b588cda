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
  /** The user wrote at `at`: a new window opens with a fresh quota (an older `at` than the one recorded is ignored). */
  recordInbound(userKey: string, at: Date): Promise<void>;
  /** Take one message of the current window's quota, if the window is open and the quota not used up. */
  tryConsume(userKey: string, now: Date): Promise<ServiceWindowDecision>;
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
    if (current && current.inboundAt > at.getTime()) return;
    this.entries.set(userKey, { inboundAt: at.getTime(), left: this.rules.messagesPerInbound });
  }

  async tryConsume(userKey: string, now: Date): Promise<ServiceWindowDecision> {
    const entry = this.entries.get<WindowEntry>(userKey);
    if (!entry || now.getTime() - entry.inboundAt >= this.rules.windowMs || now.getTime() < entry.inboundAt)
      return { allowed: false, reason: 'outside_window' };
    if (entry.left <= 0) return { allowed: false, reason: 'quota_exhausted' };
    entry.left -= 1;
    return { allowed: true };
  }

  async close(): Promise<void> {
    this.entries.close();
  }
}

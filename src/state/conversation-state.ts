import { PLATFORMS, type Lang, type Platform } from '../core/types';

export const STAGES = ['unknown', 'filling', 'platform_review', 'sms_verification', 'bureau_review', 'approved', 'rejected'] as const;
export type Stage = (typeof STAGES)[number];

export const FILING_TYPES = ['first_filing', 'new_app', 'new_access', 'change', 'cancel_subject', 'cancel_service', 'cancel_access'] as const;
export type FilingType = (typeof FILING_TYPES)[number];

export type RecipientSlot = 'platform' | 'filingType' | 'changes';

/** The question the bot is waiting on, as a typed value (never a string protocol). */
export type Pending =
  /** Who gets the SMS: the slot asked for, and how many times in a row it was asked. */
  | { kind: 'recipient'; slot: RecipientSlot; times: number }
  /** A did-you-mean list: "1", "2" or "3" picks one of these intents. */
  | { kind: 'choose'; options: string[] }
  /** When the SMS came ("昨晚8点"); `remind` when the user asked for a reminder and the time is what it waits on. */
  | { kind: 'sms_time'; remind?: boolean }
  /** The bot offered a deadline reminder: a bare yes next turn accepts it. */
  | { kind: 'reminder_offer' }
  /** The answer to `intent` asked which platform, to give that platform's steps: a bare platform next turn gets them. */
  | { kind: 'platform'; intent: string };

/** A deadline reminder's state (api.md `state.reminder`): offered, scheduled (at = the next one due), sent, or cancelled. */
export const REMINDER_STATUSES = ['offered', 'scheduled', 'sent', 'cancelled'] as const;
export interface ReminderState {
  at: string;
  status: (typeof REMINDER_STATUSES)[number];
}

/** Why a conversation went to a person: the user asked (chat.human), or too many fallbacks in a row. */
export const HANDOFF_REASONS = ['requested', 'fallbacks'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/**
 * The user is with a human agent: the bot stays silent for them on every channel until an agent
 * releases it, the user ends it, or it times out. Other features (reminders) check `active`.
 */
export interface Handoff {
  active: boolean;
  /** ISO 8601: when it started. */
  since: string;
  /** The channel whose agents took the user over (json/webhook, wechat, wecom_kf, ...). */
  by: string;
  reason: HandoffReason;
}

/** Where the platform in state came from; a weak guess gives way to anything the user says. */
export type PlatformSource = 'user' | 'hint' | 'weak';

/** The rule numbers the state logic needs (from intents/rules.yaml). */
export interface StateRules {
  attempts: number;
  validityMs: number;
}

/**
 * What the bot remembers of one user. Never a full phone number, ID number or verification code,
 * never message text: only what the dialogue needs to reason about the filing.
 */
export interface ConversationState {
  platform: Platform | null;
  platformSource: PlatformSource | null;
  filingType: FilingType | null;
  /** What the application changes: decides who gets the SMS. */
  changes: { subject: boolean | null; app: boolean | null };
  stage: Stage;
  /** When the platform's preliminary review passed (its notice), for "the SMS is overdue". */
  preliminaryPassedAt: string | null;
  smsReceivedAt: string | null;
  attemptsUsed: number;
  lang: Lang | null;
  /** Traditional conventions chosen for this conversation (kept across messages). */
  variant: 'tw' | 'hk' | null;
  /** The question the bot is waiting on an answer to, if any. */
  pending: Pending | null;
  lastIntent: string | null;
  /** The last few intents, newest last (for a human agent's summary). */
  lastIntents: string[];
  /** Fallbacks in a row (a handoff trigger). */
  fallbackStreak: number;
  /** Set while a human agent has the conversation; null otherwise. */
  handoff: Handoff | null;
  /** The user's last few messages, masked (no phone, ID or code) and clipped: the agent's summary quotes them. */
  recentQuestions: string[];
  /** The deadline reminder of the current SMS, if one was offered or scheduled. */
  reminder: ReminderState | null;
  createdAt: string;
  updatedAt: string;
}

export function newConversationState(now: Date): ConversationState {
  const iso = now.toISOString();
  return {
    platform: null,
    platformSource: null,
    filingType: null,
    changes: { subject: null, app: null },
    stage: 'unknown',
    preliminaryPassedAt: null,
    smsReceivedAt: null,
    attemptsUsed: 0,
    lang: null,
    variant: null,
    pending: null,
    lastIntent: null,
    lastIntents: [],
    fallbackStreak: 0,
    handoff: null,
    recentQuestions: [],
    reminder: null,
    createdAt: iso,
    updatedAt: iso,
  };
}

/** How many of the user's last messages the agent's summary quotes, and how much of each. */
export const RECENT_QUESTIONS = 3;
export const QUESTION_CHARS = 120;

// A time whose deadline (a few days later at most) is still a valid Date: the ECMAScript range ends
// 8.64e15 ms from the epoch, and a corrupt record at its edge must not crash the deadline maths.
const isIso = (v: unknown): v is string => typeof v === 'string' && Number.isFinite(Date.parse(v)) && Math.abs(Date.parse(v)) < 8.64e15 - 7 * 86_400_000;
const oneOf = <T extends string>(v: unknown, allowed: readonly T[]): T | null =>
  typeof v === 'string' && (allowed as readonly string[]).includes(v) ? (v as T) : null;

function revivePending(v: unknown): Pending | null {
  if (!v || typeof v !== 'object') return null;
  const p = v as Record<string, unknown>;
  if (p.kind === 'recipient' && ['platform', 'filingType', 'changes'].includes(p.slot as string))
    return { kind: 'recipient', slot: p.slot as RecipientSlot, times: typeof p.times === 'number' ? p.times : 1 };
  if (p.kind === 'choose' && Array.isArray(p.options))
    return { kind: 'choose', options: p.options.filter((o): o is string => typeof o === 'string').slice(0, 3) };
  if (p.kind === 'sms_time') return p.remind === true ? { kind: 'sms_time', remind: true } : { kind: 'sms_time' };
  if (p.kind === 'reminder_offer') return { kind: 'reminder_offer' };
  if (p.kind === 'platform' && typeof p.intent === 'string') return { kind: 'platform', intent: p.intent };
  return null;
}

function reviveHandoff(v: unknown): Handoff | null {
  if (!v || typeof v !== 'object') return null;
  const h = v as Record<string, unknown>;
  const reason = oneOf(h.reason, HANDOFF_REASONS);
  if (h.active !== true || !isIso(h.since) || !reason) return null;
  return { active: true, since: h.since, by: typeof h.by === 'string' ? h.by.slice(0, 64) : 'unknown', reason };
}

function reviveReminder(v: unknown): ReminderState | null {
  if (!v || typeof v !== 'object') return null;
  const r = v as Record<string, unknown>;
  const status = oneOf(r.status, REMINDER_STATUSES);
  return status && isIso(r.at) ? { at: r.at, status } : null;
}

/**
 * A stored state read back, whatever an older version or a bad write left there: unknown fields
 * dropped, missing ones defaulted, impossible values (a date out of range) cleared. Reading never
 * throws, so one bad record can't make a user's every message fail.
 */
export function reviveState(raw: unknown, now: Date, platforms: readonly string[] = PLATFORMS): ConversationState {
  if (!raw || typeof raw !== 'object') return newConversationState(now);
  const r = raw as Record<string, unknown>;
  const changes = (r.changes && typeof r.changes === 'object' ? r.changes : {}) as Record<string, unknown>;
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : null);
  return {
    platform: typeof r.platform === 'string' && platforms.includes(r.platform) ? (r.platform as Platform) : null,
    platformSource: oneOf(r.platformSource, ['user', 'hint', 'weak'] as const) ?? (typeof r.platform === 'string' && !('platformSource' in r) ? 'user' : null),
    filingType: oneOf(r.filingType, FILING_TYPES),
    changes: { subject: bool(changes.subject), app: bool(changes.app) },
    stage: oneOf(r.stage, STAGES) ?? 'unknown',
    preliminaryPassedAt: isIso(r.preliminaryPassedAt) ? r.preliminaryPassedAt : null,
    smsReceivedAt: isIso(r.smsReceivedAt) ? r.smsReceivedAt : null,
    attemptsUsed: typeof r.attemptsUsed === 'number' && Number.isFinite(r.attemptsUsed) ? Math.max(0, Math.min(99, Math.floor(r.attemptsUsed))) : 0,
    lang: oneOf(r.lang, ['zh-Hans', 'zh-Hant', 'en'] as const),
    variant: oneOf(r.variant, ['tw', 'hk'] as const),
    pending: revivePending(r.pending),
    lastIntent: typeof r.lastIntent === 'string' ? r.lastIntent : null,
    lastIntents: Array.isArray(r.lastIntents) ? r.lastIntents.filter((x): x is string => typeof x === 'string').slice(-5) : [],
    reminder: reviveReminder(r.reminder),
    fallbackStreak: typeof r.fallbackStreak === 'number' && Number.isFinite(r.fallbackStreak) ? Math.max(0, Math.floor(r.fallbackStreak)) : 0,
    handoff: reviveHandoff(r.handoff),
    recentQuestions: Array.isArray(r.recentQuestions)
      ? r.recentQuestions
          .filter((x): x is string => typeof x === 'string')
          .slice(-RECENT_QUESTIONS)
          .map((x) => x.slice(0, QUESTION_CHARS))
      : [],
    // A new state's times (newConversationState), only when the stored ones are missing.
    createdAt: isIso(r.createdAt) ? r.createdAt : now.toISOString(),
    updatedAt: isIso(r.updatedAt) ? r.updatedAt : now.toISOString(),
  };
}

/**
 * Whether reviveState gives this field's value back when the record leaves the field out, so a store
 * may leave it out: a null, a zero counter, the unknown stage, an empty list, changes not known. A
 * null platformSource beside a platform is kept: without it, the platform reads as the user's own.
 */
export function revivesWhenMissing(state: ConversationState, key: keyof ConversationState): boolean {
  const v = state[key];
  switch (key) {
    case 'platformSource':
      return v === null && state.platform === null;
    case 'stage':
      return v === 'unknown';
    case 'attemptsUsed':
    case 'fallbackStreak':
      return v === 0;
    case 'lastIntents':
    case 'recentQuestions':
      return Array.isArray(v) && v.length === 0;
    case 'changes':
      return state.changes.subject === null && state.changes.app === null;
    case 'createdAt':
    case 'updatedAt':
      return false;
    default:
      return v === null;
  }
}

/** The `state` object of the JSON API (api.md): derived fields computed, internals left out. */
export interface ApiState {
  platform: Platform | null;
  filingType: FilingType | null;
  stage: Stage;
  smsReceivedAt: string | null;
  deadline: string | null;
  attemptsUsed: number;
  attemptsLeft: number;
  reminder: ReminderState | null;
}

export function toApiState(s: ConversationState, rules: StateRules): ApiState {
  const received = s.smsReceivedAt ? Date.parse(s.smsReceivedAt) : NaN;
  const deadline = Number.isFinite(received) ? new Date(received + rules.validityMs) : null;
  return {
    platform: s.platform,
    filingType: s.filingType,
    stage: s.stage,
    smsReceivedAt: s.smsReceivedAt,
    // A deadline beyond the Date range (a corrupt record) is reported as unknown, never a crash.
    deadline: deadline && Number.isFinite(deadline.getTime()) ? deadline.toISOString() : null,
    attemptsUsed: s.attemptsUsed,
    attemptsLeft: Math.max(0, rules.attempts - s.attemptsUsed),
    reminder: s.reminder ? { ...s.reminder } : null,
  };
}

/**
 * What a store hands back: undefined for no value, otherwise a valid state whatever was stored
 * (an older or corrupted value can't fail every later turn and GET of that user).
 */
export function readableState(value: unknown, now: Date = new Date()): ConversationState | undefined {
  return value === undefined || value === null ? undefined : reviveState(value, now);
}

/** Whether a state holds anything the user told the bot (what a failed save would lose). */
export function carriesFacts(s: ConversationState): boolean {
  return (
    s.platform !== null ||
    s.filingType !== null ||
    s.changes.subject !== null ||
    s.changes.app !== null ||
    s.stage !== 'unknown' ||
    s.smsReceivedAt !== null ||
    s.attemptsUsed !== 0 ||
    // Losing "which platform?" costs only the shortcut: the user's reply is still understood.
    (s.pending !== null && s.pending.kind !== 'platform')
  );
}

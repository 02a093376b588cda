import { PLATFORMS, type Lang, type Platform } from '../core/types';

export const STAGES = ['unknown', 'filling', 'platform_review', 'sms_verification', 'bureau_review', 'approved', 'rejected'] as const;
export type Stage = (typeof STAGES)[number];

export const FILING_TYPES = ['first_filing', 'new_app', 'new_access', 'change', 'cancel_subject', 'cancel_service', 'cancel_access'] as const;
export type FilingType = (typeof FILING_TYPES)[number];

/** Wrong entries MIIT accepts; the 6th verification returns the application (000 §2, §10). */
export const MAX_ATTEMPTS = 5;
/** The SMS code is valid this long (000 §10). */
export const SMS_VALIDITY_MS = 24 * 3600 * 1000;

/**
 * What the bot remembers of one user. Never a full phone number, ID number or verification code:
 * only what the dialogue needs to reason about the filing.
 */
export interface ConversationState {
  platform: Platform | null;
  filingType: FilingType | null;
  /** What the application changes: decides who gets the SMS. */
  changes: { subject: boolean | null; app: boolean | null };
  stage: Stage;
  smsReceivedAt: string | null;
  attemptsUsed: number;
  lang: Lang | null;
  /** The question the bot is waiting on an answer to, if any. */
  pending: string | null;
  lastIntent: string | null;
  createdAt: string;
  updatedAt: string;
}

export function newConversationState(now: Date): ConversationState {
  const iso = now.toISOString();
  return {
    platform: null,
    filingType: null,
    changes: { subject: null, app: null },
    stage: 'unknown',
    smsReceivedAt: null,
    attemptsUsed: 0,
    lang: null,
    pending: null,
    lastIntent: null,
    createdAt: iso,
    updatedAt: iso,
  };
}

/** Whether a state holds anything the user told the bot (what a failed save would lose). */
export function carriesFacts(s: ConversationState): boolean {
  const blank = newConversationState(new Date(0));
  return (
    s.platform !== blank.platform ||
    s.filingType !== blank.filingType ||
    s.changes.subject !== blank.changes.subject ||
    s.changes.app !== blank.changes.app ||
    s.stage !== blank.stage ||
    s.smsReceivedAt !== blank.smsReceivedAt ||
    s.attemptsUsed !== blank.attemptsUsed ||
    s.pending !== blank.pending
  );
}

/** Latest instant a Date can hold (ECMAScript: 8.64e15 ms after the epoch). */
const MAX_DATE_MS = 8.64e15;
const LANGS: readonly Lang[] = ['zh-Hans', 'zh-Hant', 'en'];

/** An ISO time whose deadline (24 h later) is still a valid Date, else null. */
function safeIso(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isFinite(t) && Math.abs(t) + SMS_VALIDITY_MS <= MAX_DATE_MS ? new Date(t).toISOString() : null;
}

const oneOf = <T>(allowed: readonly T[], value: unknown): T | null => (allowed.includes(value as T) ? (value as T) : null);
const boolOrNull = (v: unknown) => (typeof v === 'boolean' ? v : null);

/**
 * A stored value as a state every handler can work with: anything a store holds (an older or
 * corrupted value, a time that overflows the Date range) becomes a valid state, field by field,
 * instead of failing every later turn and GET of that user. Undefined for no value at all.
 * Fields it doesn't know are kept as they are.
 */
export function readableState(value: unknown, now: Date = new Date()): ConversationState | undefined {
  if (value === undefined || value === null) return undefined;
  const v = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const changes = (typeof v.changes === 'object' && v.changes !== null ? v.changes : {}) as Record<string, unknown>;
  const nowIso = now.toISOString();
  // Fields this version doesn't know are kept as stored (a newer instance may have written them).
  return {
    ...(v as Partial<ConversationState>),
    platform: oneOf(PLATFORMS, v.platform),
    filingType: oneOf(FILING_TYPES, v.filingType),
    changes: { subject: boolOrNull(changes.subject), app: boolOrNull(changes.app) },
    stage: oneOf(STAGES, v.stage) ?? 'unknown',
    smsReceivedAt: safeIso(v.smsReceivedAt),
    attemptsUsed: typeof v.attemptsUsed === 'number' && Number.isInteger(v.attemptsUsed) && v.attemptsUsed >= 0 ? v.attemptsUsed : 0,
    lang: oneOf(LANGS, v.lang),
    pending: typeof v.pending === 'string' ? v.pending : null,
    lastIntent: typeof v.lastIntent === 'string' ? v.lastIntent : null,
    createdAt: safeIso(v.createdAt) ?? nowIso,
    updatedAt: safeIso(v.updatedAt) ?? nowIso,
  };
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
}

export function toApiState(s: ConversationState): ApiState {
  return {
    platform: s.platform,
    filingType: s.filingType,
    stage: s.stage,
    smsReceivedAt: s.smsReceivedAt,
    // Computed safely: a stored time at the edge of the Date range gives no deadline, not a crash.
    deadline: safeIso(s.smsReceivedAt) ? new Date(Date.parse(s.smsReceivedAt!) + SMS_VALIDITY_MS).toISOString() : null,
    attemptsUsed: s.attemptsUsed,
    attemptsLeft: Math.max(0, MAX_ATTEMPTS - s.attemptsUsed),
  };
}

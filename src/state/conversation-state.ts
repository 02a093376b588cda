import type { Lang, Platform } from '../core/types';

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
    deadline: s.smsReceivedAt ? new Date(Date.parse(s.smsReceivedAt) + SMS_VALIDITY_MS).toISOString() : null,
    attemptsUsed: s.attemptsUsed,
    attemptsLeft: Math.max(0, MAX_ATTEMPTS - s.attemptsUsed),
  };
}

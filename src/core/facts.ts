import type { EventMention, Situation, StageEvent } from '../nlu/entities';
import type { Parse } from '../nlu/nlu';
import type { ConversationState, FilingType, Stage, StateRules } from '../state/conversation-state';
import type { Decision } from './policy';
import type { Platform } from './types';

/** What a message changed in the state, for the reply to acknowledge. */
export interface FactChanges {
  platform: boolean;
  filingType: boolean;
  changes: boolean;
  /** The stage moved or the SMS time was set. */
  moved: boolean;
  attempts: boolean;
}

const EVENT_STAGE: Record<StageEvent, Stage> = {
  submitted: 'platform_review',
  platform_review: 'platform_review',
  preliminary_passed: 'sms_verification',
  sms_received: 'sms_verification',
  verified: 'bureau_review',
  bureau_review: 'bureau_review',
  approved: 'approved',
  rejected: 'rejected',
};
const BEFORE_SMS: readonly Stage[] = ['unknown', 'filling', 'platform_review'];

/** Douyin's situations (002 §1) are its filing types; WeChat names the same cases this way (000 §8). */
const SITUATION_TYPE: Record<Situation, FilingType> = {
  first_ever: 'first_filing',
  filed_before: 'new_app',
  same_name_elsewhere: 'new_access',
  renamed: 'change',
};

/**
 * The platform this turn is about. Precedence: what the user says about their current filing >
 * the deployment's hint > what the state remembers > a weak hint. A background mention ("在微信
 * 已经备案过") never switches it.
 */
function platformFor(
  parse: Parse,
  state: ConversationState,
  hint: Platform | undefined,
): { platform: Platform | null; source: ConversationState['platformSource'] } {
  const named = parse.entities.platforms.filter((p) => p.strength === 'strong' && p.role === 'current' && p.polarity !== 'not');
  if (named.length) return { platform: named[named.length - 1].platform as Platform, source: 'user' };
  if (hint) return { platform: hint, source: 'hint' };
  if (state.platform) return { platform: state.platform, source: state.platformSource };
  const weak = parse.entities.platforms.find((p) => p.strength === 'weak' && p.role === 'current' && p.polarity !== 'not');
  if (weak) return { platform: weak.platform as Platform, source: 'weak' };
  return { platform: null, source: null };
}

/** An SMS report counts as the MIIT SMS when it says so, or when nothing suggests another one. */
function isMiitSms(e: EventMention, state: ConversationState): boolean {
  if (e.source === 'miit' || state.pending?.kind === 'sms_time') return true;
  // "收到短信了" before the platform's review has passed is likelier the platform's own SMS.
  return state.stage !== 'platform_review' && state.stage !== 'filling';
}

/**
 * Apply what the message says about the user's filing to the draft state (pure on `state`).
 * Only reports of what happened to the current filing change the stage or the SMS time; questions,
 * negations, the platform's own notice and background facts never do.
 */
export function applyFacts(state: ConversationState, parse: Parse, decision: Decision, now: Date, hint: Platform | undefined, rules: StateRules): FactChanges {
  const e = parse.entities;
  const out: FactChanges = { platform: false, filingType: false, changes: false, moved: false, attempts: false };

  // A message about something else (another app's code, another review) says nothing about this
  // filing: its platform words and "rejected" / "received" move nothing.
  const about = parse.outOfDomain ? { ...parse, entities: { ...e, platforms: [], events: [] } } : parse;
  const { platform, source } = platformFor(about, state, hint);
  if (platform !== state.platform) {
    out.platform = source === 'user';
    state.platform = platform;
  }
  state.platformSource = source;

  const answering = decision.decidedBy === 'slot_answer' && state.pending?.kind === 'recipient';
  const type = e.filingType ?? (e.situation ? SITUATION_TYPE[e.situation] : undefined);
  if (type && type !== state.filingType) {
    state.filingType = type;
    // What changed belongs to a filing type: a new type starts the question afresh.
    state.changes = { subject: null, app: null };
    out.filingType = true;
  }
  // "主体负责人会收到吗" names the subject without changing it: take what changed only when asked,
  // or when the message talks about changing something.
  const c = e.changes;
  const askedChanges = answering && state.pending?.kind === 'recipient' && state.pending.slot === 'changes';
  if (c && (askedChanges || e.aboutChanges) && (c.subject !== undefined || c.app !== undefined)) {
    if (c.subject !== undefined) state.changes.subject = c.subject;
    if (c.app !== undefined) state.changes.app = c.app;
    out.changes = true;
  } else if (askedChanges && e.slotAnswer) {
    // "both" / "neither" / "no" to "what does this application change?".
    const both = e.slotAnswer === 'both';
    if (both || e.slotAnswer === 'neither' || e.slotAnswer === 'no') {
      state.changes = { subject: both, app: both };
      out.changes = true;
    }
  }

  const reports = about.entities.events.filter((x) => x.polarity === 'happened' && x.role === 'current');
  // A bare time right after "when did the SMS come?" ("昨晚8点") is that answer.
  if (!reports.length && e.time && decision.decidedBy === 'slot_answer' && state.pending?.kind === 'sms_time') {
    reports.push({ event: 'sms_received', polarity: 'happened', role: 'current', time: e.time, source: 'miit' });
  }
  for (const r of reports) {
    if (r.event === 'sms_received' && !isMiitSms(r, state)) continue;
    const at = r.time && r.time <= now ? r.time : now;
    if (r.event === 'sms_received') {
      const previous = state.smsReceivedAt ? Date.parse(state.smsReceivedAt) : undefined;
      // A new SMS after a return, or after the old window closed, is a new round with fresh tries.
      if (state.stage === 'rejected' || (previous !== undefined && at.getTime() - previous > rules.validityMs)) state.attemptsUsed = 0;
      state.smsReceivedAt = at.toISOString();
    }
    if (r.event === 'preliminary_passed' && !state.smsReceivedAt) state.preliminaryPassedAt = at.toISOString();
    state.stage = EVENT_STAGE[r.event];
    out.moved = true;
  }
  // Still waiting for the SMS means the platform's review is behind them.
  const waiting = about.entities.events.some((x) => x.event === 'sms_received' && x.polarity === 'not' && x.role === 'current');
  if (!reports.length && waiting && BEFORE_SMS.includes(state.stage)) {
    state.stage = 'sms_verification';
    out.moved = true;
  }

  // Wrong tries, as reported ("又错了" adds one, "第五次" / "4 times" set the count); never a supposed one.
  const count = e.count;
  const recordsTries = decision.intent === 'state.attempt' || (count && !count.supposed && ATTEMPT_INTENTS.has(decision.intent));
  if (recordsTries && (count === undefined || !count.supposed)) {
    const before = state.attemptsUsed;
    if (!count) state.attemptsUsed += 1;
    else state.attemptsUsed = count.relative ? state.attemptsUsed + count.n : count.n;
    state.attemptsUsed = Math.min(state.attemptsUsed, rules.attempts + 1);
    if (BEFORE_SMS.includes(state.stage)) state.stage = 'sms_verification';
    out.attempts = state.attemptsUsed !== before;
  }
  return out;
}

const ATTEMPT_INTENTS = new Set(['verify.attempts_exhausted', 'verify.info_mismatch', 'verify.attempt_limit']);

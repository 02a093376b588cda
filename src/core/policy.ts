import type { EventMention } from '../nlu/entities';
import type { Ranked } from '../nlu/intent-classifier';
import type { Parse } from '../nlu/nlu';
import type { ConversationState, HandoffReason } from '../state/conversation-state';
import { FALLBACK } from './intent-ids';

/** Why a turn got its intent: logged, counted in /metrics, returned by the API, shown by the eval. */
export const DECIDED_BY = [
  'classifier',
  'error_string',
  'low_confidence',
  'out_of_scope',
  'slot_answer',
  'stage_report',
  'attempt_report',
  'choice',
  'forget',
  'follow_up',
  'own_situation',
  'sms_missing',
  'recipient_question',
  // Handoff to a human: the user asked, too many fallbacks, the bot stays silent, the user ended it.
  'handoff_request',
  'handoff_fallbacks',
  'handoff_active',
  'handoff_end',
  'reminder_request',
  'reminder_accept',
  'reminder_stop',
] as const;
export type DecidedBy = (typeof DECIDED_BY)[number];

export interface Decision {
  intent: string;
  confidence: number;
  decidedBy: DecidedBy;
  /** Did-you-mean candidates (for a fallback) or runners-up. */
  candidates: Ranked[];
  /** What this turn does to a handoff to a human: start one, stay silent in one, or end one. */
  handoff?: HandoffAction;
}

export type HandoffAction = { kind: 'start'; reason: HandoffReason } | { kind: 'hold' } | { kind: 'end'; reason: 'user' | 'timeout' };

/** What the policy needs beyond the parse and the state; without `handoff` the bot never hands over. */
export interface PolicyContext {
  /** The message time. */
  now: Date;
  handoff?: { afterFallbacks: number; timeoutMs: number };
  /** An intent the user tapped in a menu (a WeChat msgmenu did-you-mean entry), already checked to exist. */
  picked?: string;
}

/** Whether a handoff ran out: no message from the user for `timeoutMs` (WeChat's own kf sessions close the same way). */
export function handoffExpired(state: ConversationState, now: Date, timeoutMs: number): boolean {
  if (!state.handoff?.active) return false;
  const last = Math.max(Date.parse(state.handoff.since), Date.parse(state.updatedAt));
  return now.getTime() - last >= timeoutMs;
}

/**
 * The parse read in the light of the conversation: "审核没通过" is another review's rejection for a
 * newcomer, but this filing's for a user whose filing is under way; then the model's best in-scope
 * reading stands. Pure.
 */
export function inContext(parse: Parse, state: ConversationState): Parse {
  const best = parse.candidates[0];
  if (!parse.otherReviewOnly || state.stage === 'unknown' || !best) return parse;
  return {
    ...parse,
    outOfDomain: false,
    otherReviewOnly: false,
    intent: best.intent,
    confidence: best.confidence,
    source: 'classifier',
    candidates: parse.candidates.slice(1),
  };
}

/** Intents a short slot answer may look like to the classifier ("新增接入" reads as a report). */
const SLOT_LOOKALIKES = new Set(['state.report', 'sms.recipient', 'filing.types', FALLBACK]);
/** Knowledge intents a report of wrong tries may look like ("输错4次了"). */
const ATTEMPT_LOOKALIKES = new Set(['verify.attempts_exhausted', 'verify.info_mismatch', 'verify.attempt_limit', 'state.report', FALLBACK]);

/** Questions about the SMS (its sender, timing, recipient, expiry) a statement that it never came may look like. */
const MISSING_LOOKALIKES = new Set(['sms.recipient', 'sms.arrival_time', 'verify.failed_returned', 'verify.validity']);

/** General answers a question about the user's own time or tries may look like. */
const OWN_LOOKALIKES = new Set(['verify.validity', 'verify.attempt_limit', 'state.query', 'sms.arrival_time', FALLBACK]);

/** Classifier confidence at which a short message quoting a prompt keeps its knowledge reading over a stage event. */
const SHORT_CERTAIN = 0.95;

/** Stage events the user reports as having happened to their current filing. */
export const reported = (events: EventMention[]) => events.filter((e) => e.polarity === 'happened' && e.role === 'current');

/** Whether the message gives what the who-gets-the-SMS question asked for (or anything that flow uses). */
function answersRecipientQuestion(parse: Parse): boolean {
  const e = parse.entities;
  return (
    e.platforms.some((p) => p.strength === 'strong' && p.role === 'current' && p.polarity !== 'not') ||
    e.filingType !== undefined ||
    e.situation !== undefined ||
    e.changes !== undefined ||
    e.slotAnswer !== undefined
  );
}

/**
 * The dialogue policy: which intent this turn answers, from the parse, the state and the question
 * pending, and why, and what it does to a handoff to a human. Pure.
 */
export function decide(parse: Parse, state: ConversationState, context?: PolicyContext): Decision {
  const h = context?.handoff;
  const e = parse.entities;
  if (!h || e.forget) return decideIntent(parse, state, context?.picked);
  const expired = handoffExpired(state, context.now, h.timeoutMs);
  if (state.handoff?.active && !expired) {
    // "结束人工", "back to the bot": the bot takes the conversation back.
    if (e.endHandoff) return { intent: 'chat.human', confidence: 1, decidedBy: 'handoff_end', candidates: [], handoff: { kind: 'end', reason: 'user' } };
    // With a person: the bot says nothing; the intent is what the user asked, for the agent's view.
    return { intent: parse.intent, confidence: parse.confidence, decidedBy: 'handoff_active', candidates: [], handoff: { kind: 'hold' } };
  }
  // Saying "结束人工" when no person has the conversation must not start one (it reads like chat.human).
  if (e.endHandoff) return { intent: 'chat.human', confidence: 1, decidedBy: 'handoff_end', candidates: [], handoff: { kind: 'end', reason: 'user' } };
  const d = decideIntent(parse, state, context?.picked);
  if (d.intent === 'chat.human') return { ...d, decidedBy: 'handoff_request', handoff: { kind: 'start', reason: 'requested' } };
  if (d.intent === FALLBACK && h.afterFallbacks > 0 && state.fallbackStreak + 1 >= h.afterFallbacks) {
    return { ...d, intent: 'chat.human', decidedBy: 'handoff_fallbacks', handoff: { kind: 'start', reason: 'fallbacks' } };
  }
  return expired ? { ...d, handoff: { kind: 'end', reason: 'timeout' } } : d;
}

/** Which intent this turn answers. Rules are tried in order; the first that applies decides. */
function decideIntent(parse: Parse, state: ConversationState, picked?: string): Decision {
  const { entities: e } = parse;
  const from = (intent: string, decidedBy: DecidedBy, confidence = 1): Decision => ({ intent, confidence, decidedBy, candidates: [] });
  const pending = state.pending;

  // The user's right to be forgotten comes before anything else the message may say.
  if (e.forget) return from('chat.goodbye', 'forget');
  // A tapped menu entry says which intent without any doubt, whatever its text looks like now.
  if (picked) return from(picked, 'choice');
  // "2" right after a did-you-mean list picks that entry.
  if (pending?.kind === 'choose' && e.choice !== undefined && pending.options[e.choice - 1]) return from(pending.options[e.choice - 1], 'choice');
  // "别提醒我" / "stop reminders" and "提醒我" / "remind me before it expires" count at any time.
  if (e.reminder === 'stop') return from('reminder.opt_out', 'reminder_stop');
  if (e.reminder === 'request') return from('reminder.opt_in', 'reminder_request');
  // A bare yes accepts the bot's offer only on the turn right after it; later it accepts nothing.
  if (pending?.kind === 'reminder_offer' && e.slotAnswer === 'yes') return from('reminder.opt_in', 'reminder_accept');
  // A pasted official error string is a surer signal than anything else.
  if (parse.source === 'error_string') return from(parse.intent, 'error_string', parse.confidence);

  const statement = !e.isQuestion;
  const classified = parse.intent;
  // An answer to the who-gets-the-SMS question continues that flow, unless it is plainly a new question.
  if (pending?.kind === 'recipient' && answersRecipientQuestion(parse) && (parse.short || SLOT_LOOKALIKES.has(classified) || classified === 'sms.recipient')) {
    return from('sms.recipient', 'slot_answer', Math.max(parse.confidence, 0.9));
  }
  // "抖音小程序" right after "which platform are you on? I'll give you its exact steps": those steps.
  if (
    pending?.kind === 'platform' &&
    parse.short &&
    e.platforms.some((p) => p.strength === 'strong' && p.role === 'current' && p.polarity !== 'not') &&
    (SLOT_LOOKALIKES.has(classified) || classified === pending.intent)
  ) {
    return from(pending.intent, 'slot_answer', Math.max(parse.confidence, 0.9));
  }
  // "那如果是变更备案呢", "and if it was a change filing instead?": a new case for the question just answered.
  if (
    state.lastIntent === 'sms.recipient' &&
    !pending &&
    (e.filingType || e.situation || e.changes) &&
    (SLOT_LOOKALIKES.has(classified) || classified === 'sms.recipient')
  ) {
    return from('sms.recipient', 'follow_up', Math.max(parse.confidence, 0.9));
  }
  // "昨晚8点" right after "when did the SMS come?".
  if (pending?.kind === 'sms_time' && e.time && !e.count && statement) return from('state.report', 'slot_answer', 0.9);

  // Reports: "又错了 这是第五次了", "输错3次了". A supposed count ("再试第6次行不行") is a question.
  if (
    e.count &&
    !e.count.supposed &&
    statement &&
    !parse.outOfDomain &&
    (parse.short || ATTEMPT_LOOKALIKES.has(classified) || classified.startsWith('state.'))
  ) {
    return from('state.attempt', 'attempt_report', Math.max(parse.confidence, 0.9));
  }
  // "初审通过了", "刚收到核验短信", "核验成功了 现在显示管局审核中": a statement of what happened is a report,
  // whatever it resembles; a complaint ("还是显示管局审核中") or a question gets its answer instead.
  const events = reported(e.events);
  // "提交了但还没收到短信" needs troubleshooting more than a record.
  // Unless the platform's review just passed: then the SMS is expected, and the report (which says
  // when, or that it is overdue and what to check) is the answer.
  const preliminary = e.events.some((x) => x.event === 'preliminary_passed' && x.polarity === 'happened' && x.role === 'current');
  const missing = !(preliminary && statement) && e.events.some((x) => x.event === 'sms_received' && x.polarity === 'not' && x.role === 'current');
  // A long story the classifier confidently reads as a knowledge question keeps that reading.
  // So is a short one that says what went wrong ("超时了 备案被退回了": the answer is what to do), or
  // that quotes the screen and is all but certain ("I verified but it says waiting for other
  // verifiers"): the event only sets the scene. A bare status quote ("显示管局审核中") stays a report.
  const confidentAnswer =
    parse.source === 'classifier' &&
    !classified.startsWith('state.') &&
    (parse.short ? (e.trouble && parse.confidence >= 0.8) || (e.systemSays && parse.confidence >= SHORT_CERTAIN) : parse.confidence >= 0.8);
  if (
    events.length &&
    statement &&
    !missing &&
    !e.complaint &&
    !confidentAnswer &&
    !parse.outOfDomain &&
    // The model's own reading is "none of these": "审核不通过" alone may be another review (a mini
    // program's privacy guide, an app store); it is this filing's when the message names its actors.
    (parse.source !== 'out_of_scope' || parse.domainCue) &&
    !classified.startsWith('chat.') &&
    classified !== 'state.attempt'
  ) {
    return from('state.report', 'stage_report', Math.max(parse.confidence, 0.9));
  }
  // A statement that only names the platform or the filing type ("我们是抖音小程序") is a report too.
  const facts = e.platforms.some((p) => p.strength === 'strong' && p.role === 'current') || e.filingType !== undefined;
  // Not when the model reads it as none of this bot's topics and nothing of the filing is named ("微信号被限制登录了").
  const factsOnly = parse.source === 'low_confidence' || (parse.source === 'out_of_scope' && (parse.domainCue || e.filingType !== undefined));
  if (facts && statement && parse.short && !parse.outOfDomain && factsOnly) return from('state.report', 'stage_report', 0.9);

  // "我还剩多久" / "how many tries do I have left": the user's own numbers, not the rule in general.
  if ((e.asks.time || e.asks.attempts) && e.asks.own && OWN_LOOKALIKES.has(classified) && !parse.outOfDomain) {
    return from('state.query', 'own_situation', Math.max(parse.confidence, 0.9));
  }
  // "nobody has received anything from 12381 yet": troubleshooting, whatever else the story resembles.
  // A story the classifier reads only weakly as something else ("...要怎么排查") is troubleshooting too,
  // unless the user also says the filing was sent back.
  const returned = e.events.some((x) => x.event === 'rejected' && x.polarity === 'happened');
  // So is a plain statement that it hasn't come which reads like a question about the SMS's sender,
  // timing or recipient: nothing was asked ("这次抖音这边验证短信总是不来").
  const missingLookalike = statement && MISSING_LOOKALIKES.has(classified);
  if (
    missing &&
    !returned &&
    // The model's "none of these" is wrong when the message names the MIIT SMS ("the miit code just isn't arriving").
    (classified === 'state.report' ||
      missingLookalike ||
      parse.source === 'low_confidence' ||
      parse.confidence < 0.6 ||
      (parse.source === 'out_of_scope' && parse.domainCue)) &&
    !parse.outOfDomain
  ) {
    return from('sms.not_received', 'sms_missing', Math.max(parse.confidence, 0.8));
  }
  // "抖音这边 工信部的短信发谁": to whom, not from whom or when; a bag of words can't tell 发谁 from 谁发.
  if (classified === 'sms.arrival_time' && e.asks.recipient && !e.asks.time && e.isQuestion) {
    return from('sms.recipient', 'recipient_question', parse.confidence);
  }
  return { intent: classified, confidence: parse.confidence, decidedBy: parse.source, candidates: parse.candidates };
}

import type { Entities, StageEvent } from '../nlu/entities';
import { MAX_ATTEMPTS, SMS_VALIDITY_MS, type ConversationState, type Stage } from '../state/conversation-state';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { decideRecipient } from './recipient-rules';
import { formatClock, formatDuration } from './time-format';

/** What a handler works on: the draft state it may change, and the message's facts. */
export interface Turn {
  kb: KnowledgeBase;
  base: 'zh' | 'en';
  /** The message's time: every computation uses it, never the server clock. */
  now: Date;
  state: ConversationState;
  entities: Entities;
  normalized: string;
  /** What the bot asked in its previous reply (state.pending before this message). */
  asked: string | null;
  /** Whether this message moved the stage or set the SMS time (applyStageEvents). */
  moved: boolean;
}

export interface HandlerResult {
  lines: string[];
  sources: string[];
}

/** MIIT resends once when the SMS is not verified within 12 h (000 §10). */
const AUTO_RESEND_MS = 12 * 3600 * 1000;

const CHANGE_WORDS = /改|变|换|动|没有|都没|change|renam|updat|modif|both|neither|nothing|none|only/;

const EVENT_STAGE: Record<StageEvent, Stage> = {
  submitted: 'platform_review',
  preliminary_passed: 'sms_verification',
  sms_received: 'sms_verification',
  verified: 'bureau_review',
  approved: 'approved',
  rejected: 'rejected',
};

/** A sentence of intents/_dialogue.yaml in the turn's language, {placeholders} filled in. */
export function phrase(turn: Pick<Turn, 'kb' | 'base'>, key: string, vars: Record<string, string | number> = {}): string {
  const entry = turn.kb.text[key];
  if (!entry) throw new Error(`no text "${key}" in intents/_dialogue.yaml`);
  return entry[turn.base].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

const list = (turn: Turn, items: string[]) => (turn.base === 'zh' ? items.join('、') : items.join(', '));

/** Platform, filing type and what changes, from any message: returns the labels of what was new. */
export function applyFacts(turn: Turn): string[] {
  const { state, entities } = turn;
  const noted: string[] = [];
  if (entities.platform && entities.platform !== state.platform) {
    state.platform = entities.platform;
    noted.push(phrase(turn, `platform_${entities.platform}`));
  }
  if (entities.filingType && entities.filingType !== state.filingType) {
    state.filingType = entities.filingType;
    noted.push(phrase(turn, `filing_${entities.filingType}`));
  }
  const c = entities.changes;
  // "主体负责人会收到吗" names the subject without changing it: take what changed only when we
  // asked, or when the message talks about changing something.
  const aboutChanges = turn.asked === 'recipient:changes' || CHANGE_WORDS.test(turn.normalized);
  if (c && aboutChanges && (c.subject !== undefined || c.app !== undefined)) {
    if (c.subject !== undefined) state.changes.subject = c.subject;
    if (c.app !== undefined) state.changes.app = c.app;
    noted.push(changesLabel(turn));
  }
  return noted;
}

function changesLabel(turn: Turn): string {
  const { subject, app } = turn.state.changes;
  if (subject && app) return phrase(turn, 'changes_both');
  if (subject === false && app === false) return phrase(turn, 'changes_none');
  if (subject) return phrase(turn, 'changes_subject');
  return phrase(turn, 'changes_app');
}

/** Stage events the user reports; true when the stage or the SMS time changed. */
export function applyStageEvents(turn: Turn): boolean {
  const { state, entities, now } = turn;
  const events = [...entities.events];
  // A bare time right after we asked when the SMS came ("昨晚8点") is that answer.
  if (!events.length && entities.time && (turn.asked === 'sms_time' || (state.stage === 'sms_verification' && !state.smsReceivedAt))) {
    events.push('sms_received');
  }
  if (!events.length) {
    if (entities.smsNotReceived && ['unknown', 'filling', 'platform_review'].includes(state.stage)) {
      state.stage = 'sms_verification';
      return true;
    }
    return false;
  }
  for (const event of events) {
    if (event === 'sms_received') {
      const at = entities.time && entities.time <= now ? entities.time : now;
      const previous = state.smsReceivedAt ? Date.parse(state.smsReceivedAt) : undefined;
      // A new SMS after a return, or after the old window closed, is a new round with 5 fresh tries.
      if (state.stage === 'rejected' || (previous !== undefined && at.getTime() - previous > SMS_VALIDITY_MS)) state.attemptsUsed = 0;
      state.smsReceivedAt = at.toISOString();
    }
    state.stage = EVENT_STAGE[event];
  }
  return true;
}

function resubmitLines(turn: Turn): string[] {
  const p = turn.state.platform;
  return p ? [phrase(turn, `resubmit_${p}`)] : ['wechat', 'douyin', 'tencent_cloud'].map((x) => phrase(turn, `resubmit_${x}`));
}

/** Deadline arithmetic of the SMS window (000 §10): time left, the 12 h resend, or closed. */
export function smsTimeLines(turn: Turn): string[] {
  const { state, now, base } = turn;
  if (!state.smsReceivedAt) return [];
  const received = new Date(state.smsReceivedAt);
  const deadline = new Date(received.getTime() + SMS_VALIDITY_MS);
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return [phrase(turn, 'sms_window_closed', { deadline: formatClock(deadline, base) }), ...resubmitLines(turn)];
  const lines = [
    phrase(turn, 'sms_received_at', { received: formatClock(received, base), deadline: formatClock(deadline, base), left: formatDuration(left, base) }),
  ];
  if (now.getTime() - received.getTime() >= AUTO_RESEND_MS) lines.push(phrase(turn, 'sms_auto_resend_passed', { deadline: formatClock(deadline, base) }));
  else lines.push(phrase(turn, 'sms_auto_resend_upcoming', { resend: formatClock(new Date(received.getTime() + AUTO_RESEND_MS), base) }));
  return lines;
}

/** Tries used and left; `recorded` when this message reported them ("记下了"), else a status line. */
export function attemptLines(turn: Turn, withRule: boolean, recorded = false): string[] {
  const used = turn.state.attemptsUsed;
  const left = Math.max(0, MAX_ATTEMPTS - used);
  if (used === 0) return [phrase(turn, 'attempts_none'), ...(withRule ? [phrase(turn, 'attempts_rule')] : [])];
  if (left === 0) return [phrase(turn, 'attempts_exhausted'), phrase(turn, 'next_rejected'), ...resubmitLines(turn)];
  const lines = [phrase(turn, recorded ? 'attempts_count' : 'attempts_status', { used, left })];
  if (left === 1) lines.push(phrase(turn, 'attempts_last_warning'));
  else lines.push(phrase(turn, 'attempts_rule'), ...(withRule ? [phrase(turn, 'attempts_check_tip')] : []));
  return lines;
}

/** What to do next at the user's stage, and what to watch out for. */
export function nextStepLines(turn: Turn): string[] {
  const { state } = turn;
  switch (state.stage) {
    case 'platform_review':
      return [phrase(turn, 'next_platform_review')];
    case 'sms_verification': {
      if (state.smsReceivedAt) {
        const lines = smsTimeLines(turn);
        return Date.parse(state.smsReceivedAt) + SMS_VALIDITY_MS > turn.now.getTime() ? [...lines, phrase(turn, 'sms_how_to')] : lines;
      }
      const wait = state.platform === 'wechat' || state.platform === 'douyin' ? `next_sms_wait_${state.platform}` : 'next_sms_wait';
      return [phrase(turn, wait)];
    }
    case 'bureau_review':
      return [phrase(turn, 'next_bureau_review')];
    case 'approved':
      return [phrase(turn, 'next_approved')];
    case 'rejected':
      return [phrase(turn, 'next_rejected'), ...resubmitLines(turn)];
    default:
      return [];
  }
}

/** state.report: record what the user says and answer with the next step. */
export function handleReport(turn: Turn, noted: string[]): HandlerResult {
  const { moved } = turn;
  const lines: string[] = [];
  if (noted.length) lines.push(phrase(turn, 'noted', { facts: list(turn, noted) }));
  if (moved || noted.length) lines.push(...nextStepLines(turn));
  if (noted.length && turn.state.stage === 'unknown') lines.push(phrase(turn, 'report_ask_stage'));
  if (!lines.length) lines.push(phrase(turn, 'report_unclear'));
  return { lines, sources: [] };
}

/** Wrong entries the message reports; with no number, `fallback` of them (又输错了 = one more). */
export function recordAttempts(turn: Turn, fallback: number): void {
  const { state, entities } = turn;
  const count = entities.count;
  if (!count && fallback === 0) return;
  if (!count) state.attemptsUsed += fallback;
  else state.attemptsUsed = count.relative ? state.attemptsUsed + count.n : count.n;
  state.attemptsUsed = Math.min(state.attemptsUsed, MAX_ATTEMPTS + 1);
  if (['unknown', 'filling', 'platform_review'].includes(state.stage)) state.stage = 'sms_verification';
}

/** state.attempt: "又输错了" adds one, "已经错了4次" sets the count (000 §2, §10). */
export function handleAttempt(turn: Turn): HandlerResult {
  const { state } = turn;
  recordAttempts(turn, 1);
  const lines = attemptLines(turn, true, true);
  if (state.smsReceivedAt && state.attemptsUsed < MAX_ATTEMPTS) lines.unshift(...smsTimeLines(turn).slice(0, 1));
  return { lines, sources: ['000 §2', '000 §10'] };
}

const ASKS_TIME = /多久|多长时间|几个?小时|几点|来得及|还剩.{0,4}(时间|小时)|过期|截止|超时|deadline|time|hour|late|expire/;
const ASKS_ATTEMPTS = /几次|多少次|机会|次数|还能(输|试|错|再)|tries|attempts|chances|how many (more )?times/;
const ASKS_STAGE = /哪一?步|阶段|状态|进度|下一步|接下来|该干|怎么办|status|stage|next|where am i|step/;

/** state.query: time left, tries left, stage and next step, from what the bot knows; asks when it doesn't. */
export function handleQuery(turn: Turn): HandlerResult {
  const { state, normalized } = turn;
  const knowsNothing = state.stage === 'unknown' && !state.smsReceivedAt && state.attemptsUsed === 0;
  if (knowsNothing) {
    state.pending = 'sms_time';
    return { lines: [phrase(turn, 'query_unknown')], sources: [] };
  }
  const time = ASKS_TIME.test(normalized);
  const attempts = ASKS_ATTEMPTS.test(normalized);
  const stage = ASKS_STAGE.test(normalized);
  const all = !time && !attempts && !stage;
  const lines: string[] = [];
  if (time || all) {
    if (state.smsReceivedAt) lines.push(...smsTimeLines(turn));
    else if (time) {
      lines.push(phrase(turn, 'query_time_unknown'));
      state.pending = 'sms_time';
    }
  }
  if (attempts || (all && state.stage === 'sms_verification')) lines.push(...attemptLines(turn, attempts));
  if (stage || all) {
    lines.push(phrase(turn, 'query_stage', { stage: phrase(turn, `stage_${state.stage}`) }));
    const next = nextStepLines(turn).filter((l) => !lines.includes(l));
    lines.push(...next);
  }
  return { lines, sources: ['000 §10'] };
}

/** sms.recipient: the decision tables, asking only for what is missing. */
export function handleRecipient(turn: Turn): HandlerResult & { asked: boolean } {
  const { state, kb } = turn;
  const decision = decideRecipient(kb.decisionTables, state);
  if (decision.kind === 'ask') {
    state.pending = `recipient:${decision.slot}`;
    const key = { platform: 'ask_platform', filingType: 'ask_filing_type', changes: 'ask_changes' }[decision.slot];
    return { lines: [phrase(turn, key)], sources: [], asked: true };
  }
  state.pending = null;
  const context = [
    state.platform ? phrase(turn, `platform_${state.platform}`) : '',
    state.filingType ? phrase(turn, `filing_${state.filingType}`) : '',
    state.changes.subject !== null || state.changes.app !== null ? changesLabel(turn) : '',
  ].filter(Boolean);
  const ctx = list(turn, context);
  if (decision.kind === 'no_table')
    return { lines: [phrase(turn, 'recipient_tencent_cloud'), phrase(turn, 'recipient_never_emergency')], sources: ['004', '002 §1'], asked: false };
  if (decision.kind === 'no_rule') return { lines: [phrase(turn, 'recipient_no_rule', { context: ctx })], sources: [], asked: false };
  const { rule, source } = decision;
  const lines: string[] = [];
  const sources = [source];
  if (rule.verified.length === 0) lines.push(phrase(turn, 'recipient_none', { context: ctx }));
  else {
    const who = rule.verified.map((r) => kb.decisionTables.roles[r === 'app' && state.platform === 'tencent_cloud' ? 'app_website' : r][turn.base]);
    lines.push(phrase(turn, 'recipient_answer', { context: ctx, who: who.join(turn.base === 'zh' ? ' 和 ' : ' and ') }));
    if (rule.verified.length > 1) lines.push(phrase(turn, 'recipient_both'));
    lines.push(phrase(turn, 'recipient_never_emergency'));
    sources.push('002 §1');
  }
  if (rule.note) {
    lines.push(`${phrase(turn, 'note')}${turn.base === 'zh' ? '：' : ': '}${rule.note[turn.base]}`);
    sources.push(rule.note.source);
  }
  return { lines, sources, asked: false };
}

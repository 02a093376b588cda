import type { KnowledgeBase } from '../knowledge/knowledge-base';
import type { Parse } from '../nlu/nlu';
import type { ConversationState, Pending, RecipientSlot, StateRules } from '../state/conversation-state';
import { fillRules, renderAnswer, type RenderContext } from './answer-renderer';
import type { FactChanges } from './facts';
import type { Decision } from './policy';
import { decideRecipient } from './recipient-rules';
import { formatClock, formatDuration } from './time-format';

/** What a handler works on: the draft state it may change, the message's parse, the turn's facts. Pure. */
export interface Turn {
  kb: KnowledgeBase;
  ctx: RenderContext;
  base: 'zh' | 'en';
  /** The message's time: every computation uses it, never the server clock. */
  now: Date;
  state: ConversationState;
  parse: Parse;
  decision: Decision;
  /** What the bot asked in its previous reply (the pending question before this message). */
  asked: Pending | null;
  facts: FactChanges;
  rules: StateRules & { autoResendMs: number };
}

export interface HandlerResult {
  lines: string[];
  sources: string[];
}

/** A sentence of intents/_dialogue.yaml in the turn's language, {placeholders} filled in. */
export function phrase(turn: Pick<Turn, 'kb' | 'base'>, key: string, vars: Record<string, string | number> = {}): string {
  const entry = turn.kb.text[key];
  if (!entry) throw new Error(`no text "${key}" in intents/_dialogue.yaml`);
  return fillRules(
    turn.kb,
    entry[turn.base].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`)),
  );
}

/** The platform's own sentence for `key` when intents/_dialogue.yaml has one (`key_<platform>`), else the general one. */
function platformPhrase(turn: Turn, key: string, vars: Record<string, string | number> = {}): string {
  const p = turn.state.platform;
  return p && turn.kb.text[`${key}_${p}`] ? phrase(turn, `${key}_${p}`, vars) : phrase(turn, key, vars);
}

/** Sources as intents/rules.yaml writes them ("000 §2; 000 §10"), one entry each. */
const sourcesOf = (...sources: string[]) => [...new Set(sources.flatMap((s) => s.split(';').map((x) => x.trim())))];
const list = (turn: Pick<Turn, 'base'>, items: string[]) => items.join(turn.base === 'zh' ? '、' : ', ');
const platformLabel = (turn: Turn, p: string) => turn.kb.platforms[p as keyof KnowledgeBase['platforms']]?.name[turn.base] ?? p;

function changesLabel(turn: Turn): string {
  const { subject, app } = turn.state.changes;
  if (subject && app) return phrase(turn, 'changes_both');
  if (subject === false && app === false) return phrase(turn, 'changes_none');
  if (subject) return phrase(turn, 'changes_subject');
  return phrase(turn, 'changes_app');
}

/** Labels of what this message told the bot (platform, filing type, changes). */
function notedLabels(turn: Turn): string[] {
  const { state, facts } = turn;
  const out: string[] = [];
  if (facts.platform && state.platform) out.push(platformLabel(turn, state.platform));
  if (facts.filingType && state.filingType) out.push(phrase(turn, `filing_${state.filingType}`));
  if (facts.changes && (state.changes.subject !== null || state.changes.app !== null)) out.push(changesLabel(turn));
  return out;
}

function resubmitLines(turn: Turn): string[] {
  const p = turn.state.platform;
  return p ? [phrase(turn, `resubmit_${p}`)] : Object.keys(turn.kb.platforms).map((x) => phrase(turn, `resubmit_${x}`));
}

/** Deadline arithmetic of the SMS window (000 §10): time left, the 12 h resend, or closed. */
export function smsTimeLines(turn: Turn): string[] {
  const { state, now, base, rules } = turn;
  if (!state.smsReceivedAt) return [];
  const received = new Date(state.smsReceivedAt);
  const deadline = new Date(received.getTime() + rules.validityMs);
  const left = deadline.getTime() - now.getTime();
  if (left <= 0) return [phrase(turn, 'sms_window_closed', { deadline: formatClock(deadline, base) }), ...resubmitLines(turn)];
  const lines = [
    phrase(turn, 'sms_received_at', { received: formatClock(received, base), deadline: formatClock(deadline, base), left: formatDuration(left, base) }),
  ];
  if (now.getTime() - received.getTime() >= rules.autoResendMs) lines.push(phrase(turn, 'sms_auto_resend_passed', { deadline: formatClock(deadline, base) }));
  else lines.push(phrase(turn, 'sms_auto_resend_upcoming', { resend: formatClock(new Date(received.getTime() + rules.autoResendMs), base) }));
  return lines;
}

/** Tries used and left; `recorded` when this message reported them ("记下了"), else a status line. */
export function attemptLines(turn: Turn, withRule: boolean, recorded = false): string[] {
  const used = turn.state.attemptsUsed;
  const left = Math.max(0, turn.rules.attempts - used);
  if (used === 0) return [phrase(turn, 'attempts_none'), ...(withRule ? [phrase(turn, 'attempts_rule')] : [])];
  if (left === 0) return [phrase(turn, 'attempts_exhausted'), phrase(turn, 'next_rejected'), ...resubmitLines(turn)];
  const lines = [phrase(turn, recorded ? 'attempts_count' : 'attempts_status', { used, left })];
  if (left === 1) lines.push(phrase(turn, 'attempts_last_warning'));
  else lines.push(phrase(turn, 'attempts_rule'), ...(withRule ? [phrase(turn, 'attempts_check_tip')] : []));
  return lines;
}

/**
 * The MIIT SMS is overdue: the platform's preliminary review passed longer ago than its usual
 * window (WeChat 5-10 minutes, 000 §7; Douyin 3-4 hours, 002 §6.2) and no SMS has come.
 */
function overdueLines(turn: Turn): string[] {
  const { state, now, kb } = turn;
  if (state.stage !== 'sms_verification' || state.smsReceivedAt || !state.preliminaryPassedAt || !state.platform) return [];
  const window = kb.platforms[state.platform]?.sms_after_notice;
  if (!window) return [];
  const unitMs = window.unit === 'hour' ? 3_600_000 : 60_000;
  const waited = now.getTime() - Date.parse(state.preliminaryPassedAt);
  if (waited <= window.max * unitMs) return [];
  const def = kb.intents.get('sms.not_received');
  return [
    phrase(turn, `sms_overdue_${window.unit}`, { waited: formatDuration(waited, turn.base), min: window.min, max: window.max }),
    ...(def ? [renderAnswer(kb, def, turn.ctx).text] : []),
  ];
}

/** What to do next at the user's stage, and what to watch out for. */
export function nextStepLines(turn: Turn): string[] {
  const { state } = turn;
  switch (state.stage) {
    case 'platform_review':
      return [platformPhrase(turn, 'next_platform_review')];
    case 'sms_verification': {
      if (state.smsReceivedAt) {
        const lines = smsTimeLines(turn);
        return Date.parse(state.smsReceivedAt) + turn.rules.validityMs > turn.now.getTime() ? [...lines, phrase(turn, 'sms_how_to')] : lines;
      }
      const overdue = overdueLines(turn);
      return overdue.length ? overdue : [platformPhrase(turn, 'next_sms_wait')];
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
export function handleReport(turn: Turn): HandlerResult {
  const noted = notedLabels(turn);
  const lines: string[] = [];
  if (noted.length) lines.push(phrase(turn, 'noted', { facts: list(turn, noted) }));
  if (turn.facts.moved || noted.length) lines.push(...nextStepLines(turn));
  if (noted.length && turn.state.stage === 'unknown') lines.push(phrase(turn, 'report_ask_stage'));
  if (!lines.length) lines.push(phrase(turn, 'report_unclear'));
  return { lines, sources: [] };
}

/** state.attempt: "又输错了" adds one, "已经错了4次" / "第五次" set the count (000 §2, §10). */
export function handleAttempt(turn: Turn): HandlerResult {
  const { state } = turn;
  const lines = attemptLines(turn, true, true);
  if (state.smsReceivedAt && state.attemptsUsed < turn.rules.attempts) lines.unshift(...smsTimeLines(turn).slice(0, 1));
  return { lines, sources: sourcesOf(turn.kb.rules.attempts.source, turn.kb.rules.validity_hours.source) };
}

/** state.query: time left, tries left, stage and next step, from what the bot knows; asks when it doesn't. */
export function handleQuery(turn: Turn): HandlerResult {
  const { state } = turn;
  const knowsNothing = state.stage === 'unknown' && !state.smsReceivedAt && state.attemptsUsed === 0;
  if (knowsNothing) {
    state.pending = { kind: 'sms_time' };
    return { lines: [phrase(turn, 'query_unknown')], sources: [] };
  }
  const { time, attempts, stage } = turn.parse.entities.asks;
  const all = !time && !attempts && !stage;
  const lines: string[] = [];
  if (time || all) {
    if (state.smsReceivedAt) lines.push(...smsTimeLines(turn));
    else if (time) {
      lines.push(phrase(turn, 'query_time_unknown'));
      state.pending = { kind: 'sms_time' };
    }
  }
  if (attempts || (all && state.stage === 'sms_verification')) lines.push(...attemptLines(turn, attempts));
  if (stage || all) {
    lines.push(phrase(turn, 'query_stage', { stage: phrase(turn, `stage_${state.stage}`) }));
    lines.push(...nextStepLines(turn).filter((l) => !lines.includes(l)));
  }
  return { lines, sources: sourcesOf(turn.kb.rules.validity_hours.source, turn.kb.rules.attempts.source) };
}

const ASK_KEYS: Record<RecipientSlot, string> = { platform: 'ask_platform', filingType: 'ask_filing_type', changes: 'ask_changes' };

/** sms.recipient: the decision tables, asking only for what is missing, and never the same question twice in a row without saying why. */
export function handleRecipient(turn: Turn): HandlerResult & { asked: boolean; withGeneral: boolean } {
  const { state, kb } = turn;
  const decision = decideRecipient(kb.decisionTables, state);
  if (decision.kind === 'ask') {
    const before = turn.asked?.kind === 'recipient' && turn.asked.slot === decision.slot ? turn.asked.times : 0;
    // Asked twice already and still no answer: stop asking; the general answer follows.
    if (before >= 2) {
      state.pending = null;
      return { lines: [phrase(turn, 'recipient_give_up')], sources: [], asked: false, withGeneral: true };
    }
    state.pending = { kind: 'recipient', slot: decision.slot, times: before + 1 };
    const ask = platformPhrase(turn, ASK_KEYS[decision.slot]);
    const lines = before ? [phrase(turn, turn.parse.entities.slotAnswer === 'unsure' ? 'ask_again_unsure' : 'ask_again'), ask] : [ask];
    // The first question comes with the general rules, so the answer is complete even if the user never replies.
    return { lines, sources: [], asked: true, withGeneral: !before && turn.asked?.kind !== 'recipient' };
  }
  state.pending = null;
  const context = [
    state.platform ? platformLabel(turn, state.platform) : '',
    state.filingType ? phrase(turn, `filing_${state.filingType}`) : '',
    state.changes.subject !== null || state.changes.app !== null ? changesLabel(turn) : '',
  ].filter(Boolean);
  const ctx = list(turn, context);
  const done = { asked: false, withGeneral: false };
  if (decision.kind === 'no_table')
    return { lines: [phrase(turn, 'recipient_tencent_cloud'), phrase(turn, 'recipient_never_emergency')], sources: ['004', '002 §1'], ...done };
  if (decision.kind === 'no_rule') return { lines: [phrase(turn, 'recipient_no_rule', { context: ctx })], sources: [], ...done };
  const { rule, source } = decision;
  const lines: string[] = [];
  const sources = [source];
  if (rule.verified.length === 0) lines.push(phrase(turn, 'recipient_none', { context: ctx }));
  else {
    const roles = state.platform ? kb.platforms[state.platform]?.roles : undefined;
    const who = rule.verified.map((r) => (roles ? roles[r][turn.base] : r));
    lines.push(phrase(turn, 'recipient_answer', { context: ctx, who: who.join(` ${phrase(turn, 'and')} `) }));
    if (rule.verified.length > 1) lines.push(phrase(turn, 'recipient_both'));
    lines.push(phrase(turn, 'recipient_never_emergency'));
    sources.push('002 §1');
  }
  if (rule.note) {
    lines.push(`${phrase(turn, 'note')}${turn.base === 'zh' ? '：' : ': '}${rule.note[turn.base]}`);
    sources.push(rule.note.source);
  }
  return { lines, sources, ...done };
}

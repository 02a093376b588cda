import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { localize } from '../core/answer-renderer';
import { formatBeijingMinute, formatDuration } from '../core/time-format';
import type { Lang } from '../core/types';
import { toApiState, type ApiState, type ConversationState, type HandoffReason, type StateRules } from '../state/conversation-state';

/** The structured case an agent gets with a handoff (api.md `handoff.case`); times ISO 8601. */
export interface HandoffCase extends Pick<ApiState, 'platform' | 'filingType' | 'stage' | 'smsReceivedAt' | 'deadline' | 'attemptsUsed' | 'attemptsLeft'> {
  /** The user's language. */
  lang: Lang | null;
  /** The channel whose agents took the user over. */
  channel: string;
  /** The conversation key (the JSON API's userId, wechat:<OpenID>, wecomkf:<external_userid>). */
  userKey: string;
  lastIntents: string[];
  /** The user's last messages, masked (no phone, ID or code). */
  lastQuestions: string[];
  since: string;
  reason: HandoffReason;
}

/** The response's `handoff` (api.md), present while the user is with a human. */
export interface HandoffView {
  active: true;
  reason: HandoffReason;
  since: string;
  by: string;
  case: HandoffCase;
  /** Text for agents in HANDOFF_LANG, times in Beijing time as YYYY-MM-DD HH:mm. */
  summary: string;
}

export interface HandoffCaseDeps {
  kb: KnowledgeBase;
  rules: StateRules;
  /** The agents' language (HANDOFF_LANG). */
  lang: Lang;
}

/**
 * The case and its summary, from the state alone (pure): what the agent needs so they don't start
 * with "what's your problem?". Undefined when no handoff is active. `now` is for "how long is left".
 */
export function buildHandoffView(state: ConversationState, userKey: string, now: Date, deps: HandoffCaseDeps): HandoffView | undefined {
  const h = state.handoff;
  if (!h?.active) return undefined;
  const api = toApiState(state, deps.rules);
  const c: HandoffCase = {
    ...api,
    lang: state.lang,
    channel: h.by,
    userKey,
    lastIntents: [...state.lastIntents],
    lastQuestions: [...state.recentQuestions],
    since: h.since,
    reason: h.reason,
  };
  return { active: true, reason: h.reason, since: h.since, by: h.by, case: c, summary: summaryOf(c, now, deps) };
}

function summaryOf(c: HandoffCase, now: Date, { kb, lang }: HandoffCaseDeps): string {
  const base = lang === 'en' ? 'en' : 'zh';
  const say = (key: string, vars: Record<string, string | number> = {}) => {
    const entry = kb.text[key];
    if (!entry) throw new Error(`no text "${key}" in intents/_dialogue.yaml`);
    return entry[base].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
  };
  const unknown = say('handoff_unknown');
  const label = (key: string) => (kb.text[key] ? say(key) : unknown);
  const lines = [
    say('handoff_summary_head', { reason: say(`handoff_reason_${c.reason}`), since: formatBeijingMinute(new Date(c.since)) }),
    say('handoff_summary_user', { user: c.userKey, channel: c.channel, lang: c.lang ?? unknown }),
    say('handoff_summary_case', {
      platform: c.platform ? label(`platform_${c.platform}`) : unknown,
      filingType: c.filingType ? label(`filing_${c.filingType}`) : unknown,
      stage: label(`stage_${c.stage}`),
    }),
  ];
  if (c.smsReceivedAt && c.deadline) {
    const leftMs = Date.parse(c.deadline) - now.getTime();
    lines.push(
      say('handoff_summary_sms', {
        received: formatBeijingMinute(new Date(c.smsReceivedAt)),
        deadline: formatBeijingMinute(new Date(c.deadline)),
        left: leftMs > 0 ? say('handoff_summary_sms_left', { left: formatDuration(leftMs, base) }) : say('handoff_summary_sms_closed'),
      }),
    );
  } else lines.push(say('handoff_summary_no_sms'));
  lines.push(say('handoff_summary_attempts', { used: c.attemptsUsed, left: c.attemptsLeft }));
  if (c.lastIntents.length) lines.push(say('handoff_summary_intents', { intents: c.lastIntents.join(', ') }));
  // Labels in the agents' script; the user's own words stay as they wrote them (already masked).
  const text = localize(lines.join('\n'), { lang, variant: 'tw' });
  const questions = c.lastQuestions.length
    ? `\n${localize(say('handoff_summary_questions'), { lang, variant: 'tw' })}\n${c.lastQuestions.map((q, i) => `${i + 1}. ${q}`).join('\n')}`
    : '';
  return text + questions;
}

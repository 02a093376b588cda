import type { KnowledgeBase } from '../knowledge/knowledge-base';
import type { ConversationState, StateRules } from '../state/conversation-state';
import { localize } from './answer-renderer';
import { phrase, smsTimeLines, type Turn } from './state-handlers';
import { formatClock, formatDuration } from './time-format';
import type { Lang, Message } from './types';

/**
 * What the dialogue needs to know about deadline reminders (REMINDERS, REMINDER_BEFORE and the
 * channels that can deliver), all pure. The app's port adds `apply`, which schedules or cancels.
 */
export interface ReminderOptions {
  mode: 'offer' | 'always' | 'off';
  /** REMINDER_BEFORE: offsets before the deadline, longest first (the offer names them). */
  beforeMs: readonly number[];
  /** Whether some sender can reach a user who writes this way. */
  canDeliver(message: Message): boolean;
  /** The first reminder planned for this SMS time at `now` (quiet hours applied); null when none is still due. */
  firstAt(smsReceivedAt: Date, now: Date): Date | null;
}

/** What a turn asks of the scheduler, applied by the app after the state is saved. */
export type ReminderCommand = { kind: 'schedule'; smsReceivedAt: string } | { kind: 'cancel' };

/** The engine's way out to the scheduler: never throws (a failure is logged and counted there). */
export interface ReminderPort extends ReminderOptions {
  apply(message: Message, command: ReminderCommand): Promise<void>;
  /** Every inbound message (WeChat's 48 h customer-service window opens with it). */
  seen?(message: Message): void;
}

export type ReminderBlock = 'no_sms' | 'stage' | 'closed' | 'no_attempts' | 'handoff';

/**
 * Why no reminder is wanted for this state now, or null. Past the SMS step (verified, bureau
 * review, approved, rejected), the window closed, no tries left, or a human agent has the
 * conversation. The handoff hook: any state whose `handoff.active` is true (issue 13's field)
 * blocks reminders, here and again in the fire step.
 */
export function reminderBlocked(state: ConversationState, rules: StateRules, now: Date): ReminderBlock | null {
  if (!state.smsReceivedAt) return 'no_sms';
  if (state.stage !== 'sms_verification') return 'stage';
  if (Date.parse(state.smsReceivedAt) + rules.validityMs <= now.getTime()) return 'closed';
  if (state.attemptsUsed >= rules.attempts) return 'no_attempts';
  if ((state as { handoff?: { active?: boolean } | null }).handoff?.active) return 'handoff';
  return null;
}

const active = (s: ConversationState) => s.reminder?.status === 'scheduled' || s.reminder?.status === 'sent';

/** "2 小时" / "6 小时和 1 小时". */
function beforeLabel(turn: Pick<Turn, 'kb' | 'base'>, options: ReminderOptions): string {
  const parts = options.beforeMs.map((ms) => (ms < 60_000 ? `${Math.round(ms / 1000)}${turn.base === 'zh' ? ' 秒' : ' s'}` : formatDuration(ms, turn.base)));
  return parts.join(turn.base === 'zh' ? '和' : ' and ');
}

const deadlineOf = (turn: Turn) => new Date(Date.parse(turn.state.smsReceivedAt!) + turn.rules.validityMs);

/** Schedules the reminder of the state's SMS when one is still due; the lines say what happened. */
function schedule(turn: Turn, options: ReminderOptions, key: 'reminder_scheduled' | 'reminder_auto' | 'reminder_moved'): string[] {
  const { state, now, base } = turn;
  const at = options.firstAt(new Date(state.smsReceivedAt!), now);
  if (!at) {
    state.reminder = active(state) ? { ...state.reminder!, status: 'cancelled' } : null;
    const left = deadlineOf(turn).getTime() - now.getTime();
    return key === 'reminder_auto' ? [] : [phrase(turn, 'reminder_too_late', { left: formatDuration(left, base) }), phrase(turn, 'sms_how_to')];
  }
  state.reminder = { at: at.toISOString(), status: 'scheduled' };
  return [phrase(turn, key, { at: formatClock(at, base), deadline: formatClock(deadlineOf(turn), base) })];
}

/** reminder.opt_in: schedule it, or say why not, or ask for what it waits on (the SMS time). */
export function handleOptIn(turn: Turn, options: ReminderOptions | undefined, message: Message): string[] {
  const { state, now, rules, base } = turn;
  const deliverable = options !== undefined && options.mode !== 'off' && options.canDeliver(message);
  if (!deliverable) {
    if (!state.smsReceivedAt) return [phrase(turn, 'reminder_unavailable_no_time')];
    return [phrase(turn, 'reminder_unavailable', { deadline: formatClock(deadlineOf(turn), base) })];
  }
  const blocked = reminderBlocked(state, rules, now);
  if (
    blocked === 'no_sms' &&
    (state.stage === 'unknown' || state.stage === 'filling' || state.stage === 'platform_review' || state.stage === 'sms_verification')
  ) {
    // Whether the SMS has come or not, the reminder waits for its time: the next answer schedules it.
    if (state.pending === null) state.pending = { kind: 'sms_time', remind: true };
    return [phrase(turn, 'reminder_need_time', { before: beforeLabel(turn, options) })];
  }
  if (blocked === 'stage' || blocked === 'no_sms') return [phrase(turn, 'reminder_not_needed', { stage: phrase(turn, `stage_${state.stage}`) })];
  if (blocked === 'closed') return smsTimeLines(turn);
  if (blocked === 'no_attempts') return [phrase(turn, 'reminder_no_attempts')];
  if (blocked === 'handoff') return [];
  return schedule(turn, options, 'reminder_scheduled');
}

/** reminder.opt_out: cancel whatever is offered or scheduled. */
export function handleOptOut(turn: Turn): string[] {
  const { state } = turn;
  const had = active(state);
  state.reminder = state.reminder && had ? { ...state.reminder, status: 'cancelled' } : null;
  if (turn.asked?.kind === 'sms_time' && turn.asked.remind) state.pending = null;
  return [phrase(turn, had ? 'reminder_cancelled' : 'reminder_none')];
}

/**
 * After any other turn: keep the reminder in step with the state (a new SMS time moves it, a
 * verified / reviewed / returned filing or a closed window cancels it), let an unanswered offer
 * lapse, and offer one (or, with REMINDERS=always, schedule it) when this turn recorded the SMS time.
 */
export function followUpReminder(turn: Turn, previous: ConversationState, options: ReminderOptions | undefined, message: Message): string[] {
  const { state, now, rules } = turn;
  const blocked = reminderBlocked(state, rules, now);
  const smsChanged = state.smsReceivedAt !== previous.smsReceivedAt && state.smsReceivedAt !== null;
  // An offer not taken up on the very next turn lapses.
  if (state.reminder?.status === 'offered' && turn.asked?.kind === 'reminder_offer') state.reminder = null;
  if (active(state)) {
    if (blocked) {
      state.reminder = { ...state.reminder!, status: 'cancelled' };
      return [phrase(turn, 'reminder_stopped')];
    }
    if (smsChanged && options) return schedule(turn, options, 'reminder_moved');
    return [];
  }
  if (!options || options.mode === 'off' || blocked || !options.canDeliver(message)) {
    if (state.reminder?.status === 'offered' && blocked) state.reminder = null;
    return [];
  }
  // "提醒我" came before the SMS time: this answer is what it was waiting for.
  if (smsChanged && turn.asked?.kind === 'sms_time' && turn.asked.remind) return schedule(turn, options, 'reminder_scheduled');
  if (!smsChanged) return [];
  if (options.mode === 'always') return schedule(turn, options, 'reminder_auto');
  const at = options.firstAt(new Date(state.smsReceivedAt!), now);
  if (!at) return [];
  state.reminder = { at: at.toISOString(), status: 'offered' };
  // The offer is the question of this turn only when no other question is open.
  if (state.pending === null) state.pending = { kind: 'reminder_offer' };
  return [phrase(turn, 'reminder_offer', { before: beforeLabel(turn, options) })];
}

/** What the scheduler must do for this turn's change of the reminder, if anything. */
export function reminderCommand(previous: ConversationState, next: ConversationState): ReminderCommand | undefined {
  const was = active(previous);
  if (next.reminder?.status === 'scheduled') {
    const same = previous.reminder?.status === 'scheduled' && previous.reminder.at === next.reminder.at && previous.smsReceivedAt === next.smsReceivedAt;
    return same ? undefined : { kind: 'schedule', smsReceivedAt: next.smsReceivedAt! };
  }
  if (was && !active(next)) return { kind: 'cancel' };
  return undefined;
}

/** The state a due reminder is rendered from: the conversation state and the tries the rules allow. */
export type ReminderTextState = Pick<ConversationState, 'smsReceivedAt' | 'attemptsUsed' | 'lang'> &
  Partial<Pick<ConversationState, 'variant' | 'platform'>> & { attemptsAllowed: number };

/** The reminder itself, in the user's language and variant: deadline (Beijing HH:mm), time and tries left, how to verify. */
export function reminderText(kb: KnowledgeBase, state: ReminderTextState, rules: StateRules, now: Date): string {
  const lang: Lang = state.lang ?? 'zh-Hans';
  const base = lang === 'en' ? 'en' : 'zh';
  const turn = { kb, base } as const;
  const deadline = new Date(Date.parse(state.smsReceivedAt!) + rules.validityMs);
  const lines = [
    phrase(turn, 'reminder_text', {
      deadline: formatClock(deadline, base),
      left: formatDuration(deadline.getTime() - now.getTime(), base),
      attempts: Math.max(0, state.attemptsAllowed - state.attemptsUsed),
    }),
    phrase(turn, 'sms_how_to'),
  ];
  return localize(lines.join('\n'), { lang, variant: state.variant ?? 'tw' });
}

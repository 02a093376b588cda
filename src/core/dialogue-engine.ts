import type { Logger } from 'winston';
import { buildHandoffView, type HandoffView } from '../handoff/handoff-case';
import { isStaffed, nextStaffed, type ServiceHours } from '../handoff/service-hours';
import { mask } from '../privacy/mask';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { moduleLogger } from '../logger';
import type { Metrics } from '../metrics';
import type { Nlu, Parse } from '../nlu/nlu';
import { ParseBatcher } from '../nlu/parse-batcher';
import {
  carriesFacts,
  newConversationState,
  reviveState,
  toApiState,
  type ApiState,
  type ConversationState,
  type Handoff,
  type StateRules,
  QUESTION_CHARS,
  RECENT_QUESTIONS,
} from '../state/conversation-state';
import { throttledWarning } from '../throttled-warning';
import type { ConversationStore } from '../state/conversation-store';
import type { UnansweredLog } from '../state/unanswered-log';
import { baseOf, localize, renderAnswer, renderDidYouMean, suggestionsFor, type RenderContext } from './answer-renderer';
import { applyFacts } from './facts';
import { FALLBACK } from './intent-ids';
import { decide, handoffExpired, inContext, type DecidedBy, type Decision, type PolicyContext } from './policy';
import {
  followUpReminder,
  handleOptIn,
  handleOptOut,
  reminderCommand,
  reminderText,
  type ReminderCommand,
  type ReminderPort,
  type ReminderTextState,
} from './reminder-turn';
import { attemptLines, handleAttempt, handleQuery, handleRecipient, handleReport, phrase, smsTimeLines, type HandlerResult, type Turn } from './state-handlers';
import { formatWeekdayClock } from './time-format';
import { PLATFORMS, type Lang, type Message, type Reply, type ReplyMenu } from './types';

/** How the bot hands users to human agents (HANDOFF_* config). */
export interface HandoffSettings {
  /** Consecutive fallbacks that hand over (0 = never). */
  afterFallbacks: number;
  /** No message from the user for this long ends a handoff. */
  timeoutMs: number;
  /** When agents answer; undefined = always. */
  hours?: ServiceHours;
  /** The language of the agents' summary. */
  lang: Lang;
}

/** A handoff that started or ended in a turn, for metrics and agent notifications. */
export interface HandoffEvent {
  kind: 'started' | 'ended';
  userKey: string;
  handoff: Handoff;
  /** How it ended (released by an agent, the user, timeout). */
  endReason?: 'released' | 'user' | 'timeout';
  at: Date;
  /** The agent's view, for a start. */
  view?: HandoffView;
}

export interface EngineOptions {
  /** Deadline reminders (REMINDERS, REMINDER_BEFORE, the scheduler); none: never offered. */
  reminders?: ReminderPort;
  /** Unset: chat.human answers with a static text and the bot never steps back. */
  handoff?: HandoffSettings;
  /** Custom-menu EventKeys and the question each button asks (intents/menu.yaml). */
  menu?: Map<string, { intent: string; question: { zh: string; en: string } }>;
  /**
   * Parse the messages that arrive in the same event-loop turn together (default): the server's
   * throughput under load. false: each message at once, without waiting for the loop's next turn.
   */
  batchParses?: boolean;
  /** Called once a handoff's start or end is stored (agent notifications); must not throw. */
  onHandoff?: (event: HandoffEvent) => void;
}

export interface EngineResult {
  reply: Reply;
  state: ConversationState;
  /** What the engine understood and decided, for logs, the eval and the console (absent when a channel answered without it). */
  trace?: { parse: Parse; decidedBy: DecidedBy; before: ConversationState; saved: boolean };
}

/** Knowledge answers that start with the user's own SMS window when it is known. */
const TIME_AWARE = new Set(['verify.validity', 'sms.not_received', 'resend.how_to', 'verify.failed_returned']);
/** Answers below this confidence go to the unanswered-question log too, for FAQ maintainers. */
const LOW_CONFIDENCE = 0.6;
const LAST_INTENTS = 5;

interface TurnResult {
  reply: Reply;
  state: ConversationState;
  decidedBy: DecidedBy;
  /** The user asked to be forgotten: the engine deletes the key instead of saving. */
  forget?: boolean;
  /** The handoff this turn started, and the one it ended (user, timeout). */
  handoff?: { started?: Handoff; ended?: { handoff: Handoff; reason: 'user' | 'timeout' } };
  /** Schedule or cancel the user's deadline reminder, once the state is saved. */
  reminder?: ReminderCommand;
}

/**
 * One turn: understand the message (once), load the user's state, decide, answer, save.
 * Only the engine touches the store; answer() is a pure function of message, parse and state.
 */
export class DialogueEngine {
  private readonly log: Logger = moduleLogger('dialogue');
  readonly kb: KnowledgeBase;
  private readonly rules: Turn['rules'];
  /** Once a minute at most while the store is down, not once per message. */
  private readonly warnStore = throttledWarning(this.log);
  private readonly parses?: ParseBatcher;

  constructor(
    private readonly nlu: Nlu,
    private readonly store: ConversationStore,
    private readonly metrics?: Metrics,
    private readonly unanswered?: UnansweredLog,
    private readonly options: EngineOptions = {},
  ) {
    this.kb = nlu.kb;
    if (options.batchParses !== false) this.parses = new ParseBatcher(nlu, 32, (seconds) => this.metrics?.understood(seconds));
    const r = this.kb.rules;
    this.rules = { attempts: r.attempts.value, validityMs: r.validity_hours.value * 3_600_000, autoResendMs: r.auto_resend_hours.value * 3_600_000 };
  }

  get ready(): boolean {
    return this.nlu.ready;
  }

  get stateRules(): StateRules {
    return this.rules;
  }

  /** The API's view of a state (deadline and tries left from intents/rules.yaml). */
  apiState(state: ConversationState): ApiState {
    return toApiState(state, this.rules);
  }

  /** A stored value read back as a state, whatever it holds. */
  revive(raw: unknown, now: Date): ConversationState {
    return reviveState(raw, now, Object.keys(this.kb.platforms));
  }

  async handle(message: Message): Promise<EngineResult> {
    const started = performance.now();
    let parse: Parse;
    if (this.parses) parse = await this.parses.parse(message.text, message.timestamp);
    else {
      parse = this.nlu.parse(message.text, message.timestamp);
      this.metrics?.understood((performance.now() - started) / 1000);
    }
    let turn: TurnResult | undefined;
    let before: ConversationState | undefined;
    let state: ConversationState;
    let saved = true;
    try {
      state = await this.store.update(message.userId, (current) => {
        before = this.revive(current, message.timestamp);
        turn = this.answer(message, parse, before);
        return turn.state;
      });
      if (turn!.forget) {
        await this.store.delete(message.userId);
        state = turn!.state;
      }
    } catch (err) {
      // The store is down: still answer, from what this message says alone, and keep nothing.
      this.metrics?.storeErrors.inc({ operation: 'update' });
      this.warnStore('state store unavailable: answering without state', { userId: message.userId, error: (err as Error).message });
      // A store that read and then failed to write has already computed the turn: reuse it.
      before ??= newConversationState(message.timestamp);
      turn ??= this.answer(message, parse, before);
      state = turn.state;
      saved = false;
    }
    this.options.reminders?.seen?.(message);
    // Only a saved state is what the fire step will read: an unsaved turn changes no reminder.
    if (saved && turn!.reminder) await this.options.reminders?.apply(message, turn!.reminder);
    const reply = saved ? turn!.reply : this.unsavedReply(turn!, parse);
    const ms = performance.now() - started;
    this.metrics?.answered({ seconds: ms / 1000, intent: reply.intent, decidedBy: turn!.decidedBy, fallback: reply.intent === FALLBACK });
    if (reply.intent === FALLBACK || parse.intent === FALLBACK || (turn!.decidedBy === 'classifier' && reply.confidence < LOW_CONFIDENCE)) {
      this.unanswered
        ?.record({
          text: message.text,
          lang: reply.lang,
          intent: reply.intent,
          confidence: reply.confidence,
          at: message.timestamp.toISOString(),
          platform: message.platform,
          channel: message.channel,
        })
        .catch((err: Error) => {
          this.metrics?.storeErrors.inc({ operation: 'unanswered' });
          this.log.warn('unanswered log failed', { error: err.message });
        });
    }
    this.log.info('turn', {
      userId: message.userId,
      channel: message.channel,
      intent: reply.intent,
      confidence: Number(reply.confidence.toFixed(3)),
      decidedBy: turn!.decidedBy,
      lang: reply.lang,
      stage: state.stage,
      ms: Number(ms.toFixed(2)),
    });
    if (saved && turn!.handoff) this.handoffHappened(message.userId, turn!.handoff, message.timestamp, state);
    return { reply, state, trace: { parse, decidedBy: turn!.decidedBy, before: before!, saved } };
  }

  /** The question a custom-menu button asks (intents/menu.yaml), or undefined for an unknown key. */
  menuQuestion(eventKey: string): string | undefined {
    return this.options.menu?.get(eventKey)?.question.zh;
  }

  /** The agent's view of a user's handoff (api.md `handoff`), or undefined when none is active. */
  handoffView(state: ConversationState, userKey: string, now: Date = new Date()): HandoffView | undefined {
    if (!this.options.handoff) return undefined;
    return buildHandoffView(state, userKey, now, { kb: this.kb, rules: this.rules, lang: this.options.handoff.lang });
  }

  /** Whether a human agent has this user at `at` (a handoff active and not timed out); false when unknown. */
  async handoffActive(userKey: string, at: Date = new Date()): Promise<boolean> {
    const settings = this.options.handoff;
    if (!settings) return false;
    const stored = await this.store.get(userKey);
    if (stored === undefined) return false;
    const state = this.revive(stored, at);
    return state.handoff?.active === true && !handoffExpired(state, at, settings.timeoutMs);
  }

  /**
   * An agent gives the user back to the bot. Undefined when there is no conversation; otherwise the
   * state after (unchanged when no handoff was active) and whether one was.
   */
  async releaseHandoff(userKey: string, now: Date = new Date()): Promise<{ state: ConversationState; released: boolean } | undefined> {
    if ((await this.store.get(userKey)) === undefined) return undefined;
    let ended: Handoff | undefined;
    const state = await this.store.update(userKey, (current) => {
      const s = this.revive(current, now);
      ended = s.handoff?.active ? s.handoff : undefined;
      return ended ? { ...s, handoff: null, fallbackStreak: 0 } : s;
    });
    if (ended) this.handoffHappened(userKey, { ended: { handoff: ended, reason: 'user' } }, now, state, 'released');
    return { state, released: ended !== undefined };
  }

  private handoffHappened(userKey: string, h: NonNullable<TurnResult['handoff']>, at: Date, state: ConversationState, how?: 'released'): void {
    if (h.ended) {
      const reason = how ?? h.ended.reason;
      this.metrics?.handoffsEnded.inc({ reason });
      this.metrics?.handoffDuration.observe(Math.max(0, at.getTime() - Date.parse(h.ended.handoff.since)) / 1000);
      this.log.info('handoff ended', { userId: userKey, reason });
      this.notify({ kind: 'ended', userKey, handoff: h.ended.handoff, endReason: reason, at });
    }
    if (h.started) {
      this.metrics?.handoffsStarted.inc({ reason: h.started.reason });
      this.log.info('handoff started', { userId: userKey, reason: h.started.reason, by: h.started.by });
      this.notify({ kind: 'started', userKey, handoff: h.started, at, view: this.handoffView(state, userKey, at) });
    }
  }

  private notify(event: HandoffEvent): void {
    try {
      this.options.onHandoff?.(event);
    } catch (err) {
      this.log.warn('handoff listener failed', { error: (err as Error).message });
    }
  }

  /** The reply language: the message's, unless it shows none (a bare number, "新增接入"); then the conversation's. */
  private languageOf(parse: Parse, previous: ConversationState): { lang: Lang; variant: 'tw' | 'hk' } {
    let lang = parse.lang;
    if (parse.neutral) lang = previous.lang ?? parse.lang;
    // Taiwan or Hong Kong wording is the conversation's, set by the first message that shows one:
    // a later message without (or with other) evidence doesn't switch the user's replies.
    const variant = previous.variant ?? parse.variant ?? 'tw';
    return { lang, variant };
  }

  /** Pure: the reply and the next state for this message. */
  answer(message: Message, parse: Parse, previous: ConversationState): TurnResult {
    const turn = this.turn(message, inContext(parse, previous), previous);
    // A handoff that this turn ended without saying so: it timed out, or the user asked to be forgotten.
    if (previous.handoff?.active && !turn.state.handoff?.active && !turn.handoff?.ended) {
      turn.handoff = { ...turn.handoff, ended: { handoff: previous.handoff, reason: turn.forget ? 'user' : 'timeout' } };
    }
    return turn;
  }

  private turn(message: Message, parse: Parse, previous: ConversationState): TurnResult {
    const state: ConversationState = { ...previous, changes: { ...previous.changes }, lastIntents: [...previous.lastIntents] };
    const now = message.timestamp;
    state.updatedAt = now.toISOString();
    const { lang, variant } = this.languageOf(parse, previous);
    state.lang = lang;
    if (lang === 'zh-Hant' && !previous.variant && parse.variant) state.variant = parse.variant;
    const base = baseOf(lang);

    const handoff = this.options.handoff;
    const picked = message.pickedIntent && this.kb.intents.has(message.pickedIntent) && message.pickedIntent !== FALLBACK ? message.pickedIntent : undefined;
    const context: PolicyContext = {
      now,
      handoff: handoff ? { afterFallbacks: handoff.afterFallbacks, timeoutMs: handoff.timeoutMs } : undefined,
      picked,
    };
    const decision = decide(parse, previous, context);
    if (decision.decidedBy === 'forget') {
      const ctx: RenderContext = { lang, variant, platform: null };
      return {
        reply: this.reply(ctx, decision, [phrase({ kb: this.kb, base }, 'forgotten')], [], []),
        state: newConversationState(now),
        decidedBy: 'forget',
        forget: true,
        reminder: previous.reminder ? { kind: 'cancel' } : undefined,
      };
    }

    if (handoff) {
      // Kept masked and clipped, only for the agent's summary.
      state.recentQuestions = [...previous.recentQuestions, mask(message.text).slice(0, QUESTION_CHARS)].slice(-RECENT_QUESTIONS);
      const steps = this.handoffTurn(message, decision, previous, state, { lang, variant }, handoff);
      if (steps) return steps;
    }

    const asked = previous.pending;
    const facts = applyFacts(state, parse, decision, now, message.platform, this.rules);
    // A question lapses after the turn that follows it; the handlers set a new one when they ask.
    state.pending = null;
    const ctx: RenderContext = { lang, variant, platform: state.platform };
    const turn: Turn = { kb: this.kb, ctx, base, now, state, parse, decision, asked, facts, rules: this.rules };
    const intent = decision.intent;
    state.lastIntent = intent;
    state.lastIntents = [...state.lastIntents, intent].slice(-LAST_INTENTS);
    state.fallbackStreak = intent === FALLBACK ? previous.fallbackStreak + 1 : 0;

    // Pasted codes, ID digits and phone numbers: a reminder, and the segment check (only masked forms leave here).
    const privacy = this.privacyLines(turn);
    if (intent === FALLBACK && privacy.lines.length) {
      const d: Decision = { ...decision, intent: privacy.intent, confidence: 0.9 };
      const lines = [...privacy.lines, ...followUpReminder(turn, previous, this.options.reminders, message)];
      const reminder = reminderCommand(previous, state);
      return {
        reply: this.reply(ctx, d, lines, privacy.sources, ['verify.how_to', 'phone.supported_prefixes']),
        state,
        decidedBy: decision.decidedBy,
        reminder,
      };
    }

    if (intent === FALLBACK) {
      const def = this.kb.intents.get(FALLBACK)!;
      const suggestions = decision.candidates.map((c) => c.intent);
      const block = renderDidYouMean(this.kb, suggestionsFor(this.kb, suggestions, ctx), ctx);
      const lines = [renderAnswer(this.kb, def, ctx).text, block].filter(Boolean);
      if (suggestions.length) state.pending = { kind: 'choose', options: suggestions };
      else if (asked?.kind === 'recipient') state.pending = asked;
      lines.push(...followUpReminder(turn, previous, this.options.reminders, message));
      const reminder = reminderCommand(previous, state);
      return { reply: this.reply(ctx, decision, lines, [], suggestions, block), state, decidedBy: decision.decidedBy, reminder };
    }

    const def = this.kb.intents.get(intent)!;
    let handled: HandlerResult;
    switch (intent) {
      case 'state.report':
        handled = handleReport(turn);
        break;
      case 'state.attempt':
        handled = handleAttempt(turn);
        break;
      case 'state.query':
        handled = handleQuery(turn);
        break;
      case 'reminder.opt_in':
        handled = { lines: handleOptIn(turn, this.options.reminders, message), sources: ['000 §10'] };
        break;
      case 'reminder.opt_out':
        handled = { lines: handleOptOut(turn), sources: [] };
        break;
      case 'sms.recipient': {
        const flow = handleRecipient(turn);
        if (flow.withGeneral) {
          const general = renderAnswer(this.kb, def, ctx, false);
          handled = { lines: [...flow.lines, '', general.text], sources: general.sources };
        } else handled = flow;
        break;
      }
      default: {
        const answer = renderAnswer(this.kb, def, ctx);
        handled = { lines: [...this.personalLines(intent, turn), answer.text], sources: answer.sources };
        // The answer asked which platform, promising that platform's steps: a bare reply gets them.
        if (answer.askedPlatform) state.pending = { kind: 'platform', intent };
      }
    }
    // A question asked mid-flow is answered, and the flow waits for its slot answer afterwards.
    if (asked?.kind === 'recipient' && intent !== 'sms.recipient' && (state.pending === null || state.pending.kind === 'platform')) state.pending = asked;
    const reminderLines = intent.startsWith('reminder.') ? [] : followUpReminder(turn, previous, this.options.reminders, message);
    return {
      reply: this.reply(ctx, decision, [...privacy.lines, ...handled.lines, ...reminderLines], [...privacy.sources, ...handled.sources], def.related),
      state,
      decidedBy: decision.decidedBy,
      reminder: reminderCommand(previous, state),
    };
  }

  /**
   * The handoff part of a turn: silent while a person has the user, the start and end replies.
   * Undefined when the turn goes on as usual (possibly after a handoff timed out, recorded in `state`).
   */
  private handoffTurn(
    message: Message,
    decision: Decision,
    previous: ConversationState,
    state: ConversationState,
    lv: { lang: Lang; variant: 'tw' | 'hk' },
    settings: HandoffSettings,
  ): TurnResult | undefined {
    const action = decision.handoff;
    const ctx: RenderContext = { ...lv, platform: state.platform };
    const base = baseOf(lv.lang);
    const say = (key: string, vars?: Record<string, string | number>) => phrase({ kb: this.kb, base }, key, vars);
    const push = (intent: string) => (state.lastIntents = [...previous.lastIntents, intent].slice(-LAST_INTENTS));
    if (action?.kind === 'hold') {
      // The agent answers: nothing from the bot, and nothing of the flow changes.
      push(decision.intent);
      return { reply: { ...this.reply(ctx, decision, [], [], []), text: '' }, state, decidedBy: decision.decidedBy };
    }
    const ended = previous.handoff?.active && action?.kind !== 'start' ? previous.handoff : undefined;
    const endedBy = action?.kind === 'end' ? action.reason : 'timeout';
    if (ended || action?.kind === 'start') state.handoff = null;
    // A new handoff after one that timed out ends that one too.
    const endedRecord = previous.handoff?.active && (ended || action?.kind === 'start') ? { handoff: previous.handoff, reason: endedBy } : undefined;
    if (action?.kind === 'end') {
      push(decision.intent);
      state.pending = null;
      state.fallbackStreak = 0;
      const lines = [say(ended ? 'handoff_ended' : 'handoff_not_active')];
      return { reply: this.reply(ctx, decision, lines, [], []), state, decidedBy: decision.decidedBy, handoff: endedRecord && { ended: endedRecord } };
    }
    if (action?.kind === 'start') {
      const started = { active: true, since: message.timestamp.toISOString(), by: message.channel, reason: action.reason } as const;
      state.handoff = started;
      state.pending = null;
      state.fallbackStreak = 0;
      state.lastIntent = decision.intent;
      push(action.reason === 'fallbacks' ? FALLBACK : decision.intent);
      const lines = [say(action.reason === 'fallbacks' ? 'handoff_start_fallbacks' : 'handoff_start')];
      // What the bot can still say while the user waits: the time left in their SMS window.
      if (state.smsReceivedAt && state.stage === 'sms_verification') {
        const window = smsTimeLines({ kb: this.kb, ctx, base, now: message.timestamp, state, rules: this.rules } as Turn)[0];
        if (window) lines.push(window);
      }
      if (settings.hours && !isStaffed(settings.hours, message.timestamp)) {
        lines.push(say('handoff_closed', { hours: settings.hours.text, opens: formatWeekdayClock(nextStaffed(settings.hours, message.timestamp), base) }));
      }
      return {
        reply: this.reply(ctx, decision, lines, [], []),
        state,
        decidedBy: decision.decidedBy,
        handoff: { started, ended: endedRecord?.reason === 'timeout' ? endedRecord : undefined },
      };
    }
    return undefined;
  }

  private privacyLines(turn: Turn): { lines: string[]; sources: string[]; intent: string } {
    const found = turn.parse.entities.personal;
    const lines: string[] = [];
    if (found.codes) lines.push(phrase(turn, 'privacy_code'));
    if (found.idNumbers) lines.push(phrase(turn, 'privacy_id'));
    for (const phone of found.mobiles) {
      const prefix = Number(phone.slice(0, 3));
      lines.push(phrase(turn, this.kb.phonePrefixes.supported.has(prefix) ? 'phone_supported' : 'phone_unsupported', { phone, prefix }));
    }
    return {
      lines,
      sources: found.mobiles.length ? [this.kb.phonePrefixes.source] : found.codes || found.idNumbers ? ['002 §2'] : [],
      intent: found.mobiles.length ? 'phone.supported_prefixes' : 'verify.how_to',
    };
  }

  /**
   * The reply of a turn whose state could not be stored: it must not claim to have noted anything.
   * The lines that say so ("记下了…") are left out and a short note says it wasn't saved; a request
   * to be forgotten says it couldn't be done yet.
   */
  private unsavedReply(turn: TurnResult, parse: Parse): Reply {
    const { reply } = turn;
    const ctx = { lang: reply.lang, variant: turn.state.variant ?? parse.variant ?? 'tw' };
    const say = (key: string) => localize(phrase({ kb: this.kb, base: baseOf(reply.lang) }, key), ctx);
    if (turn.forget) return { ...reply, text: say('not_forgotten') };
    if (!carriesFacts(turn.state)) return reply;
    const claims = ['noted', 'attempts_count'].map(
      (key) =>
        new RegExp(
          `^${localize(this.kb.text[key][baseOf(reply.lang)], ctx)
            .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
            .replace(/\\?\{\w+\\?\}/g, '.{0,80}')}$`,
        ),
    );
    const kept = reply.text.split('\n').filter((line) => !claims.some((re) => re.test(line)));
    return { ...reply, text: [say('not_saved'), ...kept].join('\n').trim() };
  }

  /** A due reminder's text for this state (the fire step calls it). */
  renderReminder(state: ReminderTextState, now: Date): string {
    return reminderText(this.kb, state, this.rules, now);
  }

  /** A sentence of intents/_dialogue.yaml in both languages, for channels that don't know the user's yet. */
  bilingual(key: string): string {
    return `${phrase({ kb: this.kb, base: 'zh' }, key)}\n\n${phrase({ kb: this.kb, base: 'en' }, key)}`;
  }

  /** Stage-aware lines put before a knowledge answer when the user's own numbers are known. */
  private personalLines(intent: string, turn: Turn): string[] {
    const { state } = turn;
    if (TIME_AWARE.has(intent) && state.smsReceivedAt) return smsTimeLines(turn);
    if ((intent === 'verify.attempt_limit' || intent === 'verify.info_mismatch') && state.attemptsUsed > 0) return attemptLines(turn, false);
    return [];
  }

  private reply(ctx: RenderContext, decision: Decision, lines: string[], sources: string[], suggest: string[], didYouMean = ''): Reply {
    const raw = lines.join('\n');
    const suggestions = suggestionsFor(this.kb, suggest, ctx).map((s) => ({ ...s, question: localize(s.question, ctx) }));
    const reply: Reply = {
      text: localize(raw, ctx),
      intent: decision.intent,
      confidence: decision.confidence,
      decidedBy: decision.decidedBy,
      lang: ctx.lang,
      suggestions,
      sources: [...new Set(sources)],
    };
    const menu = this.menuFor(ctx, raw, didYouMean ? suggestions : [], didYouMean);
    if (menu) reply.menu = menu;
    return reply;
  }

  /**
   * The reply's choices as a menu a channel can show as buttons: the did-you-mean list, or the
   * question which platform (asked only while none is known). `rest` is the text without them.
   */
  private menuFor(ctx: RenderContext, raw: string, suggestions: Reply['suggestions'], didYouMean: string): ReplyMenu | undefined {
    const base = baseOf(ctx.lang);
    const text = this.kb.text;
    const without = (block: string) =>
      localize(
        raw
          .replace(block, '')
          .replace(/\n{3,}/g, '\n\n')
          .trim(),
        ctx,
      );
    if (didYouMean && suggestions.length && raw.includes(didYouMean)) {
      return {
        kind: 'did_you_mean',
        head: localize(text.did_you_mean[base], ctx),
        choices: suggestions.map((s) => ({ id: `intent:${s.intent}`, label: s.question })),
        tail: localize(text.menu_tap_or_ask[base], ctx),
        rest: without(didYouMean),
        plain: localize(didYouMean, ctx),
      };
    }
    if (ctx.platform) return undefined;
    const question = [text.ask_platform[base], text.which_platform[base]].find((q) => raw.includes(q));
    if (!question) return undefined;
    return {
      kind: 'platform',
      head: localize(question, ctx),
      choices: PLATFORMS.map((p) => ({ id: `platform:${p}`, label: localize(this.kb.platforms[p].name[base], ctx) })),
      tail: '',
      rest: without(question),
      plain: localize(question, ctx),
    };
  }
}

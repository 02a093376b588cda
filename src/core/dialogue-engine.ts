import type { Logger } from 'winston';
import type { KnowledgeBase } from '../knowledge/knowledge-base';
import { moduleLogger } from '../logger';
import type { Metrics } from '../metrics';
import type { Nlu, Parse } from '../nlu/nlu';
import {
  carriesFacts,
  newConversationState,
  reviveState,
  toApiState,
  type ApiState,
  type ConversationState,
  type StateRules,
} from '../state/conversation-state';
import { throttledWarning } from '../throttled-warning';
import type { ConversationStore } from '../state/conversation-store';
import type { UnansweredLog } from '../state/unanswered-log';
import { baseOf, localize, renderAnswer, renderDidYouMean, suggestionsFor, type RenderContext } from './answer-renderer';
import { applyFacts } from './facts';
import { FALLBACK } from './intent-ids';
import { decide, type DecidedBy, type Decision } from './policy';
import { attemptLines, handleAttempt, handleQuery, handleRecipient, handleReport, phrase, smsTimeLines, type HandlerResult, type Turn } from './state-handlers';
import type { Lang, Message, Reply } from './types';

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

  constructor(
    private readonly nlu: Nlu,
    private readonly store: ConversationStore,
    private readonly metrics?: Metrics,
    private readonly unanswered?: UnansweredLog,
  ) {
    this.kb = nlu.kb;
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
    const parse = this.nlu.parse(message.text, message.timestamp);
    this.metrics?.classification.observe((performance.now() - started) / 1000);
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
    const reply = saved ? turn!.reply : this.unsavedReply(turn!, parse);
    const ms = performance.now() - started;
    this.metrics?.reply.observe(ms / 1000);
    this.metrics?.intents.inc({ intent: reply.intent });
    this.metrics?.decisions.inc({ decided_by: turn!.decidedBy });
    if (reply.intent === FALLBACK) this.metrics?.fallbacks.inc({ reason: turn!.decidedBy });
    if (reply.intent === FALLBACK || parse.intent === FALLBACK || (turn!.decidedBy === 'classifier' && reply.confidence < LOW_CONFIDENCE)) {
      this.unanswered
        ?.record({ text: message.text, lang: reply.lang, intent: reply.intent, confidence: reply.confidence, at: message.timestamp.toISOString() })
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
    return { reply, state, trace: { parse, decidedBy: turn!.decidedBy, before: before!, saved } };
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
    const state: ConversationState = { ...previous, changes: { ...previous.changes }, lastIntents: [...previous.lastIntents] };
    const now = message.timestamp;
    state.updatedAt = now.toISOString();
    const { lang, variant } = this.languageOf(parse, previous);
    state.lang = lang;
    if (lang === 'zh-Hant' && !previous.variant && parse.variant) state.variant = parse.variant;
    const base = baseOf(lang);

    const decision = decide(parse, previous);
    if (decision.decidedBy === 'forget') {
      const ctx: RenderContext = { lang, variant, platform: null };
      return {
        reply: this.reply(ctx, decision, [phrase({ kb: this.kb, base }, 'forgotten')], [], []),
        state: newConversationState(now),
        decidedBy: 'forget',
        forget: true,
      };
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
      return { reply: this.reply(ctx, d, privacy.lines, privacy.sources, ['verify.how_to', 'phone.supported_prefixes']), state, decidedBy: decision.decidedBy };
    }

    if (intent === FALLBACK) {
      const def = this.kb.intents.get(FALLBACK)!;
      const suggestions = decision.candidates.map((c) => c.intent);
      const lines = [renderAnswer(this.kb, def, ctx).text, renderDidYouMean(this.kb, suggestionsFor(this.kb, suggestions, ctx), ctx)].filter(Boolean);
      if (suggestions.length) state.pending = { kind: 'choose', options: suggestions };
      else if (asked?.kind === 'recipient') state.pending = asked;
      return { reply: this.reply(ctx, decision, lines, [], suggestions), state, decidedBy: decision.decidedBy };
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
      }
    }
    // A question asked mid-flow is answered, and the flow waits for its slot answer afterwards.
    if (asked?.kind === 'recipient' && intent !== 'sms.recipient' && state.pending === null) state.pending = asked;
    return {
      reply: this.reply(ctx, decision, [...privacy.lines, ...handled.lines], [...privacy.sources, ...handled.sources], def.related),
      state,
      decidedBy: decision.decidedBy,
    };
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

  private reply(ctx: RenderContext, decision: Decision, lines: string[], sources: string[], suggest: string[]): Reply {
    return {
      text: localize(lines.join('\n'), ctx),
      intent: decision.intent,
      confidence: decision.confidence,
      decidedBy: decision.decidedBy,
      lang: ctx.lang,
      suggestions: suggestionsFor(this.kb, suggest, ctx).map((s) => ({ ...s, question: localize(s.question, ctx) })),
      sources: [...new Set(sources)],
    };
  }
}

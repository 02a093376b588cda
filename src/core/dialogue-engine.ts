import type { Logger } from 'winston';
import { moduleLogger } from '../logger';
import type { Metrics } from '../metrics';
import { findPersonalData } from '../privacy/mask';
import type { UnansweredLog } from '../state/unanswered-log';
import { extractEntities } from '../nlu/entities';
import type { Nlu, NluResult } from '../nlu/nlu';
import { carriesFacts, newConversationState, type ConversationState } from '../state/conversation-state';
import { throttledWarning } from '../throttled-warning';
import type { ConversationStore } from '../state/conversation-store';
import { baseOf, localize, renderAnswer, renderDidYouMean, suggestionsFor, type RenderContext } from './answer-renderer';
import { FALLBACK } from './intent-ids';
import type { KnowledgeBase } from './knowledge-base';
import {
  applyFacts,
  applyStageEvents,
  attemptLines,
  handleAttempt,
  handleQuery,
  handleRecipient,
  handleReport,
  phrase,
  recordAttempts,
  smsTimeLines,
  type HandlerResult,
  type Turn,
} from './state-handlers';
import type { Message, Reply } from './types';

export interface EngineResult {
  reply: Reply;
  state: ConversationState;
}

// "1", "2." or "第2个" picks an entry of the did-you-mean list the bot just showed.
const CHOICE = /^\s*(?:第\s*)?([1-3一二三])(?:\s*(?:个|條|条|\.|、))?\s*$/u;
const CHOICE_DIGITS: Record<string, number> = { 1: 1, 2: 2, 3: 3, 一: 1, 二: 2, 三: 3 };
// "清除我的记录" / "forget me": the user's right to have their state deleted.
const FORGET =
  /(清除|删除|删掉|清空|忘掉|忘记)(我的|我)?(全部|所有)?(聊天)?(记录|数据|资料|状态)|forget (about )?me\b|(delete|clear|erase|forget|remove) (all )?(of )?my (data|records?|info|information|history|state|conversation)/;
// Intents whose messages may answer the question the bot asked in the who-gets-the-SMS flow.
const QUESTION =
  /[?？]|吗|么|怎|多久|多长|几|啥|什么|哪|谁|是否|能不能|可不可以|要不要|有没有|[不吧]$|\b(how|what|when|where|which|who|why|can|could|does|do|is|are|should|will|any)\b/;
const isShort = (normalized: string) => (normalized.match(/[\u4e00-\u9fff]/g) ?? []).length <= 14 && (normalized.match(/[a-z]+/g) ?? []).length <= 8;
/** Knowledge answers that start with the user's own SMS window when it is known. */
const TIME_AWARE = new Set(['verify.validity', 'sms.not_received', 'resend.how_to', 'verify.failed_returned']);
/** Answers below this confidence go to the unanswered-question log too, for FAQ maintainers. */
const LOW_CONFIDENCE = 0.6;
const ATTEMPT_INTENTS = new Set(['verify.attempts_exhausted', 'verify.info_mismatch', 'verify.attempt_limit']);
const SLOT_ANSWER_INTENTS = new Set(['state.report', 'sms.recipient', 'filing.types', FALLBACK]);

interface TurnResult extends EngineResult {
  /** The user asked to be forgotten: the engine deletes the key instead of saving. */
  forget?: boolean;
}

/**
 * One turn: understand the message, load the user's state, answer, save the new state.
 * Only the engine touches the store; answer() is a pure function of message, NLU result and state.
 */
export class DialogueEngine {
  private readonly log: Logger = moduleLogger('dialogue');
  /** Once a minute at most while the store is down, not once per message. */
  private readonly warnStore = throttledWarning(this.log);
  private readonly kb: KnowledgeBase;

  constructor(
    private readonly nlu: Nlu,
    private readonly store: ConversationStore,
    private readonly metrics?: Metrics,
    private readonly unanswered?: UnansweredLog,
  ) {
    this.kb = nlu.kb;
  }

  get ready(): boolean {
    return this.nlu.ready;
  }

  async handle(message: Message): Promise<EngineResult> {
    const started = performance.now();
    const parsed = this.nlu.parse(message.text);
    this.metrics?.classification.observe((performance.now() - started) / 1000);
    let turn: TurnResult | undefined;
    let state: ConversationState;
    let saved = true;
    try {
      state = await this.store.update(message.userId, (current) => {
        turn = this.answer(message, parsed, current ?? newConversationState(message.timestamp));
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
      turn ??= this.answer(message, parsed, newConversationState(message.timestamp));
      state = turn.state;
      saved = false;
    }
    const reply = saved ? turn!.reply : this.unsavedReply(turn!, parsed);
    const ms = performance.now() - started;
    this.metrics?.reply.observe(ms / 1000);
    this.metrics?.intents.inc({ intent: reply.intent });
    if (reply.intent === FALLBACK) this.metrics?.fallbacks.inc({ reason: parsed.matchedBy });
    if (reply.intent === FALLBACK || parsed.intent === FALLBACK || (parsed.matchedBy === 'classifier' && reply.confidence < LOW_CONFIDENCE)) {
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
      lang: reply.lang,
      matchedBy: parsed.matchedBy,
      stage: state.stage,
      ms: Number(ms.toFixed(2)),
    });
    return { reply, state };
  }

  /** Pure: the reply and the next state for this message. */
  answer(message: Message, parsed: NluResult, previous: ConversationState): TurnResult {
    const state: ConversationState = structuredClone(previous);
    const now = message.timestamp;
    state.updatedAt = now.toISOString();
    const { normalized } = parsed;
    let result = parsed;
    const ctx: RenderContext = { lang: parsed.lang, variant: parsed.variant, platform: null };

    // A bare number carries no language: answer a did-you-mean pick in the one the user wrote before.
    const choice = message.text.match(CHOICE);
    if (choice && state.pending?.startsWith('choose:')) {
      const picked = state.pending.slice('choose:'.length).split(',')[CHOICE_DIGITS[choice[1]] - 1];
      if (picked) {
        result = { ...parsed, lang: previous.lang ?? parsed.lang, intent: picked, confidence: 1, matchedBy: 'classifier', candidates: [] };
        ctx.lang = result.lang;
      }
    }
    // A message with no letters at all ("13812345678", "1") carries no language: keep the user's.
    if (!/\p{L}/u.test(message.text)) ctx.lang = previous.lang ?? 'zh-Hans';
    state.lang = ctx.lang;
    const base = baseOf(ctx.lang);

    if (FORGET.test(normalized)) {
      const reply = this.reply(ctx, 'state.report', 1, [phrase({ kb: this.kb, base }, 'forgotten')], [], []);
      return { reply, state: newConversationState(now), forget: true };
    }

    const entities = extractEntities(message.text, now, parsed.simplified);
    // The question the bot asked last turn, if any; handlers set state.pending when they ask anew.
    const pending = state.pending;
    state.pending = null;
    const turn: Turn = { kb: this.kb, base, now, state, entities, normalized, asked: pending, moved: false };
    const noted = applyFacts(turn);
    state.platform ??= message.platform ?? null;
    ctx.platform = state.platform;

    // An answer to the question the who-gets-the-SMS flow asked continues the flow; anything
    // else is a new question, answered as such (the facts it carried are kept).
    const answersSlot = entities.platform || entities.filingType || entities.changes;
    let intent = result.intent;
    if (pending?.startsWith('recipient:') && answersSlot && (SLOT_ANSWER_INTENTS.has(intent) || normalized.length <= 16)) intent = 'sms.recipient';
    if (pending === 'sms_time' && entities.time && !entities.count) intent = 'state.report';
    // "初审通过了" / "刚收到核验短信" are reports, whatever they resemble: a statement that carries a
    // stage event is state.report; a question that carries one gets its answer (the event is kept).
    // Only short messages: a long one that mentions an event is usually a question with context.
    const isQuestion = QUESTION.test(parsed.simplified.trim());
    const isShortStatement = !isQuestion && result.matchedBy !== 'pattern' && isShort(normalized);
    if (entities.events.length && isShortStatement && !intent.startsWith('state.')) intent = 'state.report';
    // Likewise "failed 5 times now" reports attempts; "输错5次了怎么办" is answered, the count kept.
    if (entities.count && ATTEMPT_INTENTS.has(intent)) {
      if (isShortStatement) intent = 'state.attempt';
      else recordAttempts(turn, 0);
    }
    if (intent !== result.intent) result = { ...result, intent, confidence: Math.max(result.confidence, 0.9), candidates: [] };
    state.lastIntent = intent;

    turn.moved = applyStageEvents(turn);

    // Pasted codes, ID digits and phone numbers: a reminder, and the segment check (only masked
    // forms ever leave this function).
    const privacy = this.privacyLines(turn, message.text);
    if (intent === FALLBACK && privacy.lines.length) {
      return { reply: this.reply(ctx, privacy.intent, 0.9, privacy.lines, privacy.sources, ['verify.how_to', 'phone.supported_prefixes']), state };
    }

    if (intent === FALLBACK) {
      const def = this.kb.intents.get(FALLBACK)!;
      const suggestions = result.candidates.map((c) => c.intent);
      const lines = [renderAnswer(this.kb, def, ctx).text, renderDidYouMean(this.kb, suggestionsFor(this.kb, suggestions, ctx), ctx)].filter(Boolean);
      if (suggestions.length) state.pending = `choose:${suggestions.join(',')}`;
      return { reply: this.reply(ctx, FALLBACK, result.confidence, lines, [], suggestions), state };
    }

    const def = this.kb.intents.get(intent)!;
    let handled: HandlerResult;
    switch (intent) {
      case 'state.report':
        handled = handleReport(turn, noted);
        break;
      case 'state.attempt':
        handled = handleAttempt(turn);
        break;
      case 'state.query':
        handled = handleQuery(turn);
        break;
      case 'sms.recipient': {
        const flow = handleRecipient(turn);
        // The first question of the flow comes with the general rules, so the answer is complete
        // even if the user never replies.
        if (flow.asked && !pending?.startsWith('recipient:')) {
          const general = renderAnswer(this.kb, def, ctx);
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
    if (pending?.startsWith('recipient:') && intent !== 'sms.recipient' && state.pending === null) state.pending = pending;
    return {
      reply: this.reply(ctx, intent, result.confidence, [...privacy.lines, ...handled.lines], [...privacy.sources, ...handled.sources], def.related),
      state,
    };
  }

  private privacyLines(turn: Turn, text: string): { lines: string[]; sources: string[]; intent: string } {
    const found = findPersonalData(text);
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
  private unsavedReply(turn: TurnResult, parsed: NluResult): Reply {
    const { reply } = turn;
    const ctx = { lang: reply.lang, variant: parsed.variant };
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

  private reply(ctx: RenderContext, intent: string, confidence: number, lines: string[], sources: string[], suggest: string[]): Reply {
    return {
      text: localize(lines.join('\n'), ctx),
      intent,
      confidence,
      lang: ctx.lang,
      suggestions: suggestionsFor(this.kb, suggest, ctx).map((s) => ({ ...s, question: localize(s.question, ctx) })),
      sources: [...new Set(sources)],
    };
  }
}

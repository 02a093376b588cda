import type { Logger } from 'winston';
import { moduleLogger } from '../logger';
import { extractPlatform } from '../nlu/entities';
import { normalize } from '../nlu/normalizer';
import type { Nlu, NluResult } from '../nlu/nlu';
import { newConversationState, type ConversationState } from '../state/conversation-state';
import type { ConversationStore } from '../state/conversation-store';
import { renderAnswer, renderDidYouMean, suggestionsFor, type RenderContext } from './answer-renderer';
import { FALLBACK } from './intent-ids';
import type { KnowledgeBase } from './knowledge-base';
import type { Message, Reply } from './types';

export interface EngineResult {
  reply: Reply;
  state: ConversationState;
}

// "1", "2." or "第2个" picks an entry of the did-you-mean list the bot just showed.
const CHOICE = /^\s*(?:第\s*)?([1-3一二三])\s*(?:个|條|条|\.|、)?\s*$/u;
const CHOICE_DIGITS: Record<string, number> = { 1: 1, 2: 2, 3: 3, 一: 1, 二: 2, 三: 3 };

/**
 * One turn: understand the message, load the user's state, answer, save the new state.
 * Only the engine touches the store; answering is a pure function of message, NLU result and state.
 */
export class DialogueEngine {
  private readonly log: Logger = moduleLogger('dialogue');
  private readonly kb: KnowledgeBase;

  constructor(
    private readonly nlu: Nlu,
    private readonly store: ConversationStore,
  ) {
    this.kb = nlu.kb;
  }

  get ready(): boolean {
    return this.nlu.ready;
  }

  async handle(message: Message): Promise<EngineResult> {
    const started = performance.now();
    const parsed = this.nlu.parse(message.text);
    let reply: Reply | undefined;
    const state = await this.store.update(message.userId, (current) => {
      const turn = this.answer(message, parsed, current ?? newConversationState(message.timestamp));
      reply = turn.reply;
      return turn.state;
    });
    this.log.info('turn', {
      userId: message.userId,
      channel: message.channel,
      intent: reply!.intent,
      confidence: Number(reply!.confidence.toFixed(3)),
      lang: reply!.lang,
      matchedBy: parsed.matchedBy,
      ms: Number((performance.now() - started).toFixed(2)),
    });
    return { reply: reply!, state };
  }

  /** Pure: the reply and the next state for this message. */
  answer(message: Message, parsed: NluResult, previous: ConversationState): EngineResult {
    const state: ConversationState = structuredClone(previous);
    state.updatedAt = message.timestamp.toISOString();
    state.lang = parsed.lang;
    state.platform = extractPlatform(normalize(message.text)) ?? state.platform ?? message.platform ?? null;
    const ctx: RenderContext = { lang: parsed.lang, variant: parsed.variant, platform: state.platform };

    let result = parsed;
    const choice = message.text.match(CHOICE);
    if (choice && state.pending?.startsWith('choose:')) {
      const options = state.pending.slice('choose:'.length).split(',');
      const picked = options[CHOICE_DIGITS[choice[1]] - 1];
      // A bare number carries no language: answer in the one the user wrote before.
      if (picked) result = { ...parsed, lang: previous.lang ?? parsed.lang, intent: picked, confidence: 1, matchedBy: 'classifier', candidates: [] };
      ctx.lang = result.lang;
      state.lang = result.lang;
    }
    state.pending = null;

    if (result.intent === FALLBACK) {
      const def = this.kb.intents.get(FALLBACK)!;
      const suggestions = suggestionsFor(this.kb, result.candidates.map((c) => c.intent), ctx);
      const text = [renderAnswer(this.kb, def, ctx).text, renderDidYouMean(this.kb, suggestions, ctx)].filter(Boolean).join('\n\n');
      if (suggestions.length) state.pending = `choose:${suggestions.map((s) => s.intent).join(',')}`;
      state.lastIntent = FALLBACK;
      return { reply: { text, intent: FALLBACK, confidence: result.confidence, lang: ctx.lang, suggestions, sources: [] }, state };
    }

    const def = this.kb.intents.get(result.intent)!;
    const { text, sources } = renderAnswer(this.kb, def, ctx);
    state.lastIntent = def.id;
    const suggestions = suggestionsFor(this.kb, def.related, ctx);
    return { reply: { text, intent: def.id, confidence: result.confidence, lang: ctx.lang, suggestions, sources }, state };
  }

}

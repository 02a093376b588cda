import type { Config } from './config';
import { DialogueEngine } from './core/dialogue-engine';
import { loadKnowledgeBase } from './core/knowledge-base';
import { Nlu } from './nlu/nlu';
import type { ConversationStore } from './state/conversation-store';
import { MemoryConversationStore } from './state/memory-conversation-store';

/** Knowledge -> NLU (trained here) -> dialogue engine: what the server, the REPL and the eval share. */
export function createEngine(config: Pick<Config, 'INTENTS_DIR' | 'NLU_CONFIDENCE_THRESHOLD' | 'NLU_MARGIN'>, store: ConversationStore): DialogueEngine {
  const kb = loadKnowledgeBase(config.INTENTS_DIR);
  const nlu = new Nlu(kb, { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN });
  return new DialogueEngine(nlu, store);
}

export function createStore(config: Pick<Config, 'STATE_TTL_S'>): ConversationStore {
  return new MemoryConversationStore(config.STATE_TTL_S);
}

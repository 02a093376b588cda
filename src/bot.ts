import Redis from 'ioredis';
import type { Config } from './config';
import { DialogueEngine } from './core/dialogue-engine';
import { loadKnowledgeBase } from './knowledge/knowledge-base';
import { moduleLogger } from './logger';
import type { Metrics } from './metrics';
import { Nlu } from './nlu/nlu';
import type { ConversationStore } from './state/conversation-store';
import { MemoryIdempotencyStore, type IdempotencyStore } from './state/idempotency-store';
import { MemoryConversationStore } from './state/memory-conversation-store';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './state/rate-limiter';
import { RedisConversationStore } from './state/redis-conversation-store';
import { RedisIdempotencyStore } from './state/redis-idempotency-store';
import { FileUnansweredLog, RedisUnansweredLog, type UnansweredLog } from './state/unanswered-log';

const log = moduleLogger('backends');

/** Knowledge -> NLU (trained here) -> dialogue engine: what the server, the REPL and the eval share. */
export function createEngine(
  config: Pick<Config, 'INTENTS_DIR' | 'NLU_CONFIDENCE_THRESHOLD' | 'NLU_MARGIN'>,
  store: ConversationStore,
  metrics?: Metrics,
  unanswered?: UnansweredLog,
): DialogueEngine {
  const kb = loadKnowledgeBase(config.INTENTS_DIR);
  const nlu = new Nlu(kb, { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN });
  return new DialogueEngine(nlu, store, metrics, unanswered);
}

export function createStore(config: Pick<Config, 'STATE_TTL_S'>): ConversationStore {
  return new MemoryConversationStore(config.STATE_TTL_S);
}

export interface Backends {
  store: ConversationStore;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  unanswered: UnansweredLog;
  close(): Promise<void>;
}

/** In-process by default; everything shared through Redis when REDIS_URL is set (several instances). */
export function createBackends(config: Pick<Config, 'STATE_TTL_S' | 'REDIS_URL' | 'RATE_LIMIT_PER_MIN' | 'UNANSWERED_LOG'>): Backends {
  if (!config.REDIS_URL) {
    const store = createStore(config);
    const idempotency = new MemoryIdempotencyStore();
    return {
      store,
      idempotency,
      rateLimiter: new MemoryRateLimiter(config.RATE_LIMIT_PER_MIN),
      unanswered: new FileUnansweredLog(config.UNANSWERED_LOG),
      close: async () => {
        await store.close();
        await idempotency.close();
      },
    };
  }
  // Fail fast while Redis is away (answers go on without state) and reconnect by itself.
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000, enableOfflineQueue: true });
  let lastErrorLog = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastErrorLog > 10_000) {
      lastErrorLog = Date.now();
      log.warn('redis error', { error: err.message });
    }
  });
  redis.on('ready', () => log.info('redis ready'));
  const store = new RedisConversationStore(redis, config.STATE_TTL_S);
  return {
    store,
    idempotency: new RedisIdempotencyStore(redis),
    rateLimiter: new RedisRateLimiter(redis, config.RATE_LIMIT_PER_MIN),
    unanswered: new RedisUnansweredLog(redis),
    close: () => store.close(),
  };
}

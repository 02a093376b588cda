import type { Config } from './config';
import { DialogueEngine, type EngineOptions, type HandoffSettings } from './core/dialogue-engine';
import { loadKnowledgeBase } from './knowledge/knowledge-base';
import { loadMenu } from './knowledge/menu';
import { moduleLogger } from './logger';
import type { Metrics } from './metrics';
import { Nlu } from './nlu/nlu';
import type { ConversationStore } from './state/conversation-store';
import { MemoryClaimStore, type ClaimStore } from './state/claim-store';
import { MemoryCursorStore, RedisCursorStore, type CursorStore } from './state/cursor-store';
import { MemoryIdempotencyStore, type IdempotencyStore } from './state/idempotency-store';
import { MemoryConversationStore } from './state/memory-conversation-store';
import { globalRateLimiter, MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from './state/rate-limiter';
import { RedisClaimStore } from './state/redis-claim-store';
import { newRedisClient } from './state/redis-client';
import { RedisConversationStore } from './state/redis-conversation-store';
import { RedisIdempotencyStore } from './state/redis-idempotency-store';
import { FileUnansweredLog, GuardedUnansweredLog, RedisUnansweredLog, type UnansweredLog } from './state/unanswered-log';
import { throttledWarning } from './throttled-warning';

const log = moduleLogger('backends');

/** Knowledge -> NLU (trained here) -> dialogue engine: what the server, the REPL and the eval share. */
export function createEngine(
  config: Pick<Config, 'INTENTS_DIR' | 'NLU_CONFIDENCE_THRESHOLD' | 'NLU_MARGIN'>,
  store: ConversationStore,
  metrics?: Metrics,
  unanswered?: UnansweredLog,
  options?: EngineOptions,
): DialogueEngine {
  const kb = loadKnowledgeBase(config.INTENTS_DIR);
  const nlu = new Nlu(kb, { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN });
  log.info('intent model', { source: nlu.modelSource });
  return new DialogueEngine(nlu, store, metrics, unanswered, { menu: loadMenu(config.INTENTS_DIR, kb), ...options });
}

/** The engine's handoff settings from HANDOFF_*; undefined when handoff is off. */
export function handoffSettings(
  config: Pick<Config, 'HANDOFF_ENABLED' | 'HANDOFF_AFTER_FALLBACKS' | 'HANDOFF_TIMEOUT_MIN' | 'HANDOFF_HOURS' | 'HANDOFF_LANG'>,
): HandoffSettings | undefined {
  if (!config.HANDOFF_ENABLED) return undefined;
  return {
    afterFallbacks: config.HANDOFF_AFTER_FALLBACKS,
    timeoutMs: config.HANDOFF_TIMEOUT_MIN * 60_000,
    hours: config.HANDOFF_HOURS,
    lang: config.HANDOFF_LANG,
  };
}

export function createStore(config: Pick<Config, 'STATE_TTL_S' | 'STATE_MAX_KEYS'>, metrics?: Metrics): ConversationStore {
  return new MemoryConversationStore(config.STATE_TTL_S, { maxKeys: config.STATE_MAX_KEYS, onEvict: () => metrics?.stateEvictions.inc() });
}

export interface Backends {
  store: ConversationStore;
  idempotency: IdempotencyStore;
  rateLimiter: RateLimiter;
  /** RATE_LIMIT_GLOBAL_PER_S across all users; undefined when it is 0 (off). */
  globalRateLimiter?: RateLimiter;
  unanswered: UnansweredLog;
  /** "First one wins" markers (handoff notifications): in Redis when set, so one instance sends each. */
  claims: ClaimStore;
  /** Platform read positions (the WeCom kf sync cursor). */
  cursors: CursorStore;
  /** Resolves true once the shared store is connected (at once without Redis), false after `timeoutMs`. */
  ready(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

type BackendConfig = Pick<
  Config,
  | 'STATE_TTL_S'
  | 'STATE_MAX_KEYS'
  | 'REDIS_URL'
  | 'RATE_LIMIT_PER_MIN'
  | 'RATE_LIMIT_GLOBAL_PER_S'
  | 'UNANSWERED_LOG'
  | 'UNANSWERED_LOG_MAX_BYTES'
  | 'UNANSWERED_MAX_QUESTIONS'
>;

/** In-process by default; everything shared through Redis when REDIS_URL is set (several instances). */
export function createBackends(config: BackendConfig, metrics?: Metrics): Backends {
  // A failing unanswered log is counted and warned about once a minute, never a failed turn.
  const guarded = (log: UnansweredLog) => new GuardedUnansweredLog(log, () => metrics?.storeErrors.inc({ operation: 'unanswered' }));
  if (!config.REDIS_URL) {
    const store = createStore(config, metrics);
    const idempotency = new MemoryIdempotencyStore();
    const claims = new MemoryClaimStore();
    return {
      store,
      idempotency,
      claims,
      cursors: new MemoryCursorStore(),
      rateLimiter: new MemoryRateLimiter(config.RATE_LIMIT_PER_MIN),
      globalRateLimiter: config.RATE_LIMIT_GLOBAL_PER_S ? globalRateLimiter(config.RATE_LIMIT_GLOBAL_PER_S) : undefined,
      unanswered: guarded(new FileUnansweredLog(config.UNANSWERED_LOG, config.UNANSWERED_LOG_MAX_BYTES)),
      ready: async () => true,
      close: async () => {
        await store.close();
        await idempotency.close();
        await claims.close();
      },
    };
  }
  // Commands fail at once while Redis is disconnected (no offline queue piling up, no 1-2 s per
  // request): state falls back to a blank one, dedup and rate limits to memory. ioredis reconnects
  // by itself.
  const redis = newRedisClient(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 2000, enableOfflineQueue: false });
  const warn = throttledWarning(log, 10_000);
  redis.on('error', (err: Error) => warn('redis error', { error: err.message }));
  redis.on('ready', () => log.info('redis ready'));
  const store = new RedisConversationStore(redis, config.STATE_TTL_S);
  const idempotency = new RedisIdempotencyStore(redis);
  return {
    store,
    idempotency,
    claims: new RedisClaimStore(redis),
    cursors: new RedisCursorStore(redis),
    rateLimiter: new RedisRateLimiter(redis, config.RATE_LIMIT_PER_MIN),
    globalRateLimiter: config.RATE_LIMIT_GLOBAL_PER_S ? globalRateLimiter(config.RATE_LIMIT_GLOBAL_PER_S, redis) : undefined,
    unanswered: guarded(new RedisUnansweredLog(redis, undefined, config.UNANSWERED_MAX_QUESTIONS)),
    ready: (timeoutMs = 5000) =>
      new Promise<boolean>((resolve) => {
        if (redis.status === 'ready') return resolve(true);
        redis.once('ready', () => resolve(true));
        setTimeout(() => resolve(redis.status === 'ready'), timeoutMs).unref();
      }),
    close: async () => {
      await idempotency.close();
      await store.close();
    },
  };
}

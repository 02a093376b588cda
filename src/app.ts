import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { safeEqual } from './channels/signatures';
import { RateLimitedError, type ChannelModule, type HandleMessage } from './channels/channel';
import { douyinChannel } from './channels/douyin/douyin-channel';
import type { DouyinApiClient } from './channels/douyin/douyin-api-client';
import { jsonWebhookChannel } from './channels/json/json-webhook-channel';
import type { WechatApiClient } from './channels/wechat/wechat-api-client';
import { wechatOfficialAccountChannel } from './channels/wechat/wechat-official-account-channel';
import { wecomChannel } from './channels/wecom/wecom-channel';
import { wecomKfChannel } from './channels/wecom-kf/wecom-kf-channel';
import { MemoryCursorStore, type CursorStore } from './state/cursor-store';
import type { Config } from './config';
import { mountConsole, type ConsoleDeps } from './console/mount-console';
import type { DialogueEngine } from './core/dialogue-engine';
import { errorHandler, sendError } from './http-errors';
import { moduleLogger } from './logger';
import type { ConversationStore } from './state/conversation-store';
import { Metrics } from './metrics';
import { newConversationState } from './state/conversation-state';
import { MemoryIdempotencyStore, type IdempotencyStore } from './state/idempotency-store';
import type { ServiceWindow } from './state/service-window';
import { GLOBAL_KEY, globalRateLimiter, MemoryRateLimiter, type RateLimitResult, type RateLimiter } from './state/rate-limiter';

const log = moduleLogger('app');

export interface AppDeps {
  config: Config;
  /** Undefined until the classifier is trained: /readyz says 503 and the API waits for it. */
  engine: () => DialogueEngine | undefined;
  store: ConversationStore;
  idempotency?: IdempotencyStore;
  /** Tests point the platform API clients at local fakes. */
  wechatApi?: WechatApiClient;
  /** WeChat's customer-service window, shared with the reminders (Redis with REDIS_URL). */
  serviceWindow?: ServiceWindow;
  douyinApi?: DouyinApiClient;
  onDouyinProcessed?: (work: Promise<void>) => void;
  onWecomKfProcessed?: (work: Promise<void>) => void;
  /** The WeCom kf sync cursor (Redis with REDIS_URL). */
  cursors?: CursorStore;
  metrics?: Metrics;
  rateLimiter?: RateLimiter;
  /** RATE_LIMIT_GLOBAL_PER_S across all users (callers choose user ids); none when off. */
  globalRateLimiter?: RateLimiter;
  /** After DELETE /api/v1/conversations/:userId: cancels the user's reminders (never throws). */
  onForget?: (userId: string) => Promise<unknown>;
  /** True while the process shuts down: /readyz says 503 so load balancers stop sending. */
  draining?: () => boolean;
  /** The maintainers' console and admin API (mounted when CONSOLE_TOKEN or API_TOKEN is set). */
  console?: ConsoleDeps;
}

/** Which channel a path belongs to, for the request metrics. */
function channelOf(path: string): string {
  if (path.startsWith('/api/')) return 'json';
  const first = path.split('/')[1];
  return ['wechat', 'wecom', 'wecom-kf', 'douyin'].includes(first) ? first : 'ops';
}

class NotReadyError extends Error {}

/**
 * helmet's headers with its default options are the same on every response (no nonces), but it
 * sets them through a chain of a dozen middleware: they are collected once, in helmet's order,
 * and set in one loop. Anything else helmet would do (an error) fails at start-up here.
 */
export function staticHeaders(middleware: express.RequestHandler): express.RequestHandler {
  const headers: Array<[string, string]> = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: string) => headers.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  };
  let finished = false;
  void middleware({} as express.Request, recorder as unknown as express.Response, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('staticHeaders: the middleware failed');
    finished = true;
  });
  if (!finished) throw new Error('staticHeaders: the middleware did not call next() at once');
  return (_req, res, next) => {
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

/** Every channel the app knows; each runs when its configuration is present (adding one: one entry). */
export const CHANNELS: readonly ChannelModule[] = [jsonWebhookChannel, wechatOfficialAccountChannel, wecomChannel, wecomKfChannel, douyinChannel];

/** The express app: channel routers, health and readiness. No listen() here, so tests use supertest. */
export function createApp(deps: AppDeps): Express {
  const { config, engine, store } = deps;
  const idempotency = deps.idempotency ?? new MemoryIdempotencyStore();
  const metrics = deps.metrics ?? new Metrics();
  const rateLimiter = deps.rateLimiter ?? new MemoryRateLimiter(config.RATE_LIMIT_PER_MIN);
  const globalLimiter = deps.globalRateLimiter ?? (config.RATE_LIMIT_GLOBAL_PER_S ? globalRateLimiter(config.RATE_LIMIT_GLOBAL_PER_S) : undefined);
  const app = express();
  app.disable('x-powered-by');
  app.use(staticHeaders(helmet()));
  app.set('trust proxy', true);
  app.use((req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    // originalUrl: routers rewrite req.url while they run.
    res.on('finish', () => metrics.requested(channelOf(req.originalUrl.split('?')[0]), String(res.statusCode)));
    next();
  });

  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    if (deps.draining?.()) return res.status(503).json({ status: 'stopping' });
    const trained = engine()?.ready ?? false;
    const storeOk = await store.ping().then(
      () => true,
      () => false,
    );
    res.status(trained && storeOk ? 200 : 503).json({ status: trained && storeOk ? 'ready' : 'not_ready', classifier: trained, store: storeOk });
  });

  const phrase = (key: string) => engine()?.bilingual(key) ?? '';
  const handle = createHandle({ engine, metrics, rateLimiter, globalRateLimiter: globalLimiter, phrase });
  const notReady = (_req: express.Request, res: express.Response, next: express.NextFunction) =>
    engine() ? next() : sendError(res, 503, 'not_ready', 'The bot is still starting; try again in a moment.');

  if (!config.WEBHOOK_SECRET) log.warn('WEBHOOK_SECRET is not set: POST /api/v1/messages accepts unsigned requests');
  if (!config.API_TOKEN) log.warn('API_TOKEN is not set: the /api/v1 endpoints are open to anyone who can reach them');
  mountConsole(app, config, deps.console);
  const apiToken = config.API_TOKEN;
  app.use('/api/v1', (req, res, next) => {
    if (!apiToken) return next();
    const header = req.get('Authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!safeEqual(given, apiToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'Missing or wrong bearer token.');
    }
    next();
  });
  const channelDeps = {
    ...deps,
    handle,
    engine: () => engine()!,
    idempotency,
    cursors: deps.cursors ?? new MemoryCursorStore(),
    phrase,
  };
  const channels: string[] = [];
  for (const channel of CHANNELS) {
    if (!channel.isConfigured(config)) continue;
    app.use(channel.path, notReady, channel.mount(channelDeps));
    channels.push(channel.name);
  }
  log.info('channels', { channels });

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler);
  return app;
}

/**
 * The HandleMessage every channel gets: the engine's turn with what applies to all channels around
 * it (rate limits; the engine counts metrics and logs unanswered questions). Used by the app and
 * the wechaty runner alike.
 */
export function createHandle(deps: {
  engine: () => DialogueEngine | undefined;
  metrics: Metrics;
  rateLimiter?: RateLimiter;
  globalRateLimiter?: RateLimiter;
  phrase: (key: string) => string;
}): HandleMessage {
  const { engine, metrics, rateLimiter, phrase } = deps;
  const globalLimiter = deps.globalRateLimiter;
  /**
   * The global budget first (a flood of made-up user ids is cut before it costs anything per user),
   * then the user's own. A limiter that can't answer lets the message through.
   */
  const withinLimit = async (userId: string, channel: string): Promise<RateLimitResult | undefined> => {
    let last: RateLimitResult | undefined;
    const budgets: Array<[RateLimiter | undefined, string, 'global' | 'user']> = [
      [globalLimiter, GLOBAL_KEY, 'global'],
      [rateLimiter, userId, 'user'],
    ];
    for (const [limiter, key, scope] of budgets) {
      if (!limiter) continue;
      try {
        last = { ...(await limiter.hit(key)), scope };
      } catch {
        metrics.storeErrors.inc({ operation: 'rate_limit' });
        continue;
      }
      if (!last.allowed) {
        metrics.rateLimited.inc({ channel, scope });
        return last;
      }
    }
    return last;
  };
  // Chat channels: over the limit, a polite text instead of an answer, and no state change.
  const handle: HandleMessage = async (message, options = {}) => {
    const e = engine();
    if (!e) throw new NotReadyError('not ready');
    const limit = await withinLimit(message.userId, options.metricChannel ?? message.channel);
    if (limit && !limit.allowed) {
      if (options.refuseWhenLimited) throw new RateLimitedError(limit);
      return {
        reply: { text: phrase('channel_rate_limited'), intent: 'fallback', confidence: 1, lang: 'zh-Hans', suggestions: [], sources: [] },
        state: newConversationState(message.timestamp),
      };
    }
    return e.handle(message);
  };
  return handle;
}

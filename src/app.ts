import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { safeEqual } from './channels/signatures';
import type { HandleMessage } from './channels/channel';
import { DouyinApiClient } from './channels/douyin/douyin-api-client';
import { douyinRouter } from './channels/douyin/douyin-channel';
import { jsonWebhookRouter } from './channels/json/json-webhook-channel';
import { WechatApiClient } from './channels/wechat/wechat-api-client';
import { wechatOfficialAccountRouter } from './channels/wechat/wechat-official-account-channel';
import { wecomRouter } from './channels/wecom/wecom-channel';
import type { Config } from './config';
import type { DialogueEngine } from './core/dialogue-engine';
import { errorHandler, sendError } from './http-errors';
import { moduleLogger } from './logger';
import type { ConversationStore } from './state/conversation-store';
import { Metrics } from './metrics';
import { newConversationState } from './state/conversation-state';
import { MemoryIdempotencyStore, type IdempotencyStore } from './state/idempotency-store';
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
  douyinApi?: DouyinApiClient;
  onDouyinProcessed?: (work: Promise<void>) => void;
  metrics?: Metrics;
  rateLimiter?: RateLimiter;
  /** RATE_LIMIT_GLOBAL_PER_S across all users (callers choose user ids); none when off. */
  globalRateLimiter?: RateLimiter;
  /** True while the process shuts down: /readyz says 503 so load balancers stop sending. */
  draining?: () => boolean;
}

/** Which channel a path belongs to, for the request metrics. */
function channelOf(path: string): string {
  if (path.startsWith('/api/')) return 'json';
  const first = path.split('/')[1];
  return ['wechat', 'wecom', 'douyin'].includes(first) ? first : 'ops';
}

class NotReadyError extends Error {}

/** The express app: channel routers, health and readiness. No listen() here, so tests use supertest. */
export function createApp(deps: AppDeps): Express {
  const { config, engine, store } = deps;
  const idempotency = deps.idempotency ?? new MemoryIdempotencyStore();
  const metrics = deps.metrics ?? new Metrics();
  const rateLimiter = deps.rateLimiter ?? new MemoryRateLimiter(config.RATE_LIMIT_PER_MIN);
  const globalLimiter = deps.globalRateLimiter ?? (config.RATE_LIMIT_GLOBAL_PER_S ? globalRateLimiter(config.RATE_LIMIT_GLOBAL_PER_S) : undefined);
  const app = express();
  app.disable('x-powered-by');
  app.use(helmet());
  app.set('trust proxy', true);
  app.use((req, res, next) => {
    const requestId = randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    // originalUrl: routers rewrite req.url while they run.
    res.on('finish', () => metrics.requests.inc({ channel: channelOf(req.originalUrl.split('?')[0]), status: String(res.statusCode) }));
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
  const handle: HandleMessage = async (message) => {
    const e = engine();
    if (!e) throw new NotReadyError('not ready');
    const limit = await withinLimit(message.userId, message.channel);
    if (limit && !limit.allowed) {
      return {
        reply: { text: phrase('channel_rate_limited'), intent: 'fallback', confidence: 1, lang: 'zh-Hans', suggestions: [], sources: [] },
        state: newConversationState(message.timestamp),
      };
    }
    return e.handle(message);
  };
  const notReady = (_req: express.Request, res: express.Response, next: express.NextFunction) =>
    engine() ? next() : sendError(res, 503, 'not_ready', 'The bot is still starting; try again in a moment.');

  if (!config.WEBHOOK_SECRET) log.warn('WEBHOOK_SECRET is not set: POST /api/v1/messages accepts unsigned requests');
  if (!config.API_TOKEN) log.warn('API_TOKEN is not set: the /api/v1 endpoints are open to anyone who can reach them');
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
  app.use(
    '/api/v1',
    notReady,
    jsonWebhookRouter((m) => engine()!.handle(m), store, {
      apiState: (s) => engine()!.apiState(s),
      revive: (stored) => engine()!.revive(stored, new Date()),
      bodyLimit: config.BODY_LIMIT,
      webhookSecret: config.WEBHOOK_SECRET,
      maxSkewS: config.WEBHOOK_MAX_SKEW_S,
      rateLimit: (userId) => withinLimit(userId, 'json'),
      handoffView: (state, userId, now) => engine()!.handoffView(state, userId, now),
      releaseHandoff: config.HANDOFF_ENABLED ? (userId) => engine()!.releaseHandoff(userId) : undefined,
    }),
  );

  // Each channel starts only when its configuration is present.
  const channels: string[] = ['json'];
  if (config.WECHAT_TOKEN) {
    const api =
      deps.wechatApi ??
      (config.WECHAT_APPID && config.WECHAT_APP_SECRET
        ? new WechatApiClient({ appId: config.WECHAT_APPID, appSecret: config.WECHAT_APP_SECRET, baseUrl: config.WECHAT_API_BASE })
        : undefined);
    app.use(
      '/wechat',
      notReady,
      wechatOfficialAccountRouter({
        token: config.WECHAT_TOKEN,
        appId: config.WECHAT_APPID,
        encodingAesKey: config.WECHAT_ENCODING_AES_KEY,
        handle,
        idempotency,
        phrase,
        api,
        replyTimeoutMs: config.WECHAT_REPLY_TIMEOUT_MS,
        maxSkewS: config.WEBHOOK_MAX_SKEW_S,
        bodyLimit: config.BODY_LIMIT,
      }),
    );
    channels.push('wechat');
  }
  if (config.WECOM_TOKEN && config.WECOM_CORP_ID && config.WECOM_ENCODING_AES_KEY) {
    app.use(
      '/wecom',
      notReady,
      wecomRouter({
        token: config.WECOM_TOKEN,
        corpId: config.WECOM_CORP_ID,
        encodingAesKey: config.WECOM_ENCODING_AES_KEY,
        handle,
        idempotency,
        phrase,
        maxSkewS: config.WEBHOOK_MAX_SKEW_S,
        bodyLimit: config.BODY_LIMIT,
      }),
    );
    channels.push('wecom');
  }
  if (config.DOUYIN_CLIENT_KEY && config.DOUYIN_CLIENT_SECRET) {
    const api =
      deps.douyinApi ??
      new DouyinApiClient({ clientKey: config.DOUYIN_CLIENT_KEY, clientSecret: config.DOUYIN_CLIENT_SECRET, baseUrl: config.DOUYIN_API_BASE });
    app.use(
      '/douyin',
      notReady,
      douyinRouter({
        handle,
        idempotency,
        api,
        clientKey: config.DOUYIN_CLIENT_KEY,
        clientSecret: config.DOUYIN_CLIENT_SECRET,
        maxSkewS: config.WEBHOOK_MAX_SKEW_S,
        onProcessed: deps.onDouyinProcessed,
        textOnlyReply: () => phrase('channel_type_text'),
      }),
    );
    channels.push('douyin');
  }
  log.info('channels', { channels });

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler);
  return app;
}

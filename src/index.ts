import './load-env';
import http from 'node:http';
import net from 'node:net';
import { createAdminBackends } from './admin/admin-backends';
import { KnowledgeReloader } from './admin/knowledge-reloader';
import { observeTurns } from './admin/turn-stats';
import { createApp } from './app';
import { createBackends, handoffSettings } from './bot';
import { loadConfig } from './config';
import { DialogueEngine } from './core/dialogue-engine';
import { loadMenu } from './knowledge/menu';
import { moduleLogger } from './logger';
import { handoffNotifierFrom } from './handoff/handoff-notifier';
import { Metrics } from './metrics';
import { warmUpTraditionalReplies } from './nlu/chinese-script';
import { wireReminders } from './reminders/reminder-port';
import { WechatApiClient } from './channels/wechat/wechat-api-client';

const log = moduleLogger('main');

function main(): void {
  const config = loadConfig();
  const metrics = new Metrics();
  const backends = createBackends(config, metrics);
  // One WeChat API client for replies and reminders: one access_token (a second would invalidate the first).
  const wechatApi =
    config.WECHAT_APPID && config.WECHAT_APP_SECRET
      ? new WechatApiClient({ appId: config.WECHAT_APPID, appSecret: config.WECHAT_APP_SECRET, baseUrl: config.WECHAT_API_BASE })
      : undefined;
  // BullMQ with REDIS_URL (a worker here, as in every instance), else in-process timers.
  const reminders = wireReminders(config, backends.store, { registry: metrics.registry, wechatClient: wechatApi });
  const notifier = handoffNotifierFrom(config, { claims: backends.claims, metrics });
  const admin = createAdminBackends(config);
  // The engine is built by the reloader, at start and again after teaching, an admin reload or
  // SIGHUP; the old one serves until the new one is ready.
  const knowledge = new KnowledgeReloader({
    intentsDir: config.INTENTS_DIR,
    nlu: { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN },
    overlay: admin.overlay,
    buildEngine: (nlu) =>
      observeTurns(
        new DialogueEngine(nlu, backends.store, metrics, backends.unanswered, {
          handoff: handoffSettings(config),
          menu: loadMenu(config.INTENTS_DIR, nlu.kb),
          // A person has the user now: agents are told, and no deadline reminder talks over them.
          onHandoff: (event) => {
            if (notifier) void notifier.notify(event);
            if (event.kind === 'started') void reminders.reminders.cancel(event.userKey).catch(() => undefined);
          },
          reminders: reminders.port,
        }),
        admin.stats,
        () => metrics.storeErrors.inc({ operation: 'stats' }),
      ),
  });
  const reload = (why: string) =>
    knowledge
      .reload(why)
      .catch((err: Error) => log.error('knowledge reload failed: the previous knowledge keeps serving', { reason: why, error: err.message }));
  const bus = admin.bus(() => void reload('peer'));
  // Set on SIGTERM: /readyz says 503 and every response closes its connection.
  let stopping = false;
  const app = createApp({
    config,
    engine: () => knowledge.engine,
    store: backends.store,
    idempotency: backends.idempotency,
    cursors: backends.cursors,
    rateLimiter: backends.rateLimiter,
    globalRateLimiter: backends.globalRateLimiter,
    metrics,
    onForget: (userId) => reminders.reminders.cancel(userId),
    // Replies and reminders spend the same 5 customer-service messages a user's message allows.
    serviceWindow: reminders.reminders.serviceWindow,
    wechatApi,
    draining: () => stopping,
    console: { knowledge, bus, store: backends.store, unanswered: backends.unanswered, stats: admin.stats, metrics },
  });
  const server = http.createServer((req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  server.listen(config.PORT, config.HOST, () => {
    log.info('listening', { port: (server.address() as net.AddressInfo).port, state: config.REDIS_URL ? 'redis' : 'memory' });
    // Train after listening so /healthz answers during start-up and /readyz shows the state.
    knowledge.reload('start').then(
      () => {
        if (knowledge.engine) reminders.setEngine(knowledge.engine);
        log.info('ready', { startupMs: Math.round(process.uptime() * 1000) });
        // Not needed to answer, so not before ready: the first reply in Traditional then doesn't wait for it.
        setImmediate(warmUpTraditionalReplies);
      },
      (err: Error) => {
        log.error('start-up failed', { error: err.message });
        process.exit(1);
      },
    );
  });

  // SIGTERM: stop accepting connections, finish in-flight requests, answer any request that still
  // arrives on an open keep-alive connection (with Connection: close), close Redis, exit 0.
  // http.Server.close() would also destroy idle keep-alive connections at once, and a request a
  // client sends on one at that moment fails with ECONNRESET. So only the listening socket is
  // closed; an idle connection ends after its response or when its keep-alive timeout (announced
  // to the client in the Keep-Alive header) runs out.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    net.Server.prototype.close.call(server, () => {
      void Promise.allSettled([reminders.reminders.close()])
        .then(() => Promise.all([backends.close(), admin.close()]))
        .finally(() => {
          log.info('stopped');
          process.exit(0);
        });
    });
    // A client holding a connection open must not keep us from exiting.
    setTimeout(() => {
      log.warn('forcing exit after 10 s');
      process.exit(0);
    }, 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // After intents/ changed on disk: retrain and swap without a restart.
  process.on('SIGHUP', () => void reload('SIGHUP'));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) }));
}

try {
  main();
} catch (err) {
  log.error('start-up failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

import { createApp } from './app';
import { createBackends, createEngine } from './bot';
import { loadConfig } from './config';
import type { DialogueEngine } from './core/dialogue-engine';
import { moduleLogger } from './logger';
import { Metrics } from './metrics';

const log = moduleLogger('main');

function main(): void {
  const config = loadConfig();
  const metrics = new Metrics();
  const backends = createBackends(config, metrics);
  let engine: DialogueEngine | undefined;
  const app = createApp({
    config,
    engine: () => engine,
    store: backends.store,
    idempotency: backends.idempotency,
    rateLimiter: backends.rateLimiter,
    globalRateLimiter: backends.globalRateLimiter,
    metrics,
  });
  const server = app.listen(config.PORT, config.HOST, () => {
    log.info('listening', { port: config.PORT, state: config.REDIS_URL ? 'redis' : 'memory' });
    // Train after listening so /healthz answers during start-up and /readyz shows the state.
    setImmediate(() => {
      engine = createEngine(config, backends.store, metrics, backends.unanswered);
      log.info('ready', { startupMs: Math.round(process.uptime() * 1000) });
    });
  });

  // SIGTERM: stop accepting, let in-flight requests finish, close Redis, exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info('stopping', { signal });
    server.close(() => {
      void backends.close().finally(() => {
        log.info('stopped');
        process.exit(0);
      });
    });
    server.closeIdleConnections();
    // A client holding a connection open must not keep us from exiting.
    setTimeout(() => {
      log.warn('forcing exit after 10 s');
      process.exit(0);
    }, 10_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) }));
}

try {
  main();
} catch (err) {
  log.error('start-up failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

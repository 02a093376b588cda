import './load-env';
import http from 'node:http';
import net from 'node:net';
import { createApp } from './app';
import { createBackends, createEngine, handoffSettings } from './bot';
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
  // Set on SIGTERM: /readyz says 503 and every response closes its connection.
  let stopping = false;
  const app = createApp({
    config,
    engine: () => engine,
    store: backends.store,
    idempotency: backends.idempotency,
    rateLimiter: backends.rateLimiter,
    globalRateLimiter: backends.globalRateLimiter,
    metrics,
    draining: () => stopping,
  });
  const server = http.createServer((req, res) => {
    if (stopping) res.setHeader('Connection', 'close');
    app(req, res);
  });
  server.listen(config.PORT, config.HOST, () => {
    log.info('listening', { port: (server.address() as net.AddressInfo).port, state: config.REDIS_URL ? 'redis' : 'memory' });
    // Train after listening so /healthz answers during start-up and /readyz shows the state.
    setImmediate(() => {
      engine = createEngine(config, backends.store, metrics, backends.unanswered, { handoff: handoffSettings(config) });
      log.info('ready', { startupMs: Math.round(process.uptime() * 1000) });
    });
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
      void backends.close().finally(() => {
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
  process.on('unhandledRejection', (reason) => log.error('unhandled rejection', { error: reason instanceof Error ? reason.message : String(reason) }));
}

try {
  main();
} catch (err) {
  log.error('start-up failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

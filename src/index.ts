import { createApp } from './app';
import { createEngine, createStore } from './bot';
import { loadConfig } from './config';
import type { DialogueEngine } from './core/dialogue-engine';
import { moduleLogger } from './logger';

const log = moduleLogger('main');

function main(): void {
  const config = loadConfig();
  const store = createStore(config);
  let engine: DialogueEngine | undefined;
  const app = createApp({ config, engine: () => engine, store });
  const server = app.listen(config.PORT, config.HOST, () => {
    log.info('listening', { port: config.PORT });
    // Train after listening so /healthz answers during start-up and /readyz shows the state.
    setImmediate(() => {
      engine = createEngine(config, store);
      log.info('ready', { startupMs: Math.round(process.uptime() * 1000) });
    });
  });
  const stop = (signal: string) => {
    log.info('stopping', { signal });
    server.close(() => {
      void store.close().finally(() => process.exit(0));
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

try {
  main();
} catch (err) {
  log.error('start-up failed', { error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
}

import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { jsonWebhookRouter } from './channels/json/json-webhook-channel';
import type { Config } from './config';
import type { DialogueEngine } from './core/dialogue-engine';
import { errorHandler, sendError } from './http-errors';
import type { ConversationStore } from './state/conversation-store';

export interface AppDeps {
  config: Pick<Config, 'BODY_LIMIT'>;
  /** Undefined until the classifier is trained: /readyz says 503 and the API waits for it. */
  engine: () => DialogueEngine | undefined;
  store: ConversationStore;
}

/** The express app: channel routers, health and readiness. No listen() here, so tests use supertest. */
export function createApp({ config, engine, store }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use((_req, res, next) => {
    res.locals.requestId = randomUUID();
    res.setHeader('X-Request-Id', res.locals.requestId);
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/readyz', async (_req, res) => {
    const trained = engine()?.ready ?? false;
    const storeOk = await store.ping().then(() => true, () => false);
    res.status(trained && storeOk ? 200 : 503).json({ status: trained && storeOk ? 'ready' : 'not_ready', classifier: trained, store: storeOk });
  });

  app.use('/api/v1', (_req, res, next) => {
    if (!engine()) return sendError(res, 503, 'not_ready', 'The bot is still starting; try again in a moment.');
    next();
  });
  app.use('/api/v1', jsonWebhookRouter((message) => engine()!.handle(message), store, config.BODY_LIMIT));

  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler);
  return app;
}

import type { Express } from 'express';
import { adminRouter, type AdminDeps } from '../admin/admin-router';
import type { Config } from '../config';
import { moduleLogger } from '../logger';
import { ConsoleSessions } from './console-auth';
import { consoleRouter } from './console-router';

/** What the console needs beyond the app's own stores. */
export type ConsoleDeps = Omit<AdminDeps, 'sessions' | 'bodyLimit'>;

/**
 * /console and /api/v1/admin, when a token is configured (CONSOLE_TOKEN, else API_TOKEN); mounted
 * before the JSON API's own token check, which guards a different token.
 */
export function mountConsole(app: Express, config: Pick<Config, 'CONSOLE_TOKEN' | 'API_TOKEN' | 'BODY_LIMIT'>, deps: ConsoleDeps | undefined): boolean {
  const token = config.CONSOLE_TOKEN ?? config.API_TOKEN;
  if (!token || !deps) return false;
  const sessions = new ConsoleSessions(token);
  app.use('/console', consoleRouter(sessions));
  app.use('/api/v1/admin', adminRouter({ ...deps, sessions, bodyLimit: config.BODY_LIMIT }));
  moduleLogger('console').info('console on', { path: '/console' });
  return true;
}

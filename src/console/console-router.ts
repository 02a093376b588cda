import fs from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';
import { moduleLogger } from '../logger';
import { CONSOLE_CSS } from './console-css';
import { csrfOk, type ConsoleSessions } from './console-auth';
import { renderLogin, renderPage, type ConsolePage } from './console-pages';

const log = moduleLogger('console');

const PAGES: Record<string, ConsolePage> = { '/': 'chat', '/inbox': 'inbox', '/knowledge': 'knowledge', '/stats': 'stats', '/users': 'users' };

/**
 * The browser script: compiled next to this file by `npm run build`; when running from the sources
 * (tests, tsx) it is transpiled once from console.ts with the TypeScript compiler of the dev setup.
 */
function loadScript(): string {
  const built = path.join(__dirname, 'assets', 'console.js');
  if (fs.existsSync(built)) return fs.readFileSync(built, 'utf8');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof import('typescript');
  const source = fs.readFileSync(path.join(__dirname, 'assets', 'console.ts'), 'utf8');
  return ts.transpileModule(source, { compilerOptions: { target: ts.ScriptTarget.ES2020, removeComments: true } }).outputText;
}

/** chart.js from the package's dependencies, served by us: no CDN, deployments may have no internet. */
const chartJs = () => path.join(path.dirname(require.resolve('chart.js')), 'chart.umd.min.js');

/** Failed logins per client address per minute: enough for typos, too few to guess a token. */
const LOGIN_ATTEMPTS_PER_MIN = 10;

export function consoleRouter(sessions: ConsoleSessions): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });
  const failures = new Map<string, { n: number; since: number }>();
  let script: string | undefined;

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  router.get('/login', (req, res) => {
    if (sessions.session(req)) return res.redirect(303, '/console');
    res.type('html').send(renderLogin());
  });

  router.post('/login', form, (req, res) => {
    const ip = req.ip ?? '';
    const now = Date.now();
    const f = failures.get(ip);
    if (f && now - f.since < 60_000 && f.n >= LOGIN_ATTEMPTS_PER_MIN) {
      res.setHeader('Retry-After', '60');
      return res.status(429).type('html').send(renderLogin('Too many attempts; wait a minute.'));
    }
    const token = (req.body as Record<string, unknown> | undefined)?.token;
    if (!sessions.checkToken(token)) {
      if (!f || now - f.since >= 60_000) failures.set(ip, { n: 1, since: now });
      else f.n++;
      if (failures.size > 10_000) failures.clear();
      log.warn('console login refused');
      return res.status(401).type('html').send(renderLogin('Wrong token.'));
    }
    failures.delete(ip);
    sessions.start(req, res);
    log.info('console login');
    res.redirect(303, '/console');
  });

  // Everything below needs a session.
  router.use((req, res, next) => {
    const id = sessions.session(req);
    if (!id) {
      if (req.method === 'GET' && !req.path.startsWith('/assets/')) return res.status(401).type('html').send(renderLogin());
      return res.status(401).json({ error: { code: 'unauthorized', message: 'Log in to the console first.' } });
    }
    res.locals.csrf = sessions.csrfFor(id);
    next();
  });

  router.post('/logout', form, (req, res) => {
    if (!csrfOk(req, { via: 'session', csrf: res.locals.csrf as string }))
      return res.status(403).json({ error: { code: 'csrf', message: 'Missing or wrong CSRF token.' } });
    sessions.end(req, res);
    res.redirect(303, '/console/login');
  });

  router.get('/assets/console.js', (_req, res) => {
    script ??= loadScript();
    res.type('application/javascript').send(script);
  });
  router.get('/assets/console.css', (_req, res) => res.type('text/css').send(CONSOLE_CSS));
  router.get('/assets/chart.umd.min.js', (_req, res) => res.sendFile(chartJs()));

  router.get(Object.keys(PAGES), (req, res) => {
    res.type('html').send(renderPage(PAGES[req.path], res.locals.csrf as string));
  });

  router.use((_req, res) => res.status(404).json({ error: { code: 'not_found', message: 'No such console page.' } }));
  return router;
}

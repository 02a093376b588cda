import express, { type Router } from 'express';
import { z } from 'zod';
import { localize, renderAnswer } from '../core/answer-renderer';
import { FALLBACK } from '../core/intent-ids';
import { PLATFORMS, type Lang, type Platform } from '../core/types';
import { sendError } from '../http-errors';
import { moduleLogger } from '../logger';
import type { Metrics } from '../metrics';
import { normalize } from '../nlu/normalizer';
import { maskDeep, mask } from '../privacy/mask';
import { maskUserKey } from '../privacy/mask-user-key';
import type { ConversationStore } from '../state/conversation-store';
import type { UnansweredEntry, UnansweredLog } from '../state/unanswered-log';
import { csrfOk, type ConsoleSessions } from '../console/console-auth';
import { exportOverlay, OverlayValidationError, questionKey, validateTeach, withDismissed, withVariant } from './knowledge-overlay';
import type { KnowledgeReloader, ReloadBus } from './knowledge-reloader';
import type { TurnStats } from './turn-stats';

const log = moduleLogger('admin');

export interface AdminDeps {
  sessions: ConsoleSessions;
  knowledge: KnowledgeReloader;
  bus: ReloadBus;
  store: ConversationStore;
  unanswered?: UnansweredLog;
  stats: TurnStats;
  metrics: Metrics;
  bodyLimit: string;
}

/** Test users of the console live under their own prefix, never a real user's key. */
export const TEST_USER_PREFIX = 'console:';
const testUser = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\w.-]+$/, 'letters, digits, "_", "-" and "." only');

const tryBody = z.object({
  text: z
    .string()
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => [...s].length <= 2000, 'must be at most 2000 characters'),
  user: testUser.default('tester'),
  platform: z.enum(PLATFORMS).optional(),
  channel: z.string().min(1).max(32).default('console'),
  /** "Pretend it is 20:00 tomorrow": ISO 8601 or Unix seconds. */
  at: z.union([z.string().max(64), z.number()]).optional(),
});

const LANGS: Lang[] = ['zh-Hans', 'zh-Hant', 'en'];
const UNANSWERED_WINDOW = 10_000;

const invalid = (res: express.Response, error: z.ZodError) =>
  sendError(res, 400, 'invalid_request', error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));

/** Similar questions (same words once masked, simplified, without punctuation) form one group. */
interface Group {
  key: string;
  text: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  langs: Record<string, number>;
  platforms: Record<string, number>;
  lastIntent: string;
}

function group(entries: UnansweredEntry[]): Group[] {
  const by = new Map<string, Group & { forms: Map<string, number> }>();
  for (const e of entries) {
    const key = questionKey(e.text);
    if (!key) continue;
    const g = by.get(key) ?? {
      key,
      text: e.text,
      count: 0,
      firstSeen: e.at,
      lastSeen: e.at,
      langs: {},
      platforms: {},
      lastIntent: e.intent,
      forms: new Map<string, number>(),
    };
    g.count++;
    if (e.at < g.firstSeen) g.firstSeen = e.at;
    if (e.at >= g.lastSeen) Object.assign(g, { lastSeen: e.at, lastIntent: e.intent });
    g.langs[e.lang] = (g.langs[e.lang] ?? 0) + 1;
    const platform = e.platform ?? 'none';
    g.platforms[platform] = (g.platforms[platform] ?? 0) + 1;
    g.forms.set(e.text, (g.forms.get(e.text) ?? 0) + 1);
    by.set(key, g);
  }
  return [...by.values()].map(({ forms, ...g }) => ({ ...g, text: [...forms.entries()].sort((a, b) => b[1] - a[1])[0][0] }));
}

const sumOf = (values: Array<{ value: number }>) => values.reduce((a, v) => a + v.value, 0);

/** The admin API (api/v1/admin): the console's pages call it with their session, scripts with the token. */
export function adminRouter(deps: AdminDeps): Router {
  const { sessions, knowledge, store } = deps;
  const router = express.Router();

  router.use((req, res, next) => {
    const auth = sessions.authenticate(req);
    if (!auth) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendError(res, 401, 'unauthorized', 'Log in to the console or send Authorization: Bearer <CONSOLE_TOKEN>.');
    }
    res.locals.adminVia = auth.via;
    res.setHeader('Cache-Control', 'no-store');
    if (!csrfOk(req, auth)) return sendError(res, 403, 'csrf', `Writes from a console session need the page's ${'X-CSRF-Token'} header.`);
    if (!knowledge.engine) return sendError(res, 503, 'not_ready', 'The bot is still starting; try again in a moment.');
    next();
  });
  router.use(express.json({ limit: deps.bodyLimit }));

  const engine = () => knowledge.engine!;
  const nlu = () => knowledge.nlu!;

  /** Try it: one turn as a test user, with everything the engine understood and decided. */
  router.post('/try', async (req, res) => {
    const parsed = tryBody.safeParse(req.body);
    if (!parsed.success) return invalid(res, parsed.error);
    const body = parsed.data;
    let at = new Date();
    if (body.at !== undefined && body.at !== '') {
      // Unlike a channel's clock, a pretended time may lie days ahead (to try a deadline).
      const ms = typeof body.at === 'number' ? body.at * 1000 : Date.parse(body.at);
      if (!Number.isFinite(ms) || Math.abs(ms - at.getTime()) > 2 * 365 * 86_400_000)
        return sendError(res, 400, 'invalid_timestamp', 'at must be ISO 8601 or Unix seconds, within 2 years of now.');
      at = new Date(ms);
    }
    const e = engine();
    const { reply, state, trace } = await e.handle({
      userId: `${TEST_USER_PREFIX}${body.user}`,
      text: body.text,
      timestamp: at,
      platform: body.platform,
      channel: body.channel,
    });
    res.json(
      maskDeep({
        reply: reply.text,
        intent: reply.intent,
        confidence: Number(reply.confidence.toFixed(4)),
        decidedBy: reply.decidedBy,
        lang: reply.lang,
        suggestions: reply.suggestions,
        sources: reply.sources,
        at: at.toISOString(),
        nlu: trace && {
          intent: trace.parse.intent,
          confidence: Number(trace.parse.confidence.toFixed(4)),
          source: trace.parse.source,
          candidates: trace.parse.candidates.map((c) => ({ intent: c.intent, confidence: Number(c.confidence.toFixed(4)) })),
          entities: trace.parse.entities,
          outOfDomain: trace.parse.outOfDomain,
        },
        before: trace ? e.apiState(trace.before) : undefined,
        after: e.apiState(state),
        saved: trace?.saved ?? true,
      }),
    );
  });

  router.post('/try/reset', async (req, res) => {
    const parsed = z.object({ user: testUser.default('tester') }).safeParse(req.body ?? {});
    if (!parsed.success) return invalid(res, parsed.error);
    await store.delete(`${TEST_USER_PREFIX}${parsed.data.user}`);
    res.json({ reset: true });
  });

  /** Filters: day (YYYY-MM-DD, UTC), lang, platform ("none" for messages without one). */
  router.get('/unanswered', async (req, res) => {
    const q = z
      .object({
        day: z
          .string()
          .regex(/^\d{4}-\d{2}-\d{2}$/)
          .optional(),
        lang: z.enum(LANGS as [Lang, ...Lang[]]).optional(),
        platform: z.enum([...PLATFORMS, 'none']).optional(),
        limit: z.coerce.number().int().min(1).max(500).default(100),
      })
      .safeParse(req.query);
    if (!q.success) return invalid(res, q.error);
    const { day, lang, platform, limit } = q.data;
    const source = deps.unanswered;
    let entries: UnansweredEntry[] = [];
    if (source?.recent) entries = await source.recent(UNANSWERED_WINDOW);
    else if (source)
      entries = (await source.top(UNANSWERED_WINDOW)).flatMap((s) =>
        Array.from({ length: Math.min(s.count, 1000) }, () => ({ text: s.text, lang: s.lang, intent: s.lastIntent, confidence: 0, at: s.lastSeen })),
      );
    entries = entries.filter((e) => (!day || e.at.startsWith(day)) && (!lang || e.lang === lang) && (!platform || (e.platform ?? 'none') === platform));
    const overlay = await knowledge.overlayStore.load();
    const handled = new Set([...overlay.variants.map((v) => questionKey(v.text)), ...overlay.dismissed.map((d) => questionKey(d.text))]);
    const groups = group(entries)
      .filter((g) => !handled.has(g.key))
      .sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen))
      .slice(0, limit);
    const n = nlu();
    res.json({
      total: groups.length,
      questions: groups.map(({ key: _key, ...g }) => {
        const p = n.parse(g.text);
        const ranked = p.intent === FALLBACK ? p.candidates : [{ intent: p.intent, confidence: p.confidence }, ...p.candidates];
        return {
          ...g,
          text: mask(g.text),
          lang: Object.entries(g.langs).sort((a, b) => b[1] - a[1])[0]?.[0] ?? '',
          now: { intent: p.intent, confidence: Number(p.confidence.toFixed(4)) },
          candidates: ranked.slice(0, 3).map((c) => ({ intent: c.intent, confidence: Number(c.confidence.toFixed(4)) })),
        };
      }),
    });
  });

  const announce = async (why: string) => {
    const result = await knowledge.reload(why);
    await deps.bus.publish().catch((err: Error) => log.warn('reload announcement failed', { error: err.message }));
    return result;
  };

  /** Teach: the question becomes a variant of `intent` (or of fallback: out of scope); answers once the new model serves. */
  router.post('/teach', async (req, res) => {
    const body = (req.body ?? {}) as { text?: unknown; intent?: unknown };
    let variant;
    try {
      variant = validateTeach(engine().kb, body.text, body.intent, new Date());
    } catch (err) {
      if (err instanceof OverlayValidationError) return sendError(res, 400, 'invalid_request', err.message);
      throw err;
    }
    const store = knowledge.overlayStore;
    await store.save(withVariant(await store.load(), variant));
    const reload = await announce('teach');
    const p = nlu().parse(variant.text);
    log.info('taught', { intent: variant.intent, lang: variant.lang, via: res.locals.adminVia as string });
    res.json({
      text: variant.text,
      intent: variant.intent,
      now: { intent: p.intent, confidence: Number(p.confidence.toFixed(4)), source: p.source },
      reload: { ms: reload.ms, taught: reload.taught },
    });
  });

  router.post('/dismiss', async (req, res) => {
    const body = (req.body ?? {}) as { text?: unknown };
    if (typeof body.text !== 'string' || !body.text.trim() || [...body.text].length > 300)
      return sendError(res, 400, 'invalid_request', 'text: a non-empty string of at most 300 characters is required');
    const store = knowledge.overlayStore;
    await store.save(withDismissed(await store.load(), body.text, new Date()));
    res.json({ dismissed: true });
  });

  /** Re-read intents/ and the overlay (after a change on disk), on every instance. */
  router.post('/reload', async (_req, res) => {
    try {
      const result = await announce('admin');
      res.json({ reloaded: true, ...result });
    } catch (err) {
      sendError(res, 422, 'invalid_knowledge', `Not reloaded, the previous knowledge keeps serving: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  router.get('/overlay.yaml', async (_req, res) => {
    const overlay = await knowledge.overlayStore.load();
    res.type('application/yaml').attachment('knowledge-overlay.yaml').send(exportOverlay(overlay));
  });

  router.get('/intents', (_req, res) => {
    const kb = engine().kb;
    res.json({ intents: [...kb.intents.values()].map((d) => ({ id: d.id, kind: d.kind, question: d.question })) });
  });

  /** Every intent: variants, the answer as users see it per platform and language, sources; the load's validation. */
  router.get('/knowledge', async (_req, res) => {
    const kb = engine().kb;
    const overlay = await knowledge.overlayStore.load();
    const platforms: Array<Platform | null> = [null, ...PLATFORMS];
    const intents = [...kb.intents.values()].map((def) => {
      const answers: Record<string, Record<string, string>> = {};
      const sources = new Set<string>();
      for (const platform of platforms) {
        const row: Record<string, string> = {};
        for (const lang of LANGS) {
          const ctx = { lang, variant: 'tw' as const, platform };
          const rendered = renderAnswer(kb, def, ctx);
          rendered.sources.forEach((s) => sources.add(s));
          row[lang] = localize(rendered.text, ctx);
        }
        answers[platform ?? 'any'] = row;
      }
      return {
        id: def.id,
        kind: def.kind,
        question: def.question,
        variants: def.utterances,
        taught: overlay.variants.filter((v) => v.intent === def.id).map((v) => v.text),
        patterns: def.patterns,
        related: def.related,
        answers,
        composed: def.kind === 'conversation' ? 'The dialogue composes this reply from the user state (intents/_dialogue.yaml).' : undefined,
        sources: [...sources],
      };
    });
    const issues = [...knowledge.validation];
    // Two intents claiming one sentence confuse the classifier: worth a maintainer's look.
    const seen = new Map<string, string>();
    for (const def of kb.intents.values())
      for (const u of [...def.utterances.zh, ...def.utterances.en]) {
        const key = normalize(u);
        const other = seen.get(key);
        if (other && other !== def.id) issues.push(`"${u}" is a variant of both ${other} and ${def.id}`);
        seen.set(key, def.id);
      }
    res.json({ validation: { ok: issues.length === 0, issues }, overlay: knowledge.overlayStore.where, intents });
  });

  /** Per-day counters (messages by channel and language, intents, fallbacks, handoffs) and the /metrics totals. */
  router.get('/stats', async (req, res) => {
    const days = z.coerce.number().int().min(1).max(90).default(14).safeParse(req.query.days);
    if (!days.success) return invalid(res, days.error);
    const perDay = await deps.stats.days(new Date(), days.data);
    const intents: Record<string, number> = {};
    const series = perDay.map(({ day, counts }) => {
      const byChannel: Record<string, number> = {};
      const byLang: Record<string, number> = {};
      let messages = 0;
      for (const [field, n] of Object.entries(counts)) {
        const [kind, a, b] = field.split('|');
        if (kind === 'messages') {
          messages += n;
          byChannel[a] = (byChannel[a] ?? 0) + n;
          byLang[b] = (byLang[b] ?? 0) + n;
        } else if (kind === 'intent') intents[a] = (intents[a] ?? 0) + n;
      }
      const fallbacks = counts.fallback ?? 0;
      return { day, messages, byChannel, byLang, fallbacks, fallbackRate: messages ? fallbacks / messages : null, handoffs: counts.handoff ?? 0 };
    });
    const metric = async (name: string) => {
      const m = deps.metrics.registry.getSingleMetric(name);
      return m ? sumOf((await m.get()).values) : null;
    };
    res.json({
      days: series,
      topIntents: Object.entries(intents)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 15)
        .map(([intent, count]) => ({ intent, count })),
      sinceStart: {
        intents: await metric('beian_intents_total'),
        fallbacks: await metric('beian_fallbacks_total'),
        handoffs: await metric('beian_handoffs_started_total'),
        remindersSent: await metric('beian_reminders_sent_total'),
      },
      topUnanswered: ((await deps.unanswered?.top(20)) ?? []).map((s) => ({ ...s, text: mask(s.text) })),
    });
  });

  /** A user's state by key (masked), and the right to be forgotten. */
  router.get('/users/:key', async (req, res) => {
    const stored = await store.get(req.params.key);
    if (!stored) return sendError(res, 404, 'not_found', 'No conversation state for this user key.');
    res.json(maskDeep({ user: maskUserKey(req.params.key), state: engine().apiState(stored), raw: stored }));
  });

  router.delete('/users/:key', async (req, res) => {
    const deleted = await store.delete(req.params.key);
    // Who asked and for whom, masked: the record that the right to be forgotten was honoured.
    log.info('user state deleted', { user: maskUserKey(req.params.key), deleted, via: res.locals.adminVia as string });
    res.json({ deleted });
  });

  router.use((_req, res) => sendError(res, 404, 'not_found', 'No such admin endpoint.'));
  return router;
}

import express, { type Router } from 'express';
import { z } from 'zod';
import { PLATFORMS } from '../../core/types';
import { sendError, sendPostJson } from '../../http-errors';
import { moduleLogger } from '../../logger';
import { throttledWarning } from '../../throttled-warning';
import { RateLimitedError, type ChannelModule, type HandleMessage } from '../channel';
import { parseMessageTime } from '../message-time';
import { freshTimestamp, hmacSha256Hex, safeEqual } from '../signatures';
import type { HandoffView } from '../../handoff/handoff-case';
import type { ApiState, ConversationState } from '../../state/conversation-state';
import type { ConversationStore } from '../../state/conversation-store';

// Printable: no control characters (C0, DEL, C1); 1-128 of them.
const PRINTABLE = /^[^\p{Cc}]+$/u;
const USER_ID_MAX = 128;
const TEXT_MAX = 2000;
const SHORT_MAX = 64;
const userId = z.string().min(1).max(USER_ID_MAX).regex(PRINTABLE, 'must be printable characters');

/** Whether s has at most `limit` code points (a surrogate pair is one), without an array of them per message. */
function withinCodePoints(s: string, limit: number): boolean {
  // No more UTF-16 units than the limit: no more characters either.
  if (s.length <= limit) return true;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++n > limit) return false;
  }
  return true;
}

// Checked for range in the handler (400 invalid_timestamp, api.md).
const timestamp = z.union([z.number(), z.string().max(SHORT_MAX)]);

export const messageBody = z.object({
  userId,
  text: z
    .string()
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => withinCodePoints(s, TEXT_MAX), 'must be at most 2000 characters'),
  timestamp: timestamp.optional(),
  platform: z.enum(PLATFORMS).optional(),
  channel: z.string().max(SHORT_MAX).optional(),
});
type MessageBody = z.infer<typeof messageBody>;

/**
 * The schema's rules for a parsed JSON body, checked directly: nearly every request passes, and in a
 * busy server zod's general machinery cost more per message than the rest of reading it. A body
 * this accepts, the schema accepts with the same fields (test/api/message-body.test.ts); anything
 * else goes to the schema, which gives the error.
 */
export function plainlyValid(body: unknown): body is MessageBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  const ts = b.timestamp;
  return (
    typeof b.userId === 'string' &&
    b.userId.length >= 1 &&
    b.userId.length <= USER_ID_MAX &&
    PRINTABLE.test(b.userId) &&
    typeof b.text === 'string' &&
    b.text.trim().length > 0 &&
    withinCodePoints(b.text, TEXT_MAX) &&
    (ts === undefined || (typeof ts === 'number' && Number.isFinite(ts)) || (typeof ts === 'string' && ts.length <= SHORT_MAX)) &&
    (b.platform === undefined || (PLATFORMS as readonly unknown[]).includes(b.platform)) &&
    (b.channel === undefined || (typeof b.channel === 'string' && b.channel.length <= SHORT_MAX))
  );
}

const warn = throttledWarning(moduleLogger('json-api'));

/** The signed string: "<timestamp>." followed by the body bytes (api.md). */
export const signedPayload = (timestamp: string, body: Buffer) => Buffer.concat([Buffer.from(`${timestamp}.`), body]);

/** POST /api/v1/messages and the conversation endpoints of api.md. */
export function jsonWebhookRouter(
  handle: HandleMessage,
  store: ConversationStore,
  options: {
    bodyLimit: string;
    webhookSecret?: string;
    /** X-Signature-Timestamp further than this from the server clock is refused (0 = no check). */
    maxSkewS?: number;
    /** The API's view of a state (deadline, tries left), and a stored value read back as one. */
    apiState: (state: ConversationState) => ApiState;
    revive: (stored: unknown) => ConversationState;
    /** The agent's view of an active handoff (api.md `handoff`); undefined when none. */
    handoffView?: (state: ConversationState, userId: string, now: Date) => HandoffView | undefined;
    /** An agent gives the user back to the bot; undefined when there is no conversation. */
    releaseHandoff?: (userId: string) => Promise<{ state: ConversationState; released: boolean } | undefined>;
    /** After DELETE (forget me): what else must go with the state (pending reminders). */
    onForget?: (userId: string) => Promise<unknown>;
  },
): Router {
  const router = express.Router();
  // Bytes first, as they were sent (after any Content-Encoding is undone): the signature, when a
  // secret is set, is over exactly these bytes, before any parsing.
  const raw = express.raw({ type: () => true, limit: options.bodyLimit });

  router.post(
    '/messages',
    (req, res, next) => {
      if (!req.is('application/json')) return sendError(res, 415, 'unsupported_media_type', 'Send the message as application/json.');
      next();
    },
    raw,
    async (req, res) => {
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (options.webhookSecret) {
        // sha256=<hex HMAC-SHA256 of "<timestamp>." + body>; the timestamp bounds replays to the
        // window, and an identical request inside it (a client's retry) is still accepted.
        const ts = req.get('X-Signature-Timestamp')?.trim();
        if (!ts || !/^\d{1,12}$/.test(ts))
          return sendError(res, 401, 'invalid_signature', 'X-Signature-Timestamp: <unix seconds> is required with X-Signature.');
        if (!freshTimestamp(ts, options.maxSkewS ?? 300))
          return sendError(res, 401, 'stale_signature', 'X-Signature-Timestamp is outside the allowed window (WEBHOOK_MAX_SKEW_S).');
        const given = req.get('X-Signature')?.trim().toLowerCase(); // hex in either case
        if (!safeEqual(given, `sha256=${hmacSha256Hex(options.webhookSecret, signedPayload(ts, bytes))}`)) {
          return sendError(res, 401, 'invalid_signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of "<timestamp>." followed by the body>.');
        }
      }
      let payload: unknown;
      try {
        payload = JSON.parse(bytes.toString('utf8'));
      } catch {
        return sendError(res, 400, 'invalid_json', 'The body is not valid JSON.');
      }
      let body: MessageBody;
      if (plainlyValid(payload)) body = payload;
      else {
        const parsed = messageBody.safeParse(payload);
        if (!parsed.success) {
          const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
          return sendError(res, 400, 'invalid_request', why);
        }
        body = parsed.data;
      }
      let at = new Date();
      if (body.timestamp !== undefined) {
        const given = parseMessageTime(body.timestamp, at);
        if (!given)
          return sendError(
            res,
            400,
            'invalid_timestamp',
            'timestamp must be Unix seconds (milliseconds above 1e11) or ISO 8601, at most 2 years before and 1 day after the server clock.',
          );
        at = given;
      }
      let result;
      try {
        // The channel-wide handle: rate limits (429 here), metrics and the unanswered log.
        result = await handle(
          { userId: body.userId, text: body.text, timestamp: at, platform: body.platform, channel: body.channel ?? 'webhook', transport: 'json' },
          { refuseWhenLimited: true, metricChannel: 'json' },
        );
      } catch (err) {
        if (!(err instanceof RateLimitedError)) throw err;
        res.setHeader('Retry-After', String(Math.ceil(err.limit.resetMs / 1000)));
        return sendError(
          res,
          429,
          'rate_limited',
          err.limit.scope === 'global' ? 'The bot is busy; try again in a moment.' : 'Too many messages from this user; try again in a minute.',
        );
      }
      const { reply, state } = result;
      // While a person has the user: reply "" and the case, so the IM platform routes the message to them.
      const handoff = options.handoffView?.(state, body.userId, at);
      sendPostJson(res, {
        reply: reply.text,
        intent: reply.intent,
        confidence: Number(reply.confidence.toFixed(4)),
        lang: reply.lang,
        suggestions: reply.suggestions,
        sources: reply.sources,
        decidedBy: reply.decidedBy,
        state: options.apiState(state),
        ...(handoff ? { handoff } : {}),
      });
    },
  );

  // Reading or deleting state needs the store: while it is down these are 503, not 500 (the
  // message endpoint answers from a blank state instead).
  const storeDown = (res: express.Response, err: unknown) => {
    warn('state store unavailable', { error: err instanceof Error ? err.message : String(err) });
    sendError(res, 503, 'store_unavailable', 'Conversation state is unavailable right now; try again shortly.');
  };

  router.get('/conversations/:userId', async (req, res) => {
    let state;
    try {
      state = await store.get(req.params.userId);
    } catch (err) {
      return storeDown(res, err);
    }
    if (!state) return sendError(res, 404, 'not_found', 'No conversation for this user.');
    const revived = options.revive(state);
    const handoff = options.handoffView?.(revived, req.params.userId, new Date());
    res.json({ userId: req.params.userId, state: options.apiState(revived), ...(handoff ? { handoff } : {}) });
  });

  router.post('/conversations/:userId/handoff/release', async (req, res) => {
    if (!options.releaseHandoff) return sendError(res, 404, 'not_found', 'Handoff to a human is not enabled (HANDOFF_ENABLED).');
    let result;
    try {
      result = await options.releaseHandoff(req.params.userId);
    } catch (err) {
      return storeDown(res, err);
    }
    if (!result) return sendError(res, 404, 'not_found', 'No conversation for this user.');
    res.json({ userId: req.params.userId, released: result.released, state: options.apiState(result.state) });
  });

  router.delete('/conversations/:userId', async (req, res) => {
    try {
      await store.delete(req.params.userId);
    } catch (err) {
      return storeDown(res, err);
    }
    await options.onForget?.(req.params.userId);
    res.status(204).end();
  });

  return router;
}

/** The JSON webhook API at /api/v1 (api.md): always on. */
export const jsonWebhookChannel: ChannelModule = {
  name: 'json',
  path: '/api/v1',
  isConfigured: () => true,
  mount: ({ config, handle, store, engine, onForget }) =>
    jsonWebhookRouter(handle, store, {
      apiState: (s) => engine().apiState(s),
      revive: (stored) => engine().revive(stored, new Date()),
      bodyLimit: config.BODY_LIMIT,
      webhookSecret: config.WEBHOOK_SECRET,
      maxSkewS: config.WEBHOOK_MAX_SKEW_S,
      handoffView: (state, userId, now) => engine().handoffView(state, userId, now),
      releaseHandoff: config.HANDOFF_ENABLED ? (userId) => engine().releaseHandoff(userId) : undefined,
      onForget,
    }),
};

import express, { type Router } from 'express';
import { z } from 'zod';
import type { EngineResult } from '../../core/dialogue-engine';
import { PLATFORMS, type Message } from '../../core/types';
import { sendError } from '../../http-errors';
import { hmacSha256Hex, safeEqual } from '../signatures';
import type { ApiState, ConversationState } from '../../state/conversation-state';
import type { ConversationStore } from '../../state/conversation-store';
import type { RateLimitResult } from '../../state/rate-limiter';

// Printable: no control characters (C0, DEL, C1); 1-128 of them.
const userId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\p{Cc}]+$/u, 'must be printable characters');

const timestamp = z.union([
  z.number().finite().nonnegative().max(8.64e12), // beyond this a Date is invalid
  z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be Unix seconds or an ISO 8601 string'),
]);

const messageBody = z.object({
  userId,
  text: z
    .string()
    .refine((s) => s.trim().length > 0, 'must not be empty')
    .refine((s) => [...s].length <= 2000, 'must be at most 2000 characters'),
  timestamp: timestamp.optional(),
  platform: z.enum(PLATFORMS).optional(),
  channel: z.string().max(64).optional(),
});

function toDate(ts: number | string | undefined): Date {
  if (ts === undefined) return new Date();
  return typeof ts === 'number' ? new Date(ts * 1000) : new Date(ts);
}

/** POST /api/v1/messages and the conversation endpoints of api.md. */
export function jsonWebhookRouter(
  handle: (message: Message) => Promise<EngineResult>,
  store: ConversationStore,
  options: {
    bodyLimit: string;
    webhookSecret?: string;
    /** The API's view of a state (deadline, tries left), and a stored value read back as one. */
    apiState: (state: ConversationState) => ApiState;
    revive: (stored: unknown) => ConversationState;
    /** The user's message budget; undefined when it can't be checked (then the message goes through). */
    rateLimit?: (userId: string) => Promise<RateLimitResult | undefined>;
  },
): Router {
  const router = express.Router();
  // Raw bytes first: the signature (when a secret is set) is over the body exactly as sent.
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
        const given = req.get('X-Signature')?.trim();
        if (!safeEqual(given, `sha256=${hmacSha256Hex(options.webhookSecret, bytes)}`)) {
          return sendError(res, 401, 'invalid_signature', 'X-Signature must be sha256=<hex HMAC-SHA256 of the raw body>.');
        }
      }
      let payload: unknown;
      try {
        payload = JSON.parse(bytes.toString('utf8'));
      } catch {
        return sendError(res, 400, 'invalid_json', 'The body is not valid JSON.');
      }
      const parsed = messageBody.safeParse(payload);
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
        return sendError(res, 400, 'invalid_request', why);
      }
      const body = parsed.data;
      const limit = await options.rateLimit?.(body.userId);
      if (limit && !limit.allowed) {
        res.setHeader('Retry-After', String(Math.ceil(limit.resetMs / 1000)));
        return sendError(res, 429, 'rate_limited', 'Too many messages from this user; try again in a minute.');
      }
      const { reply, state } = await handle({
        userId: body.userId,
        text: body.text,
        timestamp: toDate(body.timestamp),
        platform: body.platform,
        channel: body.channel ?? 'webhook',
      });
      res.json({
        reply: reply.text,
        intent: reply.intent,
        confidence: Number(reply.confidence.toFixed(4)),
        lang: reply.lang,
        suggestions: reply.suggestions,
        sources: reply.sources,
        decidedBy: reply.decidedBy,
        state: options.apiState(state),
      });
    },
  );

  router.get('/conversations/:userId', async (req, res) => {
    const state = await store.get(req.params.userId);
    if (!state) return sendError(res, 404, 'not_found', 'No conversation for this user.');
    res.json({ userId: req.params.userId, state: options.apiState(options.revive(state)) });
  });

  router.delete('/conversations/:userId', async (req, res) => {
    await store.delete(req.params.userId);
    res.status(204).end();
  });

  return router;
}

import express, { type Router } from 'express';
import { sendError } from '../../http-errors';
import { moduleLogger } from '../../logger';
import type { IdempotencyStore } from '../../state/idempotency-store';
import type { HandleMessage } from '../channel';
import { limitText } from '../message-text';
import { messageTimeOrNow } from '../message-time';
import { safeEqual, sha1Hex } from '../signatures';
import type { DouyinApiClient } from './douyin-api-client';

const log = moduleLogger('douyin');

export interface DouyinRouterOptions {
  handle: HandleMessage;
  idempotency: IdempotencyStore;
  clientKey: string;
  clientSecret: string;
  api: DouyinApiClient;
  /** Ignore messages whose create_time is further than this from now (replay window; 0 = off). */
  maxSkewS?: number;
  /** Receives each message's background work (reply and send); it never rejects. Tests await it. */
  onProcessed?: (work: Promise<void>) => void;
  /** The answer to a non-text message (the app passes the bilingual text of intents/_dialogue.yaml). */
  textOnlyReply?: () => string;
}

/** Sent instead of an answer to images, stickers, videos…: the bot only reads text. */
export const DOUYIN_TEXT_ONLY_REPLY = '请直接输入文字问题 / Please type your question as text';

// Douyin retries on timeouts for a while; a delivery id is remembered at least this long, and
// longer than the replay window so a replayed message is either stale or a known duplicate.
const DEDUP_TTL_S = 24 * 3600;

interface ReceivedMessage {
  fromUserId: string;
  toUserId: string;
  conversationId: string;
  serverMessageId: string;
  messageType: string;
  text: string;
  timestamp: Date;
  createTimeS: number | undefined;
}

/**
 * POST / (mounted at /douyin): Douyin's webhook. Verified against X-Douyin-Signature over the raw
 * bytes, acknowledged at once (Douyin wants a fast answer), answered through the IM send API.
 */
export function douyinRouter(options: DouyinRouterOptions): Router {
  const { handle, idempotency, clientKey, clientSecret, api, onProcessed } = options;
  const maxSkewS = options.maxSkewS ?? 300;
  const router = express.Router();

  // Raw bytes whatever the Content-Type: the signature is over the body exactly as sent.
  router.post('/', express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('X-Douyin-Signature')?.trim().toLowerCase();
    if (!safeEqual(signature, sha1Hex(Buffer.concat([Buffer.from(clientSecret), raw])))) {
      log.warn('douyin signature rejected', { method: 'webhook', hasSignature: signature !== undefined });
      return sendError(res, 401, 'invalid_signature', 'X-Douyin-Signature does not match the body.');
    }

    let event: unknown;
    try {
      event = JSON.parse(raw.toString('utf8'));
    } catch {
      return sendError(res, 400, 'invalid_json', 'The body is not valid JSON.');
    }
    if (!isRecord(event) || typeof event.event !== 'string') {
      return sendError(res, 400, 'invalid_event', 'The body is not a Douyin event.');
    }
    if (typeof event.client_key === 'string' && event.client_key !== clientKey) {
      log.warn('douyin event for another client_key ignored', { method: 'webhook', event: event.event });
      return res.json({});
    }

    if (event.event === 'verify_webhook') {
      const challenge = contentOf(event)?.challenge;
      if (challenge === undefined) return sendError(res, 400, 'invalid_event', 'verify_webhook without content.challenge.');
      return res.json({ challenge });
    }

    // im_send_msg (what the account itself sent, our replies included) and every other event: nothing to do.
    if (event.event !== 'im_receive_msg') return res.json({});

    const message = receivedMessage(event);
    if (!message) {
      // Retrying a signed event we cannot read would not help: acknowledge it.
      log.warn('douyin im_receive_msg without the expected fields', { method: 'webhook' });
      return res.json({});
    }
    if (message.fromUserId === message.toUserId) return res.json({});
    if (maxSkewS > 0 && message.createTimeS !== undefined && Math.abs(Date.now() / 1000 - message.createTimeS) > maxSkewS) {
      log.warn('douyin message outside the replay window ignored', { method: 'webhook', userId: `douyin:${message.fromUserId}` });
      return res.json({});
    }

    const deliveryId = req.get('Msg-Id')?.trim() || message.serverMessageId;
    let first = false;
    // Scoped to the account and the sender: a Msg-Id alone must not match another user's message.
    await idempotency.once(`douyin:msg:${message.toUserId}:${message.fromUserId}:${deliveryId}`, Math.max(DEDUP_TTL_S, 2 * maxSkewS), async () => {
      first = true;
      return true;
    });
    res.json({});
    if (!first) {
      log.info('douyin retry ignored', { method: 'webhook', userId: `douyin:${message.fromUserId}` });
      return;
    }

    const work = reply(message, handle, api, options.textOnlyReply?.() || DOUYIN_TEXT_ONLY_REPLY).catch((err: unknown) => {
      log.error('douyin reply failed', {
        method: 'reply',
        userId: `douyin:${message.fromUserId}`,
        messageId: message.serverMessageId,
        error: err instanceof Error ? err.message : String(err),
      });
    });
    onProcessed?.(work);
  });

  return router;
}

async function reply(m: ReceivedMessage, handle: HandleMessage, api: DouyinApiClient, textOnlyReply: string): Promise<void> {
  const userId = `douyin:${m.fromUserId}`;
  let text = textOnlyReply;
  if (m.messageType === 'text' && m.text.trim()) {
    const { reply: answer } = await handle({
      userId,
      text: limitText(m.text), // the JSON API's limit (api.md): longer texts are cut rather than dropped
      timestamp: m.timestamp,
      channel: 'douyin',
      platform: undefined, // the platform the user files on is unknown: Douyin is only where they ask
      messageId: m.serverMessageId,
    });
    text = answer.text;
    log.info('douyin message answered', { method: 'reply', userId, intent: answer.intent });
  } else {
    log.info('douyin non-text message', { method: 'reply', userId, messageType: m.messageType });
  }
  // A person has the user (handoff): the bot says nothing.
  if (!text) return;
  await api.sendText({
    toUserId: m.fromUserId,
    fromUserId: m.toUserId,
    conversationId: m.conversationId,
    serverMessageId: m.serverMessageId,
    text,
  });
}

function receivedMessage(event: Record<string, unknown>): ReceivedMessage | undefined {
  const content = contentOf(event);
  const fromUserId = event.from_user_id;
  const toUserId = event.to_user_id;
  if (!content || !isId(fromUserId) || !isId(toUserId)) return undefined;
  const conversationId = content.conversation_short_id;
  const serverMessageId = content.server_message_id;
  if (!isId(conversationId) || !isId(serverMessageId)) return undefined;
  const createTimeS = unixSeconds(content.create_time);
  return {
    fromUserId: String(fromUserId),
    toUserId: String(toUserId),
    conversationId: String(conversationId),
    serverMessageId: String(serverMessageId),
    messageType: typeof content.message_type === 'string' ? content.message_type : 'unknown',
    text: typeof content.text === 'string' ? content.text : '',
    timestamp: messageTimeOrNow(createTimeS),
    createTimeS,
  };
}

/** Douyin sends `content` either as an object or as a JSON string of one. */
function contentOf(event: Record<string, unknown>): Record<string, unknown> | undefined {
  let content = event.content;
  if (typeof content === 'string') {
    try {
      content = JSON.parse(content);
    } catch {
      return undefined;
    }
  }
  return isRecord(content) ? content : undefined;
}

/** create_time in seconds; milliseconds are accepted too (anything past year 33658 in seconds is ms). */
function unixSeconds(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0 || n > 8.64e15) return undefined; // beyond: an invalid Date
  return n > 1e12 ? n / 1000 : n;
}

// Douyin ids are strings, some numeric ones (server_message_id) may arrive as numbers.
const isId = (v: unknown): v is string | number => (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

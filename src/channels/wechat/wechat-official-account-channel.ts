import express, { type Request, type Response, type Router } from 'express';
import type { ReplyMenu } from '../../core/types';
import { moduleLogger } from '../../logger';
import type { IdempotencyStore } from '../../state/idempotency-store';
import { MemoryServiceWindow, type ServiceWindow } from '../../state/service-window';
import type { ChannelModule, HandleMessage } from '../channel';
import { WECHAT_OUTSIDE_WINDOW, WECHAT_QUOTA_USED, WechatApiClient, WechatApiError } from './wechat-api-client';
import { freshTimestamp, safeEqual, sha256Hex, wechatSignature } from '../signatures';
import { sendError } from '../../http-errors';
import { createTimeOf, dedupKey, inboundOf, turnFor } from './inbound';
import { WxBizMsgCrypt, WxCryptoError } from './wx-biz-msg-crypt';
import { fitOneMessage, parseWechatXml, splitUtf8, textReplyXml, transferReplyXml, XmlError } from './xml';

const log = moduleLogger('wechat');

/** WeChat's limit for a passive text reply is 2048 bytes; leave room for the truncation note. */
const MAX_REPLY_BYTES = 2048;
const DEDUP_TTL_S = 600;
/** How long a plaintext (timestamp, nonce) pair is remembered when the replay window is off. */
const PAIR_TTL_S = 600;

export interface WechatOfficialAccountOptions {
  token: string;
  appId?: string;
  encodingAesKey?: string;
  handle: HandleMessage;
  idempotency: IdempotencyStore;
  /** Bilingual canned text (welcome, "please type", truncation note) from intents/_dialogue.yaml. */
  phrase: (key: string) => string;
  /** The customer-service API, for replies that miss the 5 s window or don't fit in one message. */
  api?: WechatApiClient;
  replyTimeoutMs: number;
  maxSkewS: number;
  bodyLimit: string;
  /** WECHAT_KF_ACCOUNT: the customer-service account handed-over users go to (TransInfo/KfAccount); unset: any. */
  kfAccount?: string;
  /** The question a custom-menu CLICK button asks (intents/menu.yaml); undefined: the click is ignored. */
  menuQuestion?: (eventKey: string) => string | undefined;
  /** Whether a human agent has this user now (for messages the engine doesn't read: images, voice). */
  handoffActive?: (userKey: string, at: Date) => Promise<boolean>;
  /**
   * WeChat's 48 h / 5 messages per user message for the customer-service API, shared with the
   * reminders (Redis with REDIS_URL); in memory when not given.
   */
  serviceWindow?: ServiceWindow;
  /** With the API: a reply not ready after this many ms shows "typing…" first (0: never). */
  typingAfterMs?: number;
}

/** What one message gets: a text (empty: nothing to say) and its choices, or a transfer to WeChat's customer-service system. */
interface WechatTurn {
  text: string;
  transfer: boolean;
  /** Choices to send as a tappable msgmenu through the customer-service API. */
  menu?: ReplyMenu;
}

/** One message through the customer-service API. */
type Outgoing = { kind: 'text'; text: string } | { kind: 'menu'; menu: ReplyMenu };

// errcodes after which a plain-text copy of a refused menu would be refused too (window closed, quota).
const WINDOW_ERRORS = new Set([WECHAT_OUTSIDE_WINDOW, WECHAT_QUOTA_USED]);

/**
 * The WeChat Official Account message server at /wechat: URL verification, plaintext, compatible
 * and secure (AES) modes, passive text replies, retries answered once, slow replies sent later.
 */
export function wechatOfficialAccountRouter(o: WechatOfficialAccountOptions): Router {
  const router = express.Router();
  const crypt = o.encodingAesKey && o.appId ? new WxBizMsgCrypt({ token: o.token, encodingAesKey: o.encodingAesKey, receiveId: o.appId }) : undefined;
  // Within one instance, the API sends of a message are started once even if retries share its claim.
  const claimedHere = new Set<string>();
  const typedHere = new Set<string>();
  const forget = (key: string) =>
    setTimeout(() => {
      claimedHere.delete(key);
      typedHere.delete(key);
    }, DEDUP_TTL_S * 1000).unref();
  const window = o.serviceWindow ?? new MemoryServiceWindow();

  const signed = (req: Request): boolean => {
    const { signature, timestamp, nonce } = req.query as Record<string, string | undefined>;
    return timestamp !== undefined && nonce !== undefined && safeEqual(signature, wechatSignature(o.token, timestamp, nonce));
  };

  router.get('/', (req, res) => {
    if (!signed(req)) return sendError(res, 401, 'bad_signature', 'Signature check failed.');
    const echo = req.query.echostr;
    res.type('text/plain').send(typeof echo === 'string' ? echo : '');
  });

  router.post('/', express.text({ type: () => true, limit: o.bodyLimit }), async (req: Request, res: Response) => {
    const { timestamp, nonce, encrypt_type: encryptType, msg_signature: msgSignature } = req.query as Record<string, string | undefined>;
    if (!signed(req)) return sendError(res, 401, 'bad_signature', 'Signature check failed.');
    if (!freshTimestamp(timestamp, o.maxSkewS)) return sendError(res, 403, 'stale_request', 'Timestamp outside the allowed window.');
    // With the AES key configured, only encrypted messages count: the plaintext signature covers
    // no body, so a downgraded request would let one captured URL forge any user's messages.
    if (crypt && encryptType !== 'aes')
      return sendError(res, 401, 'encryption_required', 'Secure mode is configured: send encrypt_type=aes with msg_signature over Encrypt.');
    const secure = encryptType === 'aes';
    const body = typeof req.body === 'string' ? req.body : '';
    let fields: Record<string, string>;
    try {
      fields = parseWechatXml(body);
      if (secure) {
        if (!crypt) return sendError(res, 400, 'not_configured', 'Secure mode needs WECHAT_ENCODING_AES_KEY and WECHAT_APPID.');
        if (!crypt.verifySignature(msgSignature, timestamp, nonce, fields.Encrypt ?? ''))
          return sendError(res, 401, 'bad_signature', 'msg_signature check failed.');
        // Compatible mode sends the plaintext fields too: only the decrypted ones are used.
        fields = parseWechatXml(crypt.decrypt(fields.Encrypt));
      }
    } catch (err) {
      if (err instanceof XmlError || err instanceof WxCryptoError) return sendError(res, 400, 'bad_message', err.message);
      throw err;
    }
    if (!fields.FromUserName || !fields.ToUserName) return sendError(res, 400, 'bad_message', 'FromUserName and ToUserName are required.');
    // Plaintext mode: the signature covers (token, timestamp, nonce) only, so a pair is bound to the
    // first message it came with; another body under the same pair within the window is a forgery.
    // Only accepted messages get here, so a refused one never takes a pair. A genuine retry (same
    // body) passes and is answered through dedup.
    if (!secure && !(await pairBoundTo(`wechat:pair:${timestamp}:${nonce}`, sha256Hex(body))))
      return sendError(res, 403, 'replayed_request', 'This timestamp and nonce were already used with another message.');

    const key = dedupKey('wechat', fields);
    const openId = fields.FromUserName;
    const userKey = `wechat:${openId}`;
    const now = createTimeOf(fields);
    // Every user message opens WeChat's 48 h window with its 5 customer-service messages (a retry
    // of the same message does not refill it).
    if (o.api) await window.recordInbound(userKey, now).catch((err) => log.warn('service window not recorded', { error: (err as Error).message }));
    const turn = o.idempotency.once(key, DEDUP_TTL_S, () => replyFor(fields));
    const typing = startTyping(key, openId, fields, turn);
    const timedOut = Symbol('timeout');
    let timer: NodeJS.Timeout | undefined;
    const first = await Promise.race([turn, new Promise<typeof timedOut>((r) => (timer = setTimeout(() => r(timedOut), o.replyTimeoutMs)))]);
    clearTimeout(timer);
    if (first !== timedOut) clearTimeout(typing);

    // Who delivers the reply, decided once per message through the idempotency store, so a retry
    // on this or another instance never delivers it a second time: the first request to finish in
    // time answers passively (and sends any rest through the API); the first to time out hands it
    // to the customer-service API.
    const delivery = await o.idempotency.once(`${key}:delivery`, DEDUP_TTL_S, async () => (first === timedOut ? 'api' : 'passive'));
    // The API sends of this message start once per instance (retries share the delivery decision).
    const claim = () => {
      if (claimedHere.has(key)) return false;
      claimedHere.add(key);
      forget(key);
      return true;
    };
    const send = (messages: Outgoing[]) => {
      if (messages.length) sendViaApi(openId, messages).catch((err) => log.error('follow-up failed', { key, error: (err as Error).message }));
    };
    if (first === timedOut) {
      if (delivery === 'api' && claim()) {
        turn
          .then(async (r) => (r && r.text ? send((await plan(userKey, r, false)).api) : undefined))
          .catch((err) => log.error('late reply failed', { key, error: (err as Error).message }))
          .finally(() => clearTimeout(typing));
      }
      return res.type('text/plain').send('success');
    }
    if (delivery === 'passive' && first?.transfer) {
      // A human agent has the user: WeChat's customer-service system (多客服) takes the message. The
      // handoff's first reply ("a person will take over") follows through the API when it is there.
      const xml = transferReplyXml(openId, fields.ToUserName, Date.now() / 1000, o.kfAccount);
      if (o.api && first.text && claim()) send((await plan(userKey, first, false)).api);
      return res.type('application/xml').send(secure && crypt ? crypt.encryptReply(xml, timestamp!, nonce!) : xml);
    }
    if (delivery !== 'passive' || !first || !first.text) return res.type('text/plain').send('success');
    const planned = await plan(userKey, first, true);
    if (planned.api.length && claim()) send(planned.api);
    if (planned.passive === null) return res.type('text/plain').send('success');
    const xml = textReplyXml(openId, fields.ToUserName, Date.now() / 1000, planned.passive);
    res.type('application/xml').send(secure && crypt ? crypt.encryptReply(xml, timestamp!, nonce!) : xml);
  });

  /**
   * How a reply goes out: the passive reply (when in time) and what follows through the
   * customer-service API, within the messages the user's message allows. Choices go as a menu when
   * one message of the quota is left for it; otherwise the text keeps its own list. What does not
   * fit the messages left is shortened into the last one, saying so.
   */
  async function plan(userKey: string, turn: WechatTurn, passive: boolean): Promise<{ passive: string | null; api: Outgoing[] }> {
    const free = passive ? 1 : 0;
    if (!o.api) return { passive: passive ? fitOneMessage(turn.text, o.phrase('channel_truncated'), MAX_REPLY_BYTES) : null, api: [] };
    const at = new Date();
    if (turn.menu && turn.menu.rest) {
      const parts = splitUtf8(turn.menu.rest, MAX_REPLY_BYTES);
      const wanted = parts.length + 1 - free;
      if (wanted <= (await window.remaining(userKey, at).catch(() => 0))) {
        const granted = await window.take(userKey, at, wanted).catch(() => 0);
        if (granted === wanted) return split(parts, free, [{ kind: 'menu', menu: turn.menu }]);
      }
    }
    let parts = splitUtf8(turn.text, MAX_REPLY_BYTES);
    const granted = parts.length - free > 0 ? await window.take(userKey, at, parts.length - free).catch(() => 0) : 0;
    const total = granted + free;
    if (total < parts.length) {
      log.warn('reply shortened: the service window allows no more messages', { user: userKey, parts: parts.length, sent: total });
      if (total === 0) return { passive: null, api: [] };
      const rest = parts.slice(total - 1).join('\n');
      parts = [...parts.slice(0, total - 1), fitOneMessage(rest, o.phrase('channel_truncated'), MAX_REPLY_BYTES)];
    }
    return split(parts, free, []);
  }

  function split(parts: string[], free: number, extra: Outgoing[]): { passive: string | null; api: Outgoing[] } {
    const texts = parts.slice(free).map((text): Outgoing => ({ kind: 'text', text }));
    return { passive: free ? (parts[0] ?? null) : null, api: [...texts, ...extra] };
  }

  /** "typing…" when a text message's reply is slow, once per message; the timer is cleared when it is ready. */
  function startTyping(key: string, openId: string, fields: Record<string, string>, turn: Promise<unknown>): NodeJS.Timeout | undefined {
    const api = o.api;
    if (!api || !o.typingAfterMs || inboundOf(fields).kind !== 'text') return undefined;
    const timer = setTimeout(() => {
      if (typedHere.has(key)) return;
      typedHere.add(key);
      forget(key);
      api.typing(openId).catch((err) => log.debug('typing not shown', { error: (err as Error).message }));
    }, o.typingAfterMs);
    timer.unref();
    void turn.finally(() => clearTimeout(timer)).catch(() => undefined);
    return timer;
  }

  /** Whether `pairKey` is (now) bound to the body with this hash; the first body seen wins. */
  async function pairBoundTo(pairKey: string, bodyHash: string): Promise<boolean> {
    const ttl = o.maxSkewS > 0 ? 2 * o.maxSkewS : PAIR_TTL_S; // a timestamp stays fresh for ±maxSkewS
    return (await o.idempotency.once(pairKey, ttl, async () => bodyHash)) === bodyHash;
  }

  /** The reply to one message (null: nothing to say), or a transfer to WeChat's customer-service system. */
  async function replyFor(fields: Record<string, string>): Promise<WechatTurn | null> {
    const inbound = inboundOf(fields);
    // An image or a voice note while a person has the user goes to that person too; events never do.
    if (
      inbound.kind === 'unsupported' &&
      o.handoffActive &&
      (await o.handoffActive(`wechat:${fields.FromUserName}`, createTimeOf(fields)).catch(() => false))
    ) {
      return { text: '', transfer: true };
    }
    // A custom-menu button asks its question, unless a person has the user (events never go to them).
    const asked = fields.MsgType === 'event' && fields.Event === 'CLICK' ? o.menuQuestion?.(fields.EventKey ?? '') : undefined;
    if (asked) {
      if (o.handoffActive && (await o.handoffActive(`wechat:${fields.FromUserName}`, createTimeOf(fields)).catch(() => false))) return null;
      fields = { ...fields, MsgType: 'text', Content: asked };
    }
    const { text, handoff, menu } = await turnFor('wechat', fields, o.handle, o.phrase);
    if (text === null) return null;
    return { text, transfer: handoff, menu: o.api && !handoff ? menu : undefined };
  }

  async function sendViaApi(openId: string, messages: Outgoing[]): Promise<void> {
    const api = o.api;
    if (!api) {
      log.warn('reply missed the passive window and WECHAT_APP_SECRET is not set: not delivered', { user: `wechat:${openId}` });
      return;
    }
    for (const m of messages) {
      if (m.kind === 'text') {
        await api.sendText(openId, m.text);
        continue;
      }
      try {
        await api.sendMenu(openId, m.menu);
      } catch (err) {
        // Unverified accounts can't send menus (40200), and a proxy may not know them: the same
        // choices as numbered text instead, unless the window itself is closed.
        if (err instanceof WechatApiError && WINDOW_ERRORS.has(err.errcode)) throw err;
        log.info('menu refused, sent as text', { error: (err as Error).message });
        await api.sendText(openId, m.menu.plain);
      }
    }
  }

  return router;
}

/** The WeChat Official Account channel: runs when WECHAT_TOKEN is set. */
export const wechatOfficialAccountChannel: ChannelModule = {
  name: 'wechat',
  path: '/wechat',
  isConfigured: (config) => Boolean(config.WECHAT_TOKEN),
  mount: ({ config, handle, idempotency, phrase, engine, wechatApi, serviceWindow }) =>
    wechatOfficialAccountRouter({
      token: config.WECHAT_TOKEN!,
      appId: config.WECHAT_APPID,
      encodingAesKey: config.WECHAT_ENCODING_AES_KEY,
      handle,
      idempotency,
      phrase,
      api:
        wechatApi ??
        (config.WECHAT_APPID && config.WECHAT_APP_SECRET
          ? new WechatApiClient({ appId: config.WECHAT_APPID, appSecret: config.WECHAT_APP_SECRET, baseUrl: config.WECHAT_API_BASE })
          : undefined),
      replyTimeoutMs: config.WECHAT_REPLY_TIMEOUT_MS,
      maxSkewS: config.WEBHOOK_MAX_SKEW_S,
      bodyLimit: config.BODY_LIMIT,
      kfAccount: config.WECHAT_KF_ACCOUNT,
      handoffActive: (userKey, at) => engine().handoffActive(userKey, at),
      menuQuestion: (key) => engine().menuQuestion(key),
      serviceWindow,
      typingAfterMs: config.WECHAT_TYPING_AFTER_MS,
    }),
};

import express, { type Request, type Response, type Router } from 'express';
import { moduleLogger } from '../../logger';
import type { CursorStore } from '../../state/cursor-store';
import type { IdempotencyStore } from '../../state/idempotency-store';
import type { ChannelModule, HandleMessage } from '../channel';
import { limitText } from '../message-text';
import { messageTimeOrNow } from '../message-time';
import { WecomApiClient } from '../wecom/wecom-api-client';
import { WxBizMsgCrypt } from '../wechat/wx-biz-msg-crypt';
import { decryptWecomCallback, wecomUrlVerification } from '../wecom/wecom-callback';
import { splitUtf8 } from '../wechat/xml';

const log = moduleLogger('wecom-kf');

/** kf/send_msg text limit, and the messages one user message allows in 48 h. */
const MAX_TEXT_BYTES = 2048;
const MAX_MESSAGES_PER_USER_MESSAGE = 5;
const DEDUP_TTL_S = 3 * 86_400;
/** sync_msg origin: 3 = the customer (4 system events, 5 servicers). */
const FROM_CUSTOMER = 3;
/** service_state: 2 waiting for an agent, 3 with an agent. */
const QUEUED = 2;
const WITH_SERVICER = 3;
/** session_status_change: 3 = a servicer ended the session. */
const SESSION_ENDED = 3;

export interface WecomKfOptions {
  token: string;
  corpId: string;
  encodingAesKey: string;
  api: WecomApiClient;
  handle: HandleMessage;
  idempotency: IdempotencyStore;
  cursors: CursorStore;
  phrase: (key: string) => string;
  /** A servicer ended the session: the bot answers that user again. */
  releaseHandoff?: (userKey: string) => Promise<unknown>;
  /** WECOM_KF_SERVICER_USERID: handed-over users go to them; unset: the queue. */
  servicerUserId?: string;
  maxSkewS: number;
  bodyLimit: string;
  /** Tests wait on the work a callback starts (WeCom gets its answer at once). */
  onProcessed?: (work: Promise<void>) => void;
}

interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time?: number;
  origin?: number;
  msgtype: string;
  text?: { content?: string };
  event?: { event_type?: string; welcome_code?: string; external_userid?: string; open_kfid?: string; change_type?: number };
}

interface SyncResponse {
  next_cursor?: string;
  has_more?: number;
  msg_list?: KfMessage[];
}

/** The conversation key of a 微信客服 customer. */
export const kfUserKey = (externalUserId: string) => `wecomkf:${externalUserId}`;

/**
 * WeCom 微信客服 at /wecom-kf. The callback only says "there is something" (kf_msg_or_event, with
 * a short-lived token); the messages are read with kf/sync_msg from the cursor kept in the store,
 * answered with kf/send_msg, and each is handled once across instances (its msgid claimed).
 */
export function wecomKfRouter(o: WecomKfOptions): Router {
  const router = express.Router();
  const crypt = new WxBizMsgCrypt({ token: o.token, encodingAesKey: o.encodingAesKey, receiveId: o.corpId });

  router.get('/', wecomUrlVerification(crypt));

  router.post('/', express.text({ type: () => true, limit: o.bodyLimit }), (req: Request, res: Response) => {
    const fields = decryptWecomCallback(req, res, crypt, o.maxSkewS);
    if (!fields) return;
    // Answer at once: WeCom retries a callback that takes more than 5 s, and the reading is ours to do.
    res.type('text/plain').send('success');
    if (fields.MsgType !== 'event' || fields.Event !== 'kf_msg_or_event' || !fields.OpenKfId) return;
    const work = sync(fields.OpenKfId, fields.Token).catch((err: Error) => {
      log.error('sync failed', { method: 'sync', error: err.message });
    });
    o.onProcessed?.(work);
  });

  /** Reads everything new for this kf account from the stored cursor, handling each message once. */
  async function sync(openKfId: string, callbackToken: string | undefined): Promise<void> {
    const cursorKey = `wecomkf:cursor:${openKfId}`;
    for (let page = 0; page < 50; page++) {
      const cursor = await o.cursors.get(cursorKey);
      const body = await o.api.call<SyncResponse>('/cgi-bin/kf/sync_msg', {
        ...(cursor ? { cursor } : {}),
        ...(callbackToken ? { token: callbackToken } : {}),
        limit: 1000,
        open_kfid: openKfId,
      });
      for (const m of body.msg_list ?? []) {
        await o.idempotency
          .once(`wecomkf:msg:${m.open_kfid}:${m.msgid}`, DEDUP_TTL_S, async () => {
            await handleOne(m);
            return true;
          })
          .catch((err) => log.error('message failed', { method: 'sync', msgid: m.msgid, error: (err as Error).message }));
      }
      if (body.next_cursor) await o.cursors.set(cursorKey, body.next_cursor);
      if (!body.has_more) return;
    }
  }

  async function handleOne(m: KfMessage): Promise<void> {
    if (m.msgtype === 'event') return handleEvent(m);
    if (m.origin !== FROM_CUSTOMER || !m.external_userid) return;
    const userKey = kfUserKey(m.external_userid);
    let text: string;
    let handoffStarted = false;
    if (m.msgtype === 'text' && m.text?.content?.trim()) {
      const { reply, state } = await o.handle({
        userId: userKey,
        text: limitText(m.text.content),
        timestamp: messageTimeOrNow(m.send_time),
        channel: 'wecom_kf',
        messageId: m.msgid,
      });
      text = reply.text;
      // The turn that starts a handoff has a text; later turns of one are silent.
      handoffStarted = state.handoff?.active === true && reply.text !== '';
    } else text = o.phrase('channel_type_text');
    if (text) await send(m.open_kfid, m.external_userid, text);
    if (handoffStarted) {
      await o.api.call('/cgi-bin/kf/service_state/trans', {
        open_kfid: m.open_kfid,
        external_userid: m.external_userid,
        service_state: o.servicerUserId ? WITH_SERVICER : QUEUED,
        ...(o.servicerUserId ? { servicer_userid: o.servicerUserId } : {}),
      });
      log.info('handed over', { method: 'handleOne', userId: userKey, serviceState: o.servicerUserId ? WITH_SERVICER : QUEUED });
    }
  }

  async function handleEvent(m: KfMessage): Promise<void> {
    const e = m.event ?? {};
    if (e.event_type === 'enter_session' && e.welcome_code) {
      // The welcome can only be sent with the event's code, within 20 s.
      await o.api.call('/cgi-bin/kf/send_msg_on_event', { code: e.welcome_code, msgtype: 'text', text: { content: fit(o.phrase('channel_welcome'))[0] } });
    } else if (e.event_type === 'session_status_change' && e.change_type === SESSION_ENDED && e.external_userid) {
      await o.releaseHandoff?.(kfUserKey(e.external_userid));
    }
  }

  /** At most the 5 messages one user message allows, each within 2,048 bytes. */
  function fit(text: string): string[] {
    const parts = splitUtf8(text, MAX_TEXT_BYTES);
    if (parts.length <= MAX_MESSAGES_PER_USER_MESSAGE) return parts;
    const kept = parts.slice(0, MAX_MESSAGES_PER_USER_MESSAGE);
    const note = o.phrase('channel_truncated');
    kept[kept.length - 1] = `${splitUtf8(kept[kept.length - 1], MAX_TEXT_BYTES - Buffer.byteLength(`\n${note}`))[0]}\n${note}`;
    return kept;
  }

  async function send(openKfId: string, externalUserId: string, text: string): Promise<void> {
    for (const content of fit(text)) {
      await o.api.call('/cgi-bin/kf/send_msg', { touser: externalUserId, open_kfid: openKfId, msgtype: 'text', text: { content } });
    }
  }

  return router;
}

/** The WeCom 微信客服 channel: runs when the four WECOM_KF_* keys are set. */
export const wecomKfChannel: ChannelModule = {
  name: 'wecom_kf',
  path: '/wecom-kf',
  isConfigured: (c) => Boolean(c.WECOM_KF_CORP_ID && c.WECOM_KF_SECRET && c.WECOM_KF_TOKEN && c.WECOM_KF_ENCODING_AES_KEY),
  mount: ({ config, handle, idempotency, cursors, phrase, engine, onWecomKfProcessed }) =>
    wecomKfRouter({
      token: config.WECOM_KF_TOKEN!,
      corpId: config.WECOM_KF_CORP_ID!,
      encodingAesKey: config.WECOM_KF_ENCODING_AES_KEY!,
      api: new WecomApiClient({ corpId: config.WECOM_KF_CORP_ID!, secret: config.WECOM_KF_SECRET!, baseUrl: config.WECOM_API_BASE }),
      handle,
      idempotency,
      cursors,
      phrase,
      releaseHandoff: (userKey) => engine().releaseHandoff(userKey),
      servicerUserId: config.WECOM_KF_SERVICER_USERID,
      maxSkewS: config.WEBHOOK_MAX_SKEW_S,
      bodyLimit: config.BODY_LIMIT,
      onProcessed: onWecomKfProcessed,
    }),
};

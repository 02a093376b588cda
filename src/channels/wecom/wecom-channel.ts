import express, { type Request, type Response, type Router } from 'express';
import { sendError } from '../../http-errors';
import type { IdempotencyStore } from '../../state/idempotency-store';
import type { ChannelModule, HandleMessage } from '../channel';
import { dedupKey, replyTextFor } from '../wechat/inbound';
import { WxBizMsgCrypt } from '../wechat/wx-biz-msg-crypt';
import { decryptWecomCallback, wecomUrlVerification } from './wecom-callback';
import { fitOneMessage, textReplyXml } from '../wechat/xml';

const MAX_REPLY_BYTES = 2048;
const DEDUP_TTL_S = 600;

export interface WecomOptions {
  token: string;
  corpId: string;
  encodingAesKey: string;
  handle: HandleMessage;
  idempotency: IdempotencyStore;
  phrase: (key: string) => string;
  maxSkewS: number;
  bodyLimit: string;
}

/** WeCom (企业微信) app callback at /wecom: always encrypted, receive id = corpid. */
export function wecomRouter(o: WecomOptions): Router {
  const router = express.Router();
  const crypt = new WxBizMsgCrypt({ token: o.token, encodingAesKey: o.encodingAesKey, receiveId: o.corpId });

  router.get('/', wecomUrlVerification(crypt));

  router.post('/', express.text({ type: () => true, limit: o.bodyLimit }), async (req: Request, res: Response) => {
    const { timestamp, nonce } = req.query as Record<string, string>;
    const fields = decryptWecomCallback(req, res, crypt, o.maxSkewS);
    if (!fields) return;
    if (!fields.FromUserName) return sendError(res, 400, 'bad_message', 'FromUserName is required.');

    const text = await o.idempotency.once(dedupKey('wecom', fields), DEDUP_TTL_S, async () => {
      const answer = await replyTextFor('wecom', fields, o.handle, o.phrase);
      // Empty: a person has the user (handoff), the bot says nothing.
      return answer === null || answer === '' ? null : fitOneMessage(answer, o.phrase('channel_truncated'), MAX_REPLY_BYTES);
    });
    if (text === null) return res.type('text/plain').send('');
    const xml = textReplyXml(fields.FromUserName, o.corpId, Date.now() / 1000, text);
    res.type('application/xml').send(crypt.encryptReply(xml, timestamp, nonce));
  });

  return router;
}

/** The WeCom app channel: runs when WECOM_TOKEN, WECOM_CORP_ID and WECOM_ENCODING_AES_KEY are set. */
export const wecomChannel: ChannelModule = {
  name: 'wecom',
  path: '/wecom',
  isConfigured: (config) => Boolean(config.WECOM_TOKEN && config.WECOM_CORP_ID && config.WECOM_ENCODING_AES_KEY),
  mount: ({ config, handle, idempotency, phrase }) =>
    wecomRouter({
      token: config.WECOM_TOKEN!,
      corpId: config.WECOM_CORP_ID!,
      encodingAesKey: config.WECOM_ENCODING_AES_KEY!,
      handle,
      idempotency,
      phrase,
      maxSkewS: config.WEBHOOK_MAX_SKEW_S,
      bodyLimit: config.BODY_LIMIT,
    }),
};

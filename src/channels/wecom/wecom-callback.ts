import type { Request, Response } from 'express';
import { sendError } from '../../http-errors';
import { freshTimestamp } from '../signatures';
import { type WxBizMsgCrypt, WxCryptoError } from '../wechat/wx-biz-msg-crypt';
import { parseWechatXml, XmlError } from '../wechat/xml';

/**
 * WeCom's callback URL check (app and 微信客服 alike): echostr is encrypted; answer its plaintext
 * and nothing else, or 401 when the signature or a parameter is wrong.
 */
export function wecomUrlVerification(crypt: WxBizMsgCrypt) {
  return (req: Request, res: Response): void => {
    const { msg_signature: sig, timestamp, nonce, echostr } = req.query as Record<string, string | undefined>;
    try {
      if (!timestamp || !nonce || !echostr) throw new WxCryptoError('bad_signature', 'missing parameters');
      res.type('text/plain').send(crypt.verifyUrl(sig ?? '', timestamp, nonce, echostr));
    } catch (err) {
      if (err instanceof WxCryptoError) return void sendError(res, 401, 'bad_signature', 'URL verification failed.');
      throw err;
    }
  };
}

/**
 * A WeCom callback POST (app and 微信客服 alike): the signature over Encrypt, the timestamp
 * window, then the decrypted fields. Undefined when it answered an error (4xx with JSON) itself.
 */
export function decryptWecomCallback(req: Request, res: Response, crypt: WxBizMsgCrypt, maxSkewS: number): Record<string, string> | undefined {
  const { msg_signature: sig, timestamp, nonce } = req.query as Record<string, string | undefined>;
  try {
    const envelope = parseWechatXml(typeof req.body === 'string' ? req.body : '');
    if (!crypt.verifySignature(sig, timestamp, nonce, envelope.Encrypt ?? '')) return void sendError(res, 401, 'bad_signature', 'msg_signature check failed.');
    if (!freshTimestamp(timestamp, maxSkewS)) return void sendError(res, 403, 'stale_request', 'Timestamp outside the allowed window.');
    return parseWechatXml(crypt.decrypt(envelope.Encrypt));
  } catch (err) {
    if (err instanceof WxCryptoError && err.code === 'receive_id_mismatch') return void sendError(res, 401, 'wrong_corp', 'Message is not for this corp.');
    if (err instanceof XmlError || err instanceof WxCryptoError) return void sendError(res, 400, 'bad_message', err.message);
    throw err;
  }
}

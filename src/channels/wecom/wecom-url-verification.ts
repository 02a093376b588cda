import type { Request, Response } from 'express';
import { sendError } from '../../http-errors';
import { type WxBizMsgCrypt, WxCryptoError } from '../wechat/wx-biz-msg-crypt';

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

import crypto from 'node:crypto';
import { safeEqual, wechatSignature } from '../signatures';

// WXBizMsgCrypt: the signature and AES scheme shared by the WeChat Official Account "secure mode"
// and WeCom (企业微信) callbacks, written with node:crypto only. See shared/spec/wechat-vectors.md.

export type WxCryptoErrorCode = 'bad_key' | 'bad_base64' | 'bad_length' | 'bad_padding' | 'receive_id_mismatch' | 'bad_signature' | 'bad_random';

export class WxCryptoError extends Error {
  constructor(
    readonly code: WxCryptoErrorCode,
    message: string = code,
  ) {
    super(message);
    this.name = 'WxCryptoError';
  }
}

export interface WxBizMsgCryptOptions {
  token: string;
  encodingAesKey: string;
  /** The appid (WeChat OA) or corpid (WeCom) that the platform appends to every plaintext. */
  receiveId: string;
}

// Tencent pads to 32 bytes (the key size), not to the AES block size of 16, so Node's own
// PKCS#7 (16-byte) padding must stay off and the padding is added and checked by hand.
const PAD_BLOCK = 32;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class WxBizMsgCrypt {
  private readonly token: string;
  private readonly receiveId: string;
  private readonly key: Buffer;
  private readonly iv: Buffer;

  constructor({ token, encodingAesKey, receiveId }: WxBizMsgCryptOptions) {
    // The platform shows a 43-character base64 string; with "=" appended it is exactly 32 bytes.
    const key =
      typeof encodingAesKey === 'string' && encodingAesKey.length === 43 && BASE64.test(`${encodingAesKey}=`)
        ? Buffer.from(`${encodingAesKey}=`, 'base64')
        : undefined;
    if (!key || key.length !== 32) throw new WxCryptoError('bad_key', 'EncodingAESKey must be 43 base64 characters (32 bytes)');
    this.token = token;
    this.receiveId = receiveId;
    this.key = key;
    this.iv = key.subarray(0, 16); // the protocol reuses the first key bytes as a fixed IV
  }

  /** sha1 hex of the sorted, concatenated parts: plain-mode `signature` or, with encrypt, `msg_signature`. */
  signature(timestamp: string, nonce: string, encrypt?: string): string {
    return wechatSignature(this.token, timestamp, nonce, encrypt);
  }

  /** Constant-time check of a signature taken from the query string. */
  verifySignature(expected: string | undefined, timestamp: string | undefined, nonce: string | undefined, encrypt?: string): boolean {
    if (timestamp === undefined || nonce === undefined) return false;
    return safeEqual(expected, this.signature(timestamp, nonce, encrypt));
  }

  decrypt(encrypt: string): string {
    if (typeof encrypt !== 'string' || !encrypt || !BASE64.test(encrypt)) throw new WxCryptoError('bad_base64', 'Encrypt is not base64');
    const data = Buffer.from(encrypt, 'base64');
    if (data.length % 16 !== 0) throw new WxCryptoError('bad_length', 'ciphertext is not a whole number of AES blocks');
    let plain: Buffer;
    try {
      const decipher = crypto.createDecipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(data), decipher.final()]);
    } catch (err) {
      throw new WxCryptoError('bad_length', `AES decryption failed: ${(err as Error).message}`);
    }
    const pad = plain.length ? plain[plain.length - 1] : 0;
    if (pad < 1 || pad > PAD_BLOCK || pad > plain.length || plain.subarray(plain.length - pad).some((b) => b !== pad)) {
      throw new WxCryptoError('bad_padding', 'bad PKCS#7 padding');
    }
    const content = plain.subarray(0, plain.length - pad);
    // 16 random bytes, 4-byte big-endian message length, message, receive id.
    if (content.length < 20) throw new WxCryptoError('bad_length', 'plaintext too short');
    const len = content.readUInt32BE(16);
    if (len > content.length - 20) throw new WxCryptoError('bad_length', 'message length exceeds the plaintext');
    const id = content.subarray(20 + len).toString('utf8');
    if (id !== this.receiveId) throw new WxCryptoError('receive_id_mismatch', 'receive id does not match appid/corpid');
    return content.subarray(20, 20 + len).toString('utf8');
  }

  encrypt(message: string, random16: Buffer = crypto.randomBytes(16)): string {
    if (random16.length !== 16) throw new WxCryptoError('bad_random', 'the random prefix must be 16 bytes');
    const msg = Buffer.from(message, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(msg.length);
    const body = Buffer.concat([random16, len, msg, Buffer.from(this.receiveId, 'utf8')]);
    const pad = PAD_BLOCK - (body.length % PAD_BLOCK); // 1..32: a full block when already aligned
    const cipher = crypto.createCipheriv('aes-256-cbc', this.key, this.iv).setAutoPadding(false);
    return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
  }

  /** The passive reply body for secure mode / WeCom: encrypted XML plus its msg_signature. */
  encryptReply(replyXml: string, timestamp: string, nonce: string): string {
    const encrypt = this.encrypt(replyXml);
    return (
      `<xml><Encrypt>${cdata(encrypt)}</Encrypt><MsgSignature>${cdata(this.signature(timestamp, nonce, encrypt))}</MsgSignature>` +
      `<TimeStamp>${escapeXml(timestamp)}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
    );
  }

  /** WeCom GET URL check: the answer is the decrypted echostr, and nothing else. */
  verifyUrl(msgSignature: string | undefined, timestamp: string | undefined, nonce: string | undefined, echostr: string | undefined): string {
    if (echostr === undefined || !this.verifySignature(msgSignature, timestamp, nonce, echostr)) {
      throw new WxCryptoError('bad_signature', 'msg_signature does not match');
    }
    return this.decrypt(echostr);
  }
}

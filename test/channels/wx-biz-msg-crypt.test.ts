import crypto from 'node:crypto';
import { WxBizMsgCrypt, WxCryptoError } from '../../src/channels/wechat/wx-biz-msg-crypt';

// Official vectors from Tencent's WXBizMsgCrypt samples (shared/spec/wechat-vectors.md).
const OA = { token: 'spamtest', encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG', receiveId: 'wx2c2769f8efd9abc2' };
const OA_POST = {
  timestamp: '1409735669',
  nonce: '1320562132',
  msgSignature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa',
  encrypt:
    'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=',
};
const JAVA = {
  receiveId: 'wxb11529c136998cb6',
  random: Buffer.from('aaaabbbbccccdddd'),
  message: '我是中文abcd123',
  encrypt: 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
};
const WECOM = { token: 'QDG6eK', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', receiveId: 'wx5823bf96d3bd56c7' };
const WECOM_GET = {
  msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
};
const WECOM_POST = {
  msgSignature: '477715d11cdb4164915debcba66cb864d751f3e6',
  timestamp: '1409659813',
  nonce: '1372623149',
  encrypt:
    'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==',
};

/** The text of <Tag>…</Tag>, CDATA or not. */
const field = (xml: string, tag: string) =>
  xml
    .match(new RegExp(`<${tag}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))</${tag}>`))
    ?.slice(1)
    .find((v) => v !== undefined);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WxCryptoError);
    return (err as WxCryptoError).code;
  }
  throw new Error('expected a WxCryptoError');
}

/** Encrypts raw plaintext bytes with the OA key and no padding, to build malformed messages. */
function rawEncrypt(plain: Buffer, encodingAesKey = OA.encodingAesKey): string {
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const cipher = crypto.createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}
function layout(message: Buffer, id: string, length = message.length): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(length);
  return Buffer.concat([crypto.randomBytes(16), len, message, Buffer.from(id)]);
}

describe('official vectors', () => {
  it('WeChat OA secure-mode POST: msg_signature matches and Encrypt decrypts to the text message', () => {
    const c = new WxBizMsgCrypt(OA);
    expect(c.signature(OA_POST.timestamp, OA_POST.nonce, OA_POST.encrypt)).toBe(OA_POST.msgSignature);
    expect(c.verifySignature(OA_POST.msgSignature, OA_POST.timestamp, OA_POST.nonce, OA_POST.encrypt)).toBe(true);
    const xml = c.decrypt(OA_POST.encrypt);
    expect(field(xml, 'ToUserName')).toBe('gh_10f6c3c3ac5a');
    expect(field(xml, 'FromUserName')).toBe('oyORnuP8q7ou2gfYjqLzSIWZf0rs');
    expect(field(xml, 'MsgType')).toBe('text');
    expect(field(xml, 'Content')).toBe('abcdteT');
    expect(field(xml, 'MsgId')).toBe('6054768590064713728');
  });

  it('Java sample: fixed random bytes give exactly the published ciphertext, and it decrypts back', () => {
    const c = new WxBizMsgCrypt({ ...OA, receiveId: JAVA.receiveId });
    expect(c.encrypt(JAVA.message, JAVA.random)).toBe(JAVA.encrypt);
    expect(c.decrypt(JAVA.encrypt)).toBe(JAVA.message);
  });

  it('WeCom GET URL check answers the plaintext echostr', () => {
    const c = new WxBizMsgCrypt(WECOM);
    expect(c.verifyUrl(WECOM_GET.msgSignature, WECOM_GET.timestamp, WECOM_GET.nonce, WECOM_GET.echostr)).toBe('1616140317555161061');
  });

  it('WeCom POST: msg_signature matches and decrypts to the text from mycreate', () => {
    const c = new WxBizMsgCrypt(WECOM);
    expect(c.verifySignature(WECOM_POST.msgSignature, WECOM_POST.timestamp, WECOM_POST.nonce, WECOM_POST.encrypt)).toBe(true);
    const xml = c.decrypt(WECOM_POST.encrypt);
    expect(field(xml, 'FromUserName')).toBe('mycreate');
    expect(field(xml, 'MsgType')).toBe('text');
    expect(field(xml, 'Content')).toBe('hello');
    expect(field(xml, 'AgentID')).toBe('218');
  });

  it('plain-mode signature covers token, timestamp and nonce only', () => {
    const c = new WxBizMsgCrypt(OA);
    const expected = crypto.createHash('sha1').update(['spamtest', '1409735669', '1320562132'].sort().join('')).digest('hex');
    expect(c.signature('1409735669', '1320562132')).toBe(expected);
    expect(c.verifySignature(expected, '1409735669', '1320562132')).toBe(true);
  });
});

describe('round trips', () => {
  const c = new WxBizMsgCrypt(OA);

  it.each([
    ['empty', ''],
    ['Chinese', '您好，请问备案短信核验怎么做？🙂'],
    ['XML', '<xml><Content><![CDATA[a]]></Content></xml>'],
    ['2048 bytes', 'x'.repeat(2048)],
    ['random base64', crypto.randomBytes(300).toString('base64')],
  ])('%s', (_name, message) => {
    expect(c.decrypt(c.encrypt(message))).toBe(message);
  });

  it('pads to a multiple of 32 bytes, a whole extra block when already aligned', () => {
    // plaintext = 16 + 4 + message + 18-byte appid, so message lengths 22..90 cross 64 and 96.
    for (let n = 22; n <= 90; n++) {
      const message = 'm'.repeat(n);
      const cipher = Buffer.from(c.encrypt(message), 'base64');
      const body = 16 + 4 + n + OA.receiveId.length;
      expect(cipher.length % 32).toBe(0);
      expect(cipher.length).toBe(body + (32 - (body % 32)));
      expect(c.decrypt(cipher.toString('base64'))).toBe(message);
    }
  });

  it('uses fresh random bytes each time', () => {
    expect(c.encrypt('same')).not.toBe(c.encrypt('same'));
  });
});

describe('failures', () => {
  const c = new WxBizMsgCrypt(OA);

  it('rejects wrong, missing or malformed signatures', () => {
    const { timestamp, nonce, encrypt, msgSignature } = OA_POST;
    expect(c.verifySignature(msgSignature.replace(/^5/, '6'), timestamp, nonce, encrypt)).toBe(false);
    expect(c.verifySignature(msgSignature, timestamp, '1320562133', encrypt)).toBe(false);
    expect(c.verifySignature(msgSignature, timestamp, nonce, `${encrypt}x`)).toBe(false);
    expect(c.verifySignature(msgSignature, timestamp, nonce)).toBe(false);
    expect(c.verifySignature(msgSignature.slice(1), timestamp, nonce, encrypt)).toBe(false);
    expect(c.verifySignature(undefined, timestamp, nonce, encrypt)).toBe(false);
    expect(c.verifySignature('', timestamp, nonce, encrypt)).toBe(false);
    expect(new WxBizMsgCrypt({ ...OA, token: 'other' }).verifySignature(msgSignature, timestamp, nonce, encrypt)).toBe(false);
    const wecom = new WxBizMsgCrypt(WECOM);
    expect(codeOf(() => wecom.verifyUrl('0'.repeat(40), WECOM_GET.timestamp, WECOM_GET.nonce, WECOM_GET.echostr))).toBe('bad_signature');
    expect(codeOf(() => wecom.verifyUrl(WECOM_GET.msgSignature, WECOM_GET.timestamp, WECOM_GET.nonce, undefined))).toBe('bad_signature');
  });

  it('rejects a message for another appid or corpid', () => {
    expect(codeOf(() => new WxBizMsgCrypt({ ...OA, receiveId: 'wxb11529c136998cb6' }).decrypt(OA_POST.encrypt))).toBe('receive_id_mismatch');
    expect(codeOf(() => c.decrypt(JAVA.encrypt))).toBe('receive_id_mismatch');
    expect(codeOf(() => new WxBizMsgCrypt({ ...WECOM, receiveId: 'wx0000000000000000' }).decrypt(WECOM_POST.encrypt))).toBe('receive_id_mismatch');
  });

  it('rejects tampered ciphertext', () => {
    const java = new WxBizMsgCrypt({ ...OA, receiveId: JAVA.receiveId });
    const bytes = Buffer.from(JAVA.encrypt, 'base64');
    const flip = (i: number) => {
      const b = Buffer.from(bytes);
      b[i] ^= 0x01;
      return b.toString('base64');
    };
    expect(codeOf(() => java.decrypt(flip(bytes.length - 1)))).toBe('bad_padding'); // garbles the last block
    expect(codeOf(() => java.decrypt(flip(16)))).toBe('bad_length'); // garbles the block with the length
    expect(codeOf(() => java.decrypt(bytes.subarray(0, bytes.length - 16).toString('base64')))).toBe('bad_padding');
    expect(codeOf(() => java.decrypt(bytes.subarray(0, bytes.length - 1).toString('base64')))).toBe('bad_length');
    // A different key: the padding no longer checks out.
    expect(codeOf(() => new WxBizMsgCrypt({ ...WECOM, receiveId: JAVA.receiveId }).decrypt(JAVA.encrypt))).toBe('bad_padding');
  });

  it('validates the PKCS#7 padding and the length field', () => {
    const body = layout(Buffer.from('hi'), OA.receiveId); // 40 bytes
    const padded = (pad: Buffer) => rawEncrypt(Buffer.concat([body, pad]));
    expect(c.decrypt(padded(Buffer.alloc(24, 24)))).toBe('hi');
    expect(codeOf(() => c.decrypt(padded(Buffer.alloc(24, 0))))).toBe('bad_padding');
    expect(codeOf(() => c.decrypt(padded(Buffer.concat([Buffer.alloc(23, 7), Buffer.from([24])]))))).toBe('bad_padding');
    expect(codeOf(() => c.decrypt(rawEncrypt(Buffer.concat([body, Buffer.alloc(56, 33)]))))).toBe('bad_padding');
    // Pad 32 of a whole 32-byte block leaves nothing to parse.
    expect(codeOf(() => c.decrypt(rawEncrypt(Buffer.alloc(32, 32))))).toBe('bad_length');
    const lying = layout(Buffer.from('hi'), OA.receiveId, 1000); // 40 bytes, length says 1000
    expect(codeOf(() => c.decrypt(rawEncrypt(Buffer.concat([lying, Buffer.alloc(24, 24)]))))).toBe('bad_length');
  });

  it('rejects input that is not base64', () => {
    for (const bad of ['', 'not base64!', 'abc', '====', 'ab=c', `${OA_POST.encrypt} `, 'a b c d']) {
      expect(codeOf(() => c.decrypt(bad))).toBe('bad_base64');
    }
  });

  it('rejects a bad EncodingAESKey', () => {
    for (const encodingAesKey of ['', 'short', `${OA.encodingAesKey}H`, OA.encodingAesKey.slice(1), `${OA.encodingAesKey.slice(0, 42)}!`]) {
      expect(codeOf(() => new WxBizMsgCrypt({ ...OA, encodingAesKey }))).toBe('bad_key');
    }
  });

  it('rejects a random prefix that is not 16 bytes', () => {
    expect(codeOf(() => c.encrypt('x', Buffer.alloc(15)))).toBe('bad_random');
  });
});

describe('encryptReply', () => {
  it('builds the secure-mode reply XML whose MsgSignature verifies and whose Encrypt decrypts', () => {
    const c = new WxBizMsgCrypt(WECOM);
    const reply = '<xml><ToUserName><![CDATA[mycreate]]></ToUserName><Content><![CDATA[你好]]></Content></xml>';
    const xml = c.encryptReply(reply, '1409659813', '1372623149');
    expect(xml).toMatch(
      /^<xml><Encrypt><!\[CDATA\[[A-Za-z0-9+/=]+\]\]><\/Encrypt><MsgSignature><!\[CDATA\[[0-9a-f]{40}\]\]><\/MsgSignature><TimeStamp>1409659813<\/TimeStamp><Nonce><!\[CDATA\[1372623149\]\]><\/Nonce><\/xml>$/,
    );
    const encrypt = field(xml, 'Encrypt')!;
    const timestamp = field(xml, 'TimeStamp')!;
    const nonce = field(xml, 'Nonce')!;
    expect(c.verifySignature(field(xml, 'MsgSignature'), timestamp, nonce, encrypt)).toBe(true);
    expect(c.decrypt(encrypt)).toBe(reply);
  });
});

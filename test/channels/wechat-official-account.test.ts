import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createApp } from '../../src/app';
import { WechatApiClient } from '../../src/channels/wechat/wechat-api-client';
import { wechatSignature } from '../../src/channels/signatures';
import { WxBizMsgCrypt } from '../../src/channels/wechat/wx-biz-msg-crypt';
import { parseWechatXml } from '../../src/channels/wechat/xml';
import { MemoryServiceWindow, type ServiceWindow } from '../../src/state/service-window';
import { newEngine, testConfig } from '../helpers';

// The official sample's token, key and appid (shared/spec/wechat-vectors.md).
const TOKEN = 'spamtest';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const APPID = 'wx2c2769f8efd9abc2';
const crypt = new WxBizMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, receiveId: APPID });

// A local fake of api.weixin.qq.com: token, customer-service messages and the typing status.
interface SentMessage {
  touser: string;
  msgtype: string;
  text: { content: string };
  msgmenu: { head_content: string; list: Array<{ id: string; content: string }>; tail_content: string };
}
const sent: SentMessage[] = [];
const typing: Array<{ touser: string; command: string }> = [];
let tokenRequests = 0;
/** Set to 40200 to act as an unverified account, which may not send menus; -1 for a proxy that fails them. */
let menuErrcode = 0;
const fake = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    if (req.url?.startsWith('/cgi-bin/token')) {
      tokenRequests++;
      return res.end(JSON.stringify({ access_token: 'tok', expires_in: 7200 }));
    }
    if (req.url?.startsWith('/cgi-bin/message/custom/send')) {
      const message = JSON.parse(body) as SentMessage;
      if (message.msgtype === 'msgmenu' && menuErrcode < 0) {
        res.statusCode = 502;
        return res.end('bad gateway');
      }
      if (message.msgtype === 'msgmenu' && menuErrcode) return res.end(JSON.stringify({ errcode: menuErrcode, errmsg: 'api unauthorized' }));
      if (sent.length < 100) sent.push(message);
      return res.end(JSON.stringify({ errcode: 0 }));
    }
    if (req.url?.startsWith('/cgi-bin/message/custom/typing')) {
      typing.push(JSON.parse(body));
      return res.end(JSON.stringify({ errcode: 0 }));
    }
    res.statusCode = 404;
    res.end('{}');
  });
});

let api: WechatApiClient;
beforeAll(async () => {
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  api = new WechatApiClient({ appId: APPID, appSecret: 'secret', baseUrl: `http://127.0.0.1:${(fake.address() as AddressInfo).port}` });
});
afterAll(async () => {
  await new Promise((r) => fake.close(r));
});
beforeEach(() => {
  sent.length = 0;
  typing.length = 0;
  menuErrcode = 0;
});

function appWith(env: Record<string, string> = {}, handleDelayMs = 0, longReplies: boolean | number = false, serviceWindow?: ServiceWindow) {
  const { engine, store } = newEngine();
  if (longReplies) {
    // Every FAQ answer fits one message (test/core/answer-quality.test.ts); a reply past 2,048 bytes
    // (several answers' worth) is made here to test how the channel splits one.
    const copies = longReplies === true ? 8 : longReplies;
    const real = engine.handle.bind(engine);
    engine.handle = async (m) => {
      const r = await real(m);
      return { ...r, reply: { ...r.reply, text: Array<string>(copies).fill(r.reply.text).join('\n\n'), menu: undefined } };
    };
  }
  if (handleDelayMs) {
    const real = engine.handle.bind(engine);
    engine.handle = async (m) => {
      await new Promise((r) => setTimeout(r, handleDelayMs));
      return real(m);
    };
  }
  const config = testConfig({ WECHAT_TOKEN: TOKEN, ...env });
  // The customer-service API only when the deployment has the app secret, as in production.
  return {
    app: createApp({ config, engine: () => engine, store, wechatApi: env.WECHAT_APP_SECRET ? api : undefined, serviceWindow }),
    store,
  };
}

/** Secure (AES) mode: the EncodingAESKey and AppID configured. */
const SECURE = { WECHAT_APPID: APPID, WECHAT_ENCODING_AES_KEY: AES_KEY };

const now = () => String(Math.floor(Date.now() / 1000));
let nonceSeq = 0;
const query = (timestamp = now(), nonce = `n0nce${++nonceSeq}`) => ({ timestamp, nonce, signature: wechatSignature(TOKEN, timestamp, nonce) });
let msgSeq = 1000;
const textXml = (content: string, from = 'oUser1', msgId = String(++msgSeq)) =>
  `<xml><ToUserName><![CDATA[gh_bot]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${now()}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`;
const post = (app: ReturnType<typeof appWith>['app'], xml: string, q: Record<string, string> = query()) =>
  request(app).post('/wechat').query(q).set('Content-Type', 'text/xml').send(xml);

describe('WeChat Official Account: URL verification', () => {
  it('answers echostr when the signature is right', async () => {
    const { app } = appWith();
    const res = await request(app)
      .get('/wechat')
      .query({ ...query(), echostr: 'hello123' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello123');
  });

  it('refuses a wrong signature', async () => {
    const { app } = appWith();
    const res = await request(app)
      .get('/wechat')
      .query({ ...query(), signature: 'x'.repeat(40), echostr: 'hello123' });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('hello123');
  });
});

describe('WeChat Official Account: plaintext mode', () => {
  it('answers a text message with a passive reply, To/From swapped, CreateTime in seconds', async () => {
    const { app } = appWith();
    const res = await post(app, textXml('收不到核验短信怎么办'));
    expect(res.status).toBe(200);
    const reply = parseWechatXml(res.text);
    expect(reply).toMatchObject({ ToUserName: 'oUser1', FromUserName: 'gh_bot', MsgType: 'text' });
    expect(reply.CreateTime).toMatch(/^\d{10}$/);
    expect(reply.Content).toMatch(/beian\.miit\.gov\.cn/);
    expect(Buffer.byteLength(reply.Content)).toBeLessThanOrEqual(2048);
  });

  it('keeps the conversation under wechat:<OpenID>', async () => {
    const { app, store } = appWith();
    await post(app, textXml('我们是抖音小程序', 'oKeyUser'));
    expect((await store.get('wechat:oKeyUser'))?.platform).toBe('douyin');
  });

  it('escapes hostile text so it cannot break the reply XML', async () => {
    const { app } = appWith();
    const hostile = 'hi ]]></Content><MsgType>image</MsgType><Content><![CDATA[ & <b>';
    const res = await post(app, textXml(hostile.replace(/]]>/g, ']]]]><![CDATA[>')));
    expect(res.status).toBe(200);
    const reply = parseWechatXml(res.text);
    expect(reply.MsgType).toBe('text');
    expect(res.text.match(/<MsgType>/g)).toHaveLength(1);
  });

  it('welcomes a new follower and asks for text on an image', async () => {
    const { app } = appWith();
    const sub = await post(
      app,
      `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oNew</FromUserName><CreateTime>${now()}</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`,
    );
    expect(parseWechatXml(sub.text).Content).toMatch(/收不到短信.*\n\nHi!/s);
    const img = await post(
      app,
      `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oNew</FromUserName><CreateTime>${now()}</CreateTime><MsgType>image</MsgType><PicUrl>http://x/y.jpg</PicUrl><MsgId>${++msgSeq}</MsgId></xml>`,
    );
    expect(parseWechatXml(img.text).Content).toMatch(/请直接输入/);
  });

  it('handles voice with Recognition as text', async () => {
    const { app } = appWith();
    const res = await post(
      app,
      `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oV</FromUserName><CreateTime>${now()}</CreateTime><MsgType>voice</MsgType><MediaId>m</MediaId><Format>amr</Format><Recognition><![CDATA[验证码有效期多久]]></Recognition><MsgId>${++msgSeq}</MsgId></xml>`,
    );
    expect(parseWechatXml(res.text).Content).toMatch(/24/);
  });

  it('answers "success" to an unsubscribe', async () => {
    const { app } = appWith();
    const res = await post(
      app,
      `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oBye</FromUserName><CreateTime>${now()}</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event></xml>`,
    );
    expect(res.text).toBe('success');
  });

  it('gives a retry the same reply and changes state once', async () => {
    const { app, store } = appWith();
    const xml = textXml('又输错了', 'oRetry', '777001');
    const first = await post(app, xml);
    const again = await post(app, xml);
    expect(parseWechatXml(again.text).Content).toBe(parseWechatXml(first.text).Content);
    expect((await store.get('wechat:oRetry'))?.attemptsUsed).toBe(1);
  });

  it('dedups events by FromUserName + CreateTime', async () => {
    const { app } = appWith();
    const ev = `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oEv</FromUserName><CreateTime>1767225600</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>`;
    const a = await post(app, ev);
    const b = await post(app, ev);
    expect(parseWechatXml(b.text).Content).toBe(parseWechatXml(a.text).Content);
  });

  it.each([
    ['at the end of the Date range', '8639999999999'],
    ['far beyond it', '99999999999999'],
    ['in milliseconds', String(Date.now())],
    ['negative', '-1'],
    ['not a number', 'soon'],
  ])('answers a CreateTime %s as a time near the server clock', async (_name, ct) => {
    const { app, store } = appWith();
    const xml = textXml('刚收到核验短信', 'oBadTime').replace(/<CreateTime>\d+<\/CreateTime>/, `<CreateTime>${ct}</CreateTime>`);
    expect((await post(app, xml)).status).toBe(200);
    const state = await store.get('wechat:oBadTime');
    expect(Math.abs(Date.parse(state!.smsReceivedAt!) - Date.now())).toBeLessThan(60_000);
  });

  it('keeps MsgId as a string (no number precision loss)', () => {
    expect(parseWechatXml(textXml('x', 'o', '6054768590064713728')).MsgId).toBe('6054768590064713728');
  });

  it.each([
    ['a wrong signature', (q: Record<string, string>) => ({ ...q, signature: '0'.repeat(40) }), 401],
    ['no signature', (q: Record<string, string>) => ({ timestamp: q.timestamp, nonce: q.nonce }), 401],
    ['a stale timestamp', () => query(String(Math.floor(Date.now() / 1000) - 3600)), 403],
  ])('refuses %s and processes nothing', async (_n, mutate, status) => {
    const { app, store } = appWith();
    const res = await post(app, textXml('我们是腾讯云网站', 'oBad'), mutate(query()));
    expect(res.status).toBe(status);
    expect(await store.get('wechat:oBad')).toBeUndefined();
  });

  it('lets WEBHOOK_MAX_SKEW_S=0 turn the replay window off', async () => {
    const { app } = appWith({ WEBHOOK_MAX_SKEW_S: '0' });
    const res = await post(app, textXml('你好'), query('1409735669'));
    expect(res.status).toBe(200);
  });

  it('answers a user who types "<!DOCTYPE html>" (it is text in CDATA, not markup)', async () => {
    const { app } = appWith();
    const res = await post(app, textXml('<!DOCTYPE html> 收不到短信'));
    expect(res.status).toBe(200);
    expect(parseWechatXml(res.text).Content).toMatch(/beian\.miit\.gov\.cn|短信/);
  });

  it.each([
    ['malformed XML', '<xml><Content>oops'],
    ['a DOCTYPE', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>'],
    ['a DOCTYPE after the root element', '<xml><Content><![CDATA[hi]]></Content></xml><!DOCTYPE x [<!ENTITY a "b">]>'],
    ['an ENTITY declaration inside an element', '<xml><Content><!ENTITY a "b"></Content></xml>'],
    ['no XML at all', 'hello'],
  ])('400 for %s', async (_n, body) => {
    const { app } = appWith();
    const res = await post(app, body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_message');
  });
});

describe('WeChat Official Account: secure (AES) mode', () => {
  it('decrypts the official sample and answers with an encrypted, signed reply', async () => {
    const { app } = appWith({ ...SECURE, WEBHOOK_MAX_SKEW_S: '0' });
    const encrypt =
      'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
    const q = { ...query('1409735669', '1320562132'), encrypt_type: 'aes', msg_signature: '5d197aaffba7e9b25a30732f161a50dee96bd5fa' };
    const res = await post(app, `<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, q);
    expect(res.status).toBe(200);
    const envelope = parseWechatXml(res.text);
    expect(crypt.verifySignature(envelope.MsgSignature, envelope.TimeStamp, envelope.Nonce, envelope.Encrypt)).toBe(true);
    const reply = parseWechatXml(crypt.decrypt(envelope.Encrypt));
    expect(reply).toMatchObject({ ToUserName: 'oyORnuP8q7ou2gfYjqLzSIWZf0rs', FromUserName: 'gh_10f6c3c3ac5a', MsgType: 'text' });
  });

  it('round-trips a message encrypted with our own key (compatible mode carries both)', async () => {
    const { app } = appWith(SECURE);
    const inner = textXml('核验短信发给谁', 'oSecure');
    const encrypt = crypt.encrypt(inner);
    const q = query();
    const res = await post(app, `<xml><ToUserName>gh_bot</ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`, {
      ...q,
      encrypt_type: 'aes',
      msg_signature: crypt.signature(q.timestamp, q.nonce, encrypt),
    });
    const reply = parseWechatXml(crypt.decrypt(parseWechatXml(res.text).Encrypt));
    expect(reply.Content).toMatch(/哪个平台/);
  });

  it('refuses a bad msg_signature and a message for another appid', async () => {
    const { app } = appWith(SECURE);
    const q = query();
    const encrypt = crypt.encrypt(textXml('hi'));
    const bad = await post(app, `<xml><Encrypt>${encrypt}</Encrypt></xml>`, { ...q, encrypt_type: 'aes', msg_signature: '0'.repeat(40) });
    expect(bad.status).toBe(401);
    const other = new WxBizMsgCrypt({ token: TOKEN, encodingAesKey: AES_KEY, receiveId: 'wxOTHER' }).encrypt(textXml('hi'));
    const foreign = await post(app, `<xml><Encrypt>${other}</Encrypt></xml>`, {
      ...q,
      encrypt_type: 'aes',
      msg_signature: crypt.signature(q.timestamp, q.nonce, other),
    });
    expect(foreign.status).toBe(400);
  });
});

describe('WeChat Official Account: no downgrade from secure mode', () => {
  it('refuses a plaintext POST without encrypt_type=aes when the AES key is configured, and changes nothing', async () => {
    const { app, store } = appWith(SECURE);
    const res = await post(app, textXml('我们是抖音小程序', 'oForged'));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('encryption_required');
    expect(await store.get('wechat:oForged')).toBeUndefined();
  });

  it('refuses encrypt_type=aes without a msg_signature over Encrypt', async () => {
    const { app, store } = appWith(SECURE);
    const encrypt = crypt.encrypt(textXml('我们是抖音小程序', 'oForged2'));
    const res = await post(app, `<xml><Encrypt>${encrypt}</Encrypt></xml>`, { ...query(), encrypt_type: 'aes' });
    expect(res.status).toBe(401);
    expect(await store.get('wechat:oForged2')).toBeUndefined();
  });

  it('uses only the decrypted message in compatible mode, never the plaintext fields beside it', async () => {
    const { app, store } = appWith(SECURE);
    const encrypt = crypt.encrypt(textXml('你好', 'oReal'));
    const q = query();
    const xml = `<xml><ToUserName>gh_bot</ToUserName><FromUserName>oVictim</FromUserName><CreateTime>${now()}</CreateTime><MsgType>text</MsgType><Content>我们是抖音小程序</Content><MsgId>${++msgSeq}</MsgId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const res = await post(app, xml, { ...q, encrypt_type: 'aes', msg_signature: crypt.signature(q.timestamp, q.nonce, encrypt) });
    expect(res.status).toBe(200);
    expect(parseWechatXml(crypt.decrypt(parseWechatXml(res.text).Encrypt)).ToUserName).toBe('oReal');
    expect(await store.get('wechat:oVictim')).toBeUndefined();
  });

  it('will not start with the AES key but no AppID (it could only run in plaintext)', () => {
    expect(() => testConfig({ WECHAT_TOKEN: TOKEN, WECHAT_ENCODING_AES_KEY: AES_KEY })).toThrow(/WECHAT_APPID/);
  });
});

describe('WeChat Official Account: plaintext signatures are not reusable', () => {
  it('refuses a captured (timestamp, nonce) pair with another message, and the forged message changes nothing', async () => {
    const { app, store } = appWith();
    const q = query();
    expect((await post(app, textXml('你好', 'oVictim'), q)).status).toBe(200);
    const forged = await post(app, textXml('我们是抖音小程序', 'oVictim'), q);
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('replayed_request');
    expect((await store.get('wechat:oVictim'))?.platform).toBeNull();
    // Another user's message under the same pair is refused too.
    expect((await post(app, textXml('我们是抖音小程序', 'oOther'), q)).status).toBe(403);
    expect(await store.get('wechat:oOther')).toBeUndefined();
  });

  it('still answers a genuine retry (same pair, same message) once, through dedup', async () => {
    const { app, store } = appWith();
    const q = query();
    const xml = textXml('又输错了', 'oRetryPair');
    const first = await post(app, xml, q);
    const again = await post(app, xml, q);
    expect(again.status).toBe(200);
    expect(parseWechatXml(again.text).Content).toBe(parseWechatXml(first.text).Content);
    expect((await store.get('wechat:oRetryPair'))?.attemptsUsed).toBe(1);
  });

  it('does not let a refused message take the pair', async () => {
    const { app } = appWith();
    const q = query();
    expect((await post(app, '<xml><Content>oops', q)).status).toBe(400);
    expect((await post(app, textXml('你好', 'oAfterBad'), { ...q, signature: '0'.repeat(40) })).status).toBe(401);
    expect((await post(app, textXml('你好', 'oAfterBad'), q)).status).toBe(200);
  });
});

describe('WeChat Official Account: dedup keys are scoped', () => {
  it('gives two users who send the same MsgId each their own answer', async () => {
    const { app, store } = appWith();
    const a = await post(app, textXml('收不到核验短信怎么办', 'oAlice', '999001'));
    const b = await post(app, textXml('我们是抖音小程序', 'oBob', '999001'));
    expect(parseWechatXml(b.text).Content).not.toBe(parseWechatXml(a.text).Content);
    expect(parseWechatXml(b.text).ToUserName).toBe('oBob');
    expect((await store.get('wechat:oBob'))?.platform).toBe('douyin');
  });

  it('keeps two accounts apart for the same user and MsgId', async () => {
    const { app, store } = appWith();
    await post(app, textXml('你好', 'oSame', '999002'));
    const other = textXml('我们是抖音小程序', 'oSame', '999002').replace('gh_bot', 'gh_other');
    await post(app, other);
    expect((await store.get('wechat:oSame'))?.platform).toBe('douyin');
  });
});

describe('WeChat Official Account: slow and long replies', () => {
  it('answers "success" past the time limit and delivers through the customer-service API', async () => {
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret', WECHAT_REPLY_TIMEOUT_MS: '50' }, 200);
    await post(app, textXml('我们是微信小程序', 'oSlow'));
    for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    sent.length = 0;
    const res = await post(app, textXml('验证码有效期多久', 'oSlow'));
    expect(res.text).toBe('success');
    for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ touser: 'oSlow', msgtype: 'text' });
    expect(sent[0].text.content).toMatch(/24/);
    expect(tokenRequests).toBeGreaterThanOrEqual(1);
  });

  it('delivers a slow reply once even when WeChat retries', async () => {
    const { app, store } = appWith({ WECHAT_APP_SECRET: 'secret', WECHAT_REPLY_TIMEOUT_MS: '50' }, 200);
    const xml = textXml('又输错了', 'oSlowRetry');
    expect((await post(app, xml)).text).toBe('success');
    expect((await post(app, xml)).text).toBe('success');
    await new Promise((r) => setTimeout(r, 400));
    expect(sent.filter((m) => m.touser === 'oSlowRetry')).toHaveLength(1);
    expect((await store.get('wechat:oSlowRetry'))?.attemptsUsed).toBe(1);
  });

  it('splits a long answer: the first part passively, the rest through the API', async () => {
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret' }, 0, true);
    const res = await post(app, textXml('核验短信发给谁', 'oLong'));
    const passive = parseWechatXml(res.text).Content;
    expect(Buffer.byteLength(passive)).toBeLessThanOrEqual(2048);
    for (let i = 0; i < 100 && sent.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((m) => m.touser === 'oLong' && Buffer.byteLength(m.text.content) <= 2048)).toBe(true);
  });

  it('without the API, shortens a long answer to one message that says so', async () => {
    const { app } = appWith({}, 0, true);
    const res = await post(app, textXml('核验短信发给谁', 'oShort'));
    const passive = parseWechatXml(res.text).Content;
    expect(Buffer.byteLength(passive)).toBeLessThanOrEqual(2048);
    expect(passive).toMatch(/回答较长/);
    expect(sent).toHaveLength(0);
  });
});

describe('WeChat Official Account: rate limit', () => {
  it('answers a polite text past RATE_LIMIT_PER_MIN, without touching state', async () => {
    const { app, store } = appWith({ RATE_LIMIT_PER_MIN: '2' });
    await post(app, textXml('我们是抖音小程序', 'oBusy'));
    await post(app, textXml('你好', 'oBusy'));
    const third = await post(app, textXml('又输错了', 'oBusy'));
    expect(parseWechatXml(third.text).Content).toMatch(/请稍等一分钟/);
    expect((await store.get('wechat:oBusy'))?.attemptsUsed).toBe(0);
    const other = await post(app, textXml('你好', 'oCalm'));
    expect(parseWechatXml(other.text).Content).not.toMatch(/请稍等一分钟/);
  });
});

describe('WeChat Official Account: menus, typing and the 5-message budget', () => {
  const waitFor = async (done: () => boolean) => {
    for (let i = 0; i < 150 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  };
  const tap = (id: string, content: string, from: string) => textXml(content, from).replace('</xml>', `<bizmsgmenuid>${id}</bizmsgmenuid></xml>`);

  it('asks for the platform with a tappable menu, and a tapped platform gets that platform’s steps', async () => {
    const { app, store } = appWith({ WECHAT_APP_SECRET: 'secret' });
    const res = await post(app, textXml('核验短信过期了怎么重新发', 'oMenuP'));
    const passive = parseWechatXml(res.text).Content;
    expect(passive).toMatch(/beian\.miit\.gov\.cn/);
    expect(passive).not.toMatch(/告诉我你在哪个平台/);
    await waitFor(() => sent.length > 0);
    expect(sent.filter((m) => m.touser === 'oMenuP')).toHaveLength(1);
    expect(sent[0]).toMatchObject({ touser: 'oMenuP', msgtype: 'msgmenu' });
    expect(sent[0].msgmenu.head_content).toMatch(/哪个平台/);
    expect(sent[0].msgmenu.list).toEqual([
      { id: 'platform:wechat', content: '微信小程序' },
      { id: 'platform:douyin', content: '抖音小程序' },
      { id: 'platform:tencent_cloud', content: '腾讯云网站' },
    ]);
    const choice = sent[0].msgmenu.list[1];
    const answer = parseWechatXml((await post(app, tap(choice.id, choice.content, 'oMenuP'))).text).Content;
    expect((await store.get('wechat:oMenuP'))?.platform).toBe('douyin');
    expect(answer).toMatch(/重新发送短信/);
    expect(answer).not.toMatch(/去完善/);
  });

  it('sends did-you-mean choices as a menu, and a tap answers the chosen intent whatever its text', async () => {
    const { app, store } = appWith({ WECHAT_APP_SECRET: 'secret' });
    const passive = parseWechatXml((await post(app, textXml('短信', 'oMenuD'))).text).Content;
    expect(passive).not.toMatch(/^1\. /m);
    await waitFor(() => sent.length > 0);
    const menu = sent.find((m) => m.msgtype === 'msgmenu')!.msgmenu;
    expect(menu.list.length).toBeGreaterThan(0);
    expect(menu.list.every((c) => c.id.startsWith('intent:'))).toBe(true);
    const last = menu.list[menu.list.length - 1];
    await post(app, tap(last.id, '随便什么字', 'oMenuD'));
    expect((await store.get('wechat:oMenuD'))?.lastIntent).toBe(last.id.slice('intent:'.length));
  });

  it('falls back to the numbered text where menus are refused (40200, unverified account)', async () => {
    menuErrcode = 40200;
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret' });
    await post(app, textXml('短信', 'oMenuRefused'));
    const mine = () => sent.filter((m) => m.touser === 'oMenuRefused');
    await waitFor(() => mine().length > 0);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].msgtype).toBe('text');
    expect(mine()[0].text.content).toMatch(/^1\. /m);
    expect(mine()[0].text.content).toMatch(/回复序号/);
  });

  it('sends the numbered text when a menu fails for another reason (a proxy answering 502)', async () => {
    menuErrcode = -1;
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret' });
    await post(app, textXml('短信', 'oMenuProxy'));
    const mine = () => sent.filter((m) => m.touser === 'oMenuProxy');
    await waitFor(() => mine().length > 0);
    expect(mine()).toHaveLength(1);
    expect(mine()[0].text.content).toMatch(/^1\. /m);
  });

  it('keeps the question in the passive text when no API is configured', async () => {
    const { app } = appWith();
    const passive = parseWechatXml((await post(app, textXml('核验短信过期了怎么重新发', 'oNoApi'))).text).Content;
    expect(passive).toMatch(/告诉我你在哪个平台/);
    await new Promise((r) => setTimeout(r, 100));
    expect(sent.filter((m) => m.touser === 'oNoApi')).toHaveLength(0);
  });

  it('never spends more than the 5 messages one user message allows, and says when it shortened', async () => {
    const window = new MemoryServiceWindow();
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret' }, 0, 40, window);
    const res = await post(app, textXml('核验短信发给谁', 'oBudget'));
    expect(Buffer.byteLength(parseWechatXml(res.text).Content)).toBeLessThanOrEqual(2048);
    await waitFor(() => sent.length >= 5);
    await new Promise((r) => setTimeout(r, 100));
    const mine = sent.filter((m) => m.touser === 'oBudget');
    expect(mine).toHaveLength(5);
    expect(mine.every((m) => Buffer.byteLength(m.text.content) <= 2048)).toBe(true);
    expect(mine[4].text.content).toMatch(/回答较长/);
    // A reminder now would find nothing left of this message's quota.
    expect(await window.tryConsume('wechat:oBudget', new Date())).toEqual({ allowed: false, reason: 'quota_exhausted' });
  });

  it('counts what was already spent: with the quota used up, the reply is one shortened passive message', async () => {
    const window = new MemoryServiceWindow();
    const { app } = appWith({ WECHAT_APP_SECRET: 'secret' }, 0, 8, window);
    const xml = textXml('核验短信发给谁', 'oSpent');
    // Another sender (a reminder, an earlier long answer) used this message's five.
    await window.recordInbound('wechat:oSpent', new Date(Number(/<CreateTime>(\d+)/.exec(xml)![1]) * 1000));
    expect(await window.take('wechat:oSpent', new Date(), 5)).toBe(5);
    const passive = parseWechatXml((await post(app, xml)).text).Content;
    expect(passive).toMatch(/回答较长/);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent.filter((m) => m.touser === 'oSpent')).toHaveLength(0);
  });

  it('shows "typing…" before a slow reply, once, and not before a quick one', async () => {
    const slow = appWith({ WECHAT_APP_SECRET: 'secret', WECHAT_TYPING_AFTER_MS: '30' }, 300);
    const xml = textXml('我们是微信小程序', 'oTyping');
    await Promise.all([post(slow.app, xml), post(slow.app, xml)]);
    expect(typing).toEqual([{ touser: 'oTyping', command: 'Typing' }]);
    const quick = appWith({ WECHAT_APP_SECRET: 'secret', WECHAT_TYPING_AFTER_MS: '1000' });
    await post(quick.app, textXml('我们是微信小程序', 'oQuick'));
    await new Promise((r) => setTimeout(r, 50));
    expect(typing.filter((t) => t.touser === 'oQuick')).toHaveLength(0);
  });
});

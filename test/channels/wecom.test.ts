import request from 'supertest';
import { createApp } from '../../src/app';
import { WxBizMsgCrypt } from '../../src/channels/wechat/wx-biz-msg-crypt';
import { parseWechatXml } from '../../src/channels/wechat/xml';
import { newEngine, testConfig } from '../helpers';

// The official WeCom sample (shared/spec/wechat-vectors.md).
const TOKEN = 'QDG6eK';
const CORP = 'wx5823bf96d3bd56c7';
const KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const crypt = new WxBizMsgCrypt({ token: TOKEN, encodingAesKey: KEY, receiveId: CORP });
const SAMPLE_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

function appWith(env: Record<string, string> = {}) {
  const { engine, store } = newEngine();
  const config = testConfig({ WECOM_TOKEN: TOKEN, WECOM_CORP_ID: CORP, WECOM_ENCODING_AES_KEY: KEY, WEBHOOK_MAX_SKEW_S: '0', ...env });
  return { app: createApp({ config, engine: () => engine, store }), store };
}

describe('WeCom callback', () => {
  it('verifies the URL with the official sample and answers only the plaintext', async () => {
    const { app } = appWith();
    const res = await request(app).get('/wecom').query({
      msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
      timestamp: '1409659589',
      nonce: '263014780',
      echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('1616140317555161061');
  });

  it('refuses a URL check with a wrong signature', async () => {
    const { app } = appWith();
    const res = await request(app)
      .get('/wecom')
      .query({
        msg_signature: '0'.repeat(40),
        timestamp: '1409659589',
        nonce: '263014780',
        echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
      });
    expect(res.status).toBe(401);
  });

  it('decrypts the official sample message and answers with an encrypted passive reply', async () => {
    const { app, store } = appWith();
    const res = await request(app)
      .post('/wecom')
      .query({ msg_signature: '477715d11cdb4164915debcba66cb864d751f3e6', timestamp: '1409659813', nonce: '1372623149' })
      .set('Content-Type', 'text/xml')
      .send(`<xml><ToUserName><![CDATA[${CORP}]]></ToUserName><Encrypt><![CDATA[${SAMPLE_ENCRYPT}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`);
    expect(res.status).toBe(200);
    const envelope = parseWechatXml(res.text);
    expect(crypt.verifySignature(envelope.MsgSignature, envelope.TimeStamp, envelope.Nonce, envelope.Encrypt)).toBe(true);
    const reply = parseWechatXml(crypt.decrypt(envelope.Encrypt));
    expect(reply).toMatchObject({ ToUserName: 'mycreate', FromUserName: CORP, MsgType: 'text' });
    expect(reply.Content.length).toBeGreaterThan(0);
    expect(await store.get('wecom:mycreate')).toBeDefined();
  });

  it('refuses a message encrypted for another corp', async () => {
    const { app } = appWith();
    const other = new WxBizMsgCrypt({ token: TOKEN, encodingAesKey: KEY, receiveId: 'wwOTHER' });
    const inner = `<xml><ToUserName>wwOTHER</ToUserName><FromUserName>u1</FromUserName><CreateTime>1409659813</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>`;
    const encrypt = other.encrypt(inner);
    const res = await request(app)
      .post('/wecom')
      .query({ msg_signature: crypt.signature('1409659813', 'n', encrypt), timestamp: '1409659813', nonce: 'n' })
      .set('Content-Type', 'text/xml')
      .send(`<xml><Encrypt>${encrypt}</Encrypt></xml>`);
    expect(res.status).toBe(401);
  });

  it('refuses a wrong msg_signature and processes nothing', async () => {
    const { app, store } = appWith();
    const res = await request(app)
      .post('/wecom')
      .query({ msg_signature: '0'.repeat(40), timestamp: '1409659813', nonce: '1372623149' })
      .set('Content-Type', 'text/xml')
      .send(`<xml><Encrypt><![CDATA[${SAMPLE_ENCRYPT}]]></Encrypt></xml>`);
    expect(res.status).toBe(401);
    expect(await store.get('wecom:mycreate')).toBeUndefined();
  });

  it('refuses a plaintext body and a request without msg_signature: WeCom is encrypted only', async () => {
    const { app, store } = appWith();
    const plain = `<xml><ToUserName>${CORP}</ToUserName><FromUserName>uPlain</FromUserName><CreateTime>1409659813</CreateTime><MsgType>text</MsgType><Content>hi</Content><MsgId>1</MsgId></xml>`;
    const res = await request(app).post('/wecom').query({ timestamp: '1409659813', nonce: 'n' }).set('Content-Type', 'text/xml').send(plain);
    expect(res.status).toBe(401);
    expect(await store.get('wecom:uPlain')).toBeUndefined();
  });

  it('gives two users who send the same MsgId each their own answer', async () => {
    const { app, store } = appWith();
    const send = (from: string, content: string) => {
      const inner = `<xml><ToUserName>${CORP}</ToUserName><FromUserName>${from}</FromUserName><CreateTime>1409659813</CreateTime><MsgType>text</MsgType><Content>${content}</Content><MsgId>424242</MsgId><AgentID>218</AgentID></xml>`;
      const encrypt = crypt.encrypt(inner);
      return request(app)
        .post('/wecom')
        .query({ msg_signature: crypt.signature('1409659813', `n-${from}`, encrypt), timestamp: '1409659813', nonce: `n-${from}` })
        .set('Content-Type', 'text/xml')
        .send(`<xml><Encrypt>${encrypt}</Encrypt></xml>`);
    };
    const a = await send('uAlice', '收不到核验短信怎么办');
    const b = await send('uBob', '我们是抖音小程序');
    const replyTo = (res: request.Response) => parseWechatXml(crypt.decrypt(parseWechatXml(res.text).Encrypt));
    expect(replyTo(b).ToUserName).toBe('uBob');
    expect(replyTo(b).Content).not.toBe(replyTo(a).Content);
    expect((await store.get('wecom:uBob'))?.platform).toBe('douyin');
  });
});

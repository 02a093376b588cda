import request from 'supertest';
import { createApp } from '../../src/app';
import { createBackends } from '../../src/bot';
import { wechatSignature } from '../../src/channels/signatures';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { parseWechatXml } from '../../src/channels/wechat/xml';
import { describeWithRedis, sharedNlu, testConfig, TEST_REDIS_URL } from '../helpers';

describeWithRedis('dedup and rate limits shared through Redis', () => {
  const config = () => testConfig({ REDIS_URL: TEST_REDIS_URL!, WECHAT_TOKEN: 'tok', RATE_LIMIT_PER_MIN: '3' });
  const instances = [0, 1].map(() => {
    const backends = createBackends(config());
    const engine = new DialogueEngine(sharedNlu(), backends.store);
    const app = createApp({
      config: config(),
      engine: () => engine,
      store: backends.store,
      idempotency: backends.idempotency,
      rateLimiter: backends.rateLimiter,
    });
    return { app, backends };
  });
  beforeAll(async () => {
    expect(await Promise.all(instances.map((i) => i.backends.ready()))).toEqual([true, true]);
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.backends.close()));
  });

  it('recognises a WeChat retry that lands on the other instance', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const q = { timestamp: ts, nonce: 'n', signature: wechatSignature('tok', ts, 'n') };
    const user = `oShared${Date.now()}`;
    const xml = `<xml><ToUserName>gh</ToUserName><FromUserName>${user}</FromUserName><CreateTime>${ts}</CreateTime><MsgType>text</MsgType><Content>又输错了</Content><MsgId>${Date.now()}</MsgId></xml>`;
    const [first, retry] = await Promise.all(instances.map((i) => request(i.app).post('/wechat').query(q).set('Content-Type', 'text/xml').send(xml)));
    expect(parseWechatXml(retry.text).Content).toBe(parseWechatXml(first.text).Content);
    expect((await instances[0].backends.store.get(`wechat:${user}`))?.attemptsUsed).toBe(1);
  });

  it('refuses a plaintext (timestamp, nonce) pair on one instance that was used with another message on the other', async () => {
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = `pair-${Date.now()}`;
    const q = { timestamp: ts, nonce, signature: wechatSignature('tok', ts, nonce) };
    const user = `oPair${Date.now()}`;
    const xml = (content: string, msgId: string) =>
      `<xml><ToUserName>gh</ToUserName><FromUserName>${user}</FromUserName><CreateTime>${ts}</CreateTime><MsgType>text</MsgType><Content>${content}</Content><MsgId>${msgId}</MsgId></xml>`;
    const post = (i: number, body: string) => request(instances[i].app).post('/wechat').query(q).set('Content-Type', 'text/xml').send(body);
    expect((await post(0, xml('你好', '1'))).status).toBe(200);
    expect((await post(1, xml('我们是抖音小程序', '2'))).status).toBe(403);
    expect((await instances[0].backends.store.get(`wechat:${user}`))?.platform).toBeNull();
  });

  it("counts one user's messages on every instance against one budget", async () => {
    const user = `rate-${Date.now()}`;
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) {
      const res = await request(instances[n % 2].app)
        .post('/api/v1/messages')
        .send({ userId: user, text: 'hi' });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const other = await request(instances[0].app)
      .post('/api/v1/messages')
      .send({ userId: `${user}-other`, text: 'hi' });
    expect(other.status).toBe(200);
  });
});

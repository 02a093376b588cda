import { freePort } from '../free-port';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBackends } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { wechatSignature } from '../../src/channels/signatures';
import { parseWechatXml } from '../../src/channels/wechat/xml';
import { Metrics } from '../../src/metrics';
import { describeWithRedis, sharedNlu, testConfig } from '../helpers';

const hasRedis = spawnSync('redis-server', ['--version']).status === 0;

async function until(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

(hasRedis ? describeWithRedis : describe.skip)('Redis outage', () => {
  let redis: ChildProcess | undefined;
  afterAll(() => {
    redis?.kill('SIGKILL');
  });

  it('answers without state and says 503 on /readyz while Redis is down, then recovers by itself', async () => {
    const port = await freePort();
    const config = testConfig({ REDIS_URL: `redis://127.0.0.1:${port}`, WECHAT_TOKEN: 'tok', RATE_LIMIT_PER_MIN: '3' });
    const backends = createBackends(config);
    const metrics = new Metrics();
    const engine = new DialogueEngine(sharedNlu(), backends.store, metrics);
    const app = createApp({
      config,
      engine: () => engine,
      store: backends.store,
      idempotency: backends.idempotency,
      rateLimiter: backends.rateLimiter,
      metrics,
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on('unhandledRejection', onUnhandled);
    try {
      // Down: still an answer, no 5xx.
      expect((await request(app).get('/readyz')).status).toBe(503);
      const down = await request(app).post('/api/v1/messages').send({ userId: 'outage-1', text: '收不到核验短信怎么办' });
      expect(down.status).toBe(200);
      expect(down.body.intent).toBe('sms.not_received');
      expect((await request(app).get('/metrics')).text).toMatch(/beian_store_errors_total\{operation="update"\} [1-9]/);

      // Nothing is saved, and the reply doesn't pretend otherwise.
      const attempt = await request(app).post('/api/v1/messages').send({ userId: 'outage-2', text: '又输错了' });
      expect(attempt.status).toBe(200);
      expect(attempt.body.reply).not.toMatch(/记下了/);
      expect(attempt.body.reply).toMatch(/暂时无法保存/);

      // Reading or deleting state needs the store: 503, not 500.
      for (const res of [await request(app).get('/api/v1/conversations/outage-1'), await request(app).delete('/api/v1/conversations/outage-1')]) {
        expect(res.status).toBe(503);
        expect(res.body.error.code).toBe('store_unavailable');
      }

      // WeChat: the dedup store is down too; the message is still answered (200, a real reply).
      const ts = String(Math.floor(Date.now() / 1000));
      const xml = `<xml><ToUserName>gh</ToUserName><FromUserName>oOutage</FromUserName><CreateTime>${ts}</CreateTime><MsgType>text</MsgType><Content>收不到核验短信怎么办</Content><MsgId>42</MsgId></xml>`;
      const wechat = await request(app)
        .post('/wechat')
        .query({ timestamp: ts, nonce: 'n1', signature: wechatSignature('tok', ts, 'n1') })
        .set('Content-Type', 'text/xml')
        .send(xml);
      expect(wechat.status).toBe(200);
      expect(parseWechatXml(wechat.text).Content).toMatch(/beian\.miit\.gov\.cn/);

      // The rate limit still holds (in memory), per user.
      const limited: number[] = [];
      for (let i = 0; i < 4; i++) limited.push((await request(app).post('/api/v1/messages').send({ userId: 'outage-rate', text: 'hi' })).status);
      expect(limited).toEqual([200, 200, 200, 429]);

      // Fast: no command waits on a queue for Redis (compared with the same request without Redis).
      const memoryApp = createApp({ config: testConfig(), engine: () => engine, store: createBackends(testConfig()).store });
      const time = async (a: typeof app, userId: string) => {
        let best = Infinity;
        for (let i = 0; i < 3; i++) {
          const t = performance.now();
          await request(a)
            .post('/api/v1/messages')
            .send({ userId: `${userId}-${i}`, text: '收不到核验短信怎么办' });
          best = Math.min(best, performance.now() - t);
        }
        return best;
      };
      await time(memoryApp, 'warm');
      expect((await time(app, 'slow')) / (await time(memoryApp, 'fast'))).toBeLessThan(10);

      // Redis comes (back): readiness and state return without a restart.
      redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      expect(await until(async () => (await request(app).get('/readyz')).status === 200, 15_000)).toBe(true);
      await request(app).post('/api/v1/messages').send({ userId: 'outage-1', text: '我们是抖音小程序' }).expect(200);
      const got = await request(app).get('/api/v1/conversations/outage-1');
      expect(got.status).toBe(200);
      expect(got.body.state.platform).toBe('douyin');
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await backends.close();
    }
  }, 40_000);
});

import { freePort } from '../free-port';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBackends } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
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
    const config = testConfig({ REDIS_URL: `redis://127.0.0.1:${port}` });
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

import request from 'supertest';
import { CHANNELS, createApp } from '../../src/app';
import { Metrics } from '../../src/metrics';
import { MemoryRateLimiter } from '../../src/state/rate-limiter';
import { newEngine, testConfig } from '../helpers';

describe('the channel port', () => {
  it('every channel module names itself and says whether the deployment configured it', () => {
    const bare = testConfig();
    const all = testConfig({
      WECHAT_TOKEN: 't',
      WECOM_TOKEN: 't',
      WECOM_CORP_ID: 'c',
      WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      WECOM_KF_CORP_ID: 'c',
      WECOM_KF_SECRET: 's',
      WECOM_KF_TOKEN: 't',
      WECOM_KF_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
      DOUYIN_CLIENT_KEY: 'k',
      DOUYIN_CLIENT_SECRET: 's',
    });
    expect(CHANNELS.filter((c) => c.isConfigured(bare)).map((c) => c.name)).toEqual(['json']);
    expect(CHANNELS.filter((c) => c.isConfigured(all)).map((c) => c.name)).toEqual(['json', 'wechat', 'wecom', 'wecom_kf', 'douyin']);
    expect(new Set(CHANNELS.map((c) => c.path)).size).toBe(CHANNELS.length);
  });

  it('an unconfigured channel is not mounted', async () => {
    const { engine, store } = newEngine();
    const app = createApp({ config: testConfig(), engine: () => engine, store });
    expect((await request(app).post('/wecom-kf').send('<xml/>')).status).toBe(404);
  });

  it('the JSON API goes through the same rate-limited handle as the chat channels, counted as json', async () => {
    const { engine, store } = newEngine();
    const metrics = new Metrics();
    const app = createApp({ config: testConfig(), engine: () => engine, store, metrics, rateLimiter: new MemoryRateLimiter(2) });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await request(app).post('/api/v1/messages').send({ userId: 'rl', text: '你好' })).status);
    expect(codes).toEqual([200, 200, 429]);
    expect(await metrics.registry.metrics()).toMatch(/beian_rate_limited_total\{channel="json",scope="user"\} 1/);
  });
});

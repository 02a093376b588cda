import request from 'supertest';
import { createApp } from '../../src/app';
import { newEngine, testConfig } from '../helpers';

const { engine, store } = newEngine();
const app = createApp({ config: testConfig({ API_TOKEN: 'tok-123' }), engine: () => engine, store });

describe('API_TOKEN', () => {
  it.each([
    ['no Authorization header', undefined],
    ['a wrong token', 'Bearer tok-124'],
    ['a token of another length', 'Bearer t'],
    ['another scheme', 'Basic dG9rLTEyMw=='],
  ])('401 with a JSON error for %s, on every /api/v1 endpoint', async (_name, auth) => {
    const calls = [
      request(app).post('/api/v1/messages').send({ userId: 'a-1', text: 'hi' }),
      request(app).get('/api/v1/conversations/a-1'),
      request(app).delete('/api/v1/conversations/a-1'),
    ];
    for (const call of calls) {
      const res = await (auth ? call.set('Authorization', auth) : call);
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
  });

  it('lets the right bearer token through', async () => {
    const ok = await request(app).post('/api/v1/messages').set('Authorization', 'Bearer tok-123').send({ userId: 'a-2', text: 'hi' });
    expect(ok.status).toBe(200);
    const got = await request(app).get('/api/v1/conversations/a-2').set('Authorization', 'Bearer tok-123');
    expect(got.status).toBe(200);
  });

  it('leaves health and readiness open', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect((await request(app).get('/readyz')).status).toBe(200);
  });

  it('sends security headers (helmet)', async () => {
    const res = await request(app).get('/healthz');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBeDefined();
  });
});

import { createHmac } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../src/app';
import { newEngine, testConfig } from '../helpers';

const SECRET = 's3cret';
const { engine, store } = newEngine();
const app = createApp({ config: testConfig({ WEBHOOK_SECRET: SECRET }), engine: () => engine, store });
const body = JSON.stringify({ userId: 'signed-1', text: 'hello' });
const unsigned = JSON.stringify({ userId: 'signed-bad', text: 'we use douyin' });
const sign = (raw: string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
const send = (raw: string, signature?: string) => {
  const req = request(app).post('/api/v1/messages').set('Content-Type', 'application/json');
  return (signature ? req.set('X-Signature', signature) : req).send(raw);
};

describe('signed JSON webhook (WEBHOOK_SECRET set)', () => {
  it('accepts a request signed over the raw body', async () => {
    const res = await send(body, sign(body));
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('chat.greeting');
  });

  it.each([
    ['no signature', undefined],
    ['a signature with another secret', sign(unsigned, 'other')],
    ['a signature of another body', sign(body)],
    ['a bare hex digest without the sha256= prefix', sign(unsigned).slice('sha256='.length)],
  ])('401 for %s, and nothing is processed', async (_name, signature) => {
    const res = await send(unsigned, signature);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
    expect(await store.get('signed-bad')).toBeUndefined();
  });

  it('checks the signature before parsing: unsigned malformed JSON is 401, not 400', async () => {
    expect((await send('{oops')).status).toBe(401);
    expect((await send('{oops', sign('{oops'))).status).toBe(400);
  });
});

describe('JSON webhook without WEBHOOK_SECRET', () => {
  it('stays open', async () => {
    const { engine: e, store: s } = newEngine();
    const open = createApp({ config: testConfig(), engine: () => e, store: s });
    const res = await request(open).post('/api/v1/messages').send({ userId: 'u', text: 'hi' });
    expect(res.status).toBe(200);
  });
});

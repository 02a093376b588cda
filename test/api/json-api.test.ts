import request from 'supertest';
import { createApp } from '../../src/app';
import { ALL_INTENTS, FALLBACK } from '../../src/core/intent-ids';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { Metrics } from '../../src/metrics';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { newEngine, sharedNlu, testConfig } from '../helpers';

const { engine, store } = newEngine();
const app = createApp({ config: testConfig(), engine: () => engine, store });
// Message times relative to the server clock: the API refuses any more than 2 years old.
const HOUR_S = 3600;
const nowS = () => Math.floor(Date.now() / 1000);
const post = (body: unknown) =>
  request(app)
    .post('/api/v1/messages')
    .send(body as object);

describe('POST /api/v1/messages', () => {
  it('answers with exactly the fields of api.md', async () => {
    const res = await post({ userId: 'u-1', text: '收不到核验短信怎么办', timestamp: nowS() - HOUR_S, platform: 'wechat', channel: 'webhook' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(
      expect.objectContaining({
        reply: expect.any(String),
        intent: 'sms.not_received',
        confidence: expect.any(Number),
        lang: 'zh-Hans',
        suggestions: expect.any(Array),
        state: {
          platform: 'wechat',
          filingType: null,
          stage: expect.any(String),
          smsReceivedAt: null,
          deadline: null,
          attemptsUsed: 0,
          attemptsLeft: 5,
          reminder: null,
        },
      }),
    );
    expect(res.body.confidence).toBeGreaterThan(0);
    expect(res.body.confidence).toBeLessThanOrEqual(1);
    for (const s of res.body.suggestions) {
      expect(ALL_INTENTS).toContain(s.intent);
      expect(typeof s.question).toBe('string');
    }
  });

  it('replies in Traditional Chinese to a Traditional question', async () => {
    const res = await post({ userId: 'u-2', text: '驗證簡訊的連結打不開怎麼辦' });
    expect(res.status).toBe(200);
    expect(res.body.lang).toBe('zh-Hant');
    expect(res.body.intent).toBe('verify.link_broken');
    expect(res.body.reply).toMatch(/beian\.miit\.gov\.cn/);
    expect(res.body.reply).toMatch(/驗證|核驗/);
  });

  it('replies in English to an English question', async () => {
    const res = await post({ userId: 'u-3', text: 'how many times can I get the code wrong' });
    expect(res.status).toBe(200);
    expect(res.body.lang).toBe('en');
    expect(res.body.intent).toBe('verify.attempt_limit');
    expect(res.body.reply).toMatch(/5/);
  });

  it('accepts an ISO 8601 timestamp', async () => {
    const iso = new Date(Date.now() - 3 * 24 * 3600_000).toISOString().replace('Z', '+00:00');
    const res = await post({ userId: 'u-4', text: 'hello', timestamp: iso });
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe('chat.greeting');
  });

  it('gives an out-of-scope question fallback', async () => {
    const res = await post({ userId: 'u-5', text: '今天天气怎么样' });
    expect(res.status).toBe(200);
    expect(res.body.intent).toBe(FALLBACK);
  });

  it.each([
    ['missing userId', { text: 'hi' }],
    ['missing text', { userId: 'u' }],
    ['empty text', { userId: 'u', text: '   ' }],
    ['text over 2000 characters', { userId: 'u', text: '短'.repeat(2001) }],
    ['userId over 128 characters', { userId: 'u'.repeat(129), text: 'hi' }],
    ['userId with control characters', { userId: 'u\u0000x', text: 'hi' }],
    ['text not a string', { userId: 'u', text: 42 }],
    ['unknown platform', { userId: 'u', text: 'hi', platform: 'alipay' }],
    ['a boolean timestamp', { userId: 'u', text: 'hi', timestamp: true }],
    ['an array body', [1, 2]],
    ['a string body', 'hello'],
    ['null body', null],
  ])('400 with a JSON error for %s', async (_name, body) => {
    const res = await request(app).post('/api/v1/messages').set('Content-Type', 'application/json').send(JSON.stringify(body));
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_request', message: expect.any(String) });
  });

  it.each([
    ['a word', 'yesterday'],
    ['a negative number', -5],
    ['a huge number', 1e300],
    ['8.64e12 (overflows the deadline as seconds)', 8.64e12],
    ['an ISO time at the end of the Date range', '+275760-09-13T00:00:00.000Z'],
    ['more than 2 years ago', Math.floor(Date.now() / 1000) - 3 * 365 * 24 * HOUR_S],
    ['more than a day ahead', Math.floor(Date.now() / 1000) + 2 * 24 * HOUR_S],
    ['milliseconds more than a day ahead', Date.now() + 2 * 24 * HOUR_S * 1000],
  ])('400 invalid_timestamp for %s, and nothing is stored', async (_name, timestamp) => {
    const res = await post({ userId: 'bad-ts', text: '刚收到核验短信', timestamp });
    expect(res.status).toBe(400);
    expect(res.body.error).toEqual({ code: 'invalid_timestamp', message: expect.stringMatching(/2 years/) });
    expect(await store.get('bad-ts')).toBeUndefined();
  });

  it('reads a timestamp above 1e11 as milliseconds (a common client mistake)', async () => {
    const ms = Date.now() - 2 * HOUR_S * 1000;
    const res = await post({ userId: 'ms-ts', text: '刚收到核验短信', timestamp: ms });
    expect(res.status).toBe(200);
    expect(res.body.state.smsReceivedAt).toBe(new Date(ms).toISOString());
    expect(res.body.state.deadline).toBe(new Date(ms + 24 * HOUR_S * 1000).toISOString());
  });

  it('accepts Unix seconds within the window, as before', async () => {
    const s = nowS() - 5 * HOUR_S;
    const res = await post({ userId: 's-ts', text: '刚收到核验短信', timestamp: s });
    expect(res.status).toBe(200);
    expect(res.body.state.smsReceivedAt).toBe(new Date(s * 1000).toISOString());
  });

  it('400 invalid_json for malformed JSON, without a stack trace', async () => {
    const res = await request(app).post('/api/v1/messages').set('Content-Type', 'application/json').send('{"userId": "u", "text": ');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_json');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('413 for a body over the limit', async () => {
    const res = await post({ userId: 'u', text: 'x', pad: 'y'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('415 for a body that is not JSON', async () => {
    const res = await request(app).post('/api/v1/messages').set('Content-Type', 'text/plain').send('userId=u&text=hi');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('415 with no content type at all', async () => {
    const res = await request(app).post('/api/v1/messages');
    expect(res.status).toBe(415);
  });
});

describe('conversations', () => {
  it('GET returns the state after a message, DELETE forgets it', async () => {
    await post({ userId: 'conv-1', text: '我们是抖音小程序', timestamp: nowS() });
    const got = await request(app).get('/api/v1/conversations/conv-1');
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ userId: 'conv-1', state: expect.objectContaining({ platform: 'douyin' }) });
    expect((await request(app).delete('/api/v1/conversations/conv-1')).status).toBe(204);
    expect((await request(app).get('/api/v1/conversations/conv-1')).status).toBe(404);
  });

  it.each([
    ['a time at the end of the Date range', { smsReceivedAt: '+275760-09-13T00:00:00.000Z', stage: 'sms_verification' }],
    ['a time that is not a time', { smsReceivedAt: 'tomorrow', createdAt: 42, updatedAt: null }],
    ['fields of the wrong type', { stage: 'nowhere', attemptsUsed: -3, changes: 'both', platform: 'alipay' }],
  ])('GET and later messages still answer 200 when the stored state holds %s', async (_name, poison) => {
    const userId = `poisoned-${Math.random()}`;
    await store.set(userId, poison as never);
    const got = await request(app).get(`/api/v1/conversations/${userId}`);
    expect(got.status).toBe(200);
    expect(got.body.state.deadline).toBeNull();
    const next = await post({ userId, text: '我还剩多少时间' });
    expect(next.status).toBe(200);
    const after = await request(app).get(`/api/v1/conversations/${userId}`);
    expect(after.status).toBe(200);
  });

  it('404 for a user never seen', async () => {
    const res = await request(app).get('/api/v1/conversations/nobody');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('operations', () => {
  it('/healthz is 200', async () => {
    expect((await request(app).get('/healthz')).status).toBe(200);
  });

  it('/readyz is 200 once trained and 503 before', async () => {
    expect((await request(app).get('/readyz')).status).toBe(200);
    const starting = createApp({ config: testConfig(), engine: () => undefined, store });
    expect((await request(starting).get('/readyz')).status).toBe(503);
    const res = await request(starting).post('/api/v1/messages').send({ userId: 'u', text: 'hi' });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('not_ready');
  });

  it('unknown paths get a JSON 404', async () => {
    const res = await request(app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });
});

describe('metrics and rate limits', () => {
  it('/metrics shows requests, intents, fallbacks, latencies and store errors', async () => {
    const metrics = new Metrics();
    const s = new MemoryConversationStore(60);
    const e = new DialogueEngine(sharedNlu(), s, metrics);
    const observed = createApp({ config: testConfig(), engine: () => e, store: s, metrics });
    await request(observed).post('/api/v1/messages').send({ userId: 'm-1', text: '收不到核验短信怎么办' });
    await request(observed).post('/api/v1/messages').send({ userId: 'm-1', text: '今天天气怎么样' });
    const res = await request(observed).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/beian_http_requests_total\{channel="json",status="200"\} \d+/);
    expect(res.text).toMatch(/beian_intents_total\{intent="sms\.not_received"\} \d+/);
    expect(res.text).toMatch(/beian_fallbacks_total\{reason="[a-z_]+"\} \d+/);
    expect(res.text).toMatch(/beian_classification_seconds_bucket/);
    expect(res.text).toMatch(/beian_reply_seconds_bucket/);
    expect(res.text).toMatch(/# TYPE beian_store_errors_total counter/);
  });

  it('429 with a JSON error past RATE_LIMIT_PER_MIN, without affecting other users', async () => {
    const { engine: e, store: s } = newEngine();
    const limited = createApp({ config: testConfig({ RATE_LIMIT_PER_MIN: '2' }), engine: () => e, store: s });
    const send = (userId: string) => request(limited).post('/api/v1/messages').send({ userId, text: 'hi' });
    expect((await send('busy')).status).toBe(200);
    expect((await send('busy')).status).toBe(200);
    const third = await send('busy');
    expect(third.status).toBe(429);
    expect(third.body.error.code).toBe('rate_limited');
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    expect((await send('calm')).status).toBe(200);
  });
});

describe('paths', () => {
  it.each(['/api/v1/conversations/%ZZ', '/api/v1/conversations/%E4%BD'])('400 (not a logged 500) for bad percent-encoding: %s', async (p) => {
    const res = await request(app).get(p);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_path');
  });
});

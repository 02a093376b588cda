import fs from 'node:fs';
import request from 'supertest';
import { createApp } from '../../src/app';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { newEngine, testConfig } from '../helpers';
import { consoleApp, untilRecorded, type ConsoleApp } from './console-app';

const TOKEN = 'console-secret';
const bearer = { Authorization: `Bearer ${TOKEN}` };
const PAGES = ['/console', '/console/inbox', '/console/knowledge', '/console/stats', '/console/users'];

/** Logs in through the form; returns the session cookie and the CSRF token the page carries. */
async function login(app: ConsoleApp['app']): Promise<{ cookie: string; csrf: string }> {
  const res = await request(app).post('/console/login').type('form').send({ token: TOKEN }).expect(303);
  const cookie = (res.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  const page = await request(app).get('/console/inbox').set('Cookie', cookie).expect(200);
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page.text)![1];
  return { cookie, csrf };
}

describe('console and admin API', () => {
  let c: ConsoleApp;
  beforeAll(async () => {
    c = await consoleApp();
  });
  afterAll(() => fs.rmSync(c.dir, { recursive: true, force: true }));

  it('is off without CONSOLE_TOKEN or API_TOKEN, on with API_TOKEN alone', async () => {
    const { engine, store } = newEngine();
    const off = createApp({ config: testConfig(), engine: () => engine, store, console: undefined });
    await request(off).get('/console').expect(404);
    const withApiToken = await consoleApp({ API_TOKEN: 'api-secret' });
    await request(withApiToken.app).get('/api/v1/admin/intents').set('Authorization', 'Bearer api-secret').expect(200);
    await request(withApiToken.app).get('/api/v1/admin/intents').set(bearer).expect(401);
  });

  it('refuses every console page, asset and admin endpoint without the token', async () => {
    for (const p of [...PAGES, '/console/assets/console.js', '/console/assets/chart.umd.min.js']) {
      const res = await request(c.app).get(p);
      expect([p, res.status]).toEqual([p, 401]);
      expect(res.text).not.toContain('csrf-token');
    }
    for (const p of ['/unanswered', '/knowledge', '/stats', '/intents', '/overlay.yaml', '/users/someone']) {
      await request(c.app).get(`/api/v1/admin${p}`).expect(401);
      await request(c.app).get(`/api/v1/admin${p}`).set('Authorization', 'Bearer wrong').expect(401);
    }
    await request(c.app).post('/api/v1/admin/teach').send({ text: '今天天气怎么样', intent: 'fallback' }).expect(401);
    await request(c.app).post('/api/v1/admin/reload').expect(401);
    // A forged cookie is no session.
    await request(c.app).get('/console').set('Cookie', 'beian_console=abc.99999999999999.forged').expect(401);
  });

  it('logs in only with the right token, with an HttpOnly SameSite=Strict cookie, Secure behind TLS', async () => {
    const wrong = await request(c.app).post('/console/login').type('form').send({ token: 'nope' }).expect(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const plain = await request(c.app).post('/console/login').type('form').send({ token: TOKEN }).expect(303);
    const cookie = (plain.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/);
    const tls = await request(c.app).post('/console/login').set('X-Forwarded-Proto', 'https').type('form').send({ token: TOKEN }).expect(303);
    expect((tls.headers['set-cookie'] as unknown as string[])[0]).toMatch(/; Secure/);
  });

  it('serves every page with a strict CSP (scripts from this origin only) and no inline script', async () => {
    const { cookie } = await login(c.app);
    for (const p of PAGES) {
      const res = await request(c.app).get(p).set('Cookie', cookie).expect(200);
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
      expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    }
    const script = await request(c.app).get('/console/assets/console.js').set('Cookie', cookie).expect(200);
    expect(script.text).toContain('data-testid');
    const chart = await request(c.app).get('/console/assets/chart.umd.min.js').set('Cookie', cookie).expect(200);
    expect(chart.text.length).toBeGreaterThan(50_000);
  });

  it('refuses cookie-session writes without the CSRF token, accepts them with it; bearer calls need none', async () => {
    const { cookie, csrf } = await login(c.app);
    await request(c.app).post('/api/v1/admin/try').set('Cookie', cookie).send({ text: 'hello' }).expect(403);
    await request(c.app).post('/api/v1/admin/try').set('Cookie', cookie).set('X-CSRF-Token', 'forged').send({ text: 'hello' }).expect(403);
    await request(c.app).post('/api/v1/admin/dismiss').set('Cookie', cookie).send({ text: 'x' }).expect(403);
    await request(c.app).delete('/api/v1/admin/users/someone').set('Cookie', cookie).expect(403);
    await request(c.app).post('/console/logout').set('Cookie', cookie).type('form').send({}).expect(403);
    await request(c.app).post('/api/v1/admin/try').set('Cookie', cookie).set('X-CSRF-Token', csrf).send({ text: 'hello' }).expect(200);
    await request(c.app).get('/api/v1/admin/intents').set('Cookie', cookie).expect(200);
    await request(c.app).post('/api/v1/admin/try').set(bearer).send({ text: 'hello' }).expect(200);
    await request(c.app).post('/console/logout').set('Cookie', cookie).type('form').send({ _csrf: csrf }).expect(303);
  });

  it('try-it shows the trace and state before and after at a pretended message time; reset forgets the test user', async () => {
    const at = new Date(Date.now() + 30 * 3600_000).toISOString();
    const first = await request(c.app).post('/api/v1/admin/try').set(bearer).send({ user: 'dl', text: '我刚收到核验短信', platform: 'wechat', at }).expect(200);
    expect(first.body.at).toBe(at);
    expect(first.body.decidedBy).toBeTruthy();
    expect(first.body.nlu.entities).toBeDefined();
    expect(first.body.after.smsReceivedAt).toBe(at);
    expect(first.body.before.smsReceivedAt).toBeNull();
    const second = await request(c.app).post('/api/v1/admin/try').set(bearer).send({ user: 'dl', text: '还剩多久', at }).expect(200);
    expect(second.body.before.smsReceivedAt).toBe(at);
    await request(c.app).post('/api/v1/admin/try/reset').set(bearer).send({ user: 'dl' }).expect(200);
    expect(await c.store.get('console:dl')).toBeUndefined();
    await request(c.app).post('/api/v1/admin/try').set(bearer).send({ text: '' }).expect(400);
    await request(c.app).post('/api/v1/admin/try').set(bearer).send({ text: 'hi', at: 'next tuesday' }).expect(400);
  });

  it('groups a missed question (masked) in the inbox, teaches it, and the JSON API then answers it with that intent', async () => {
    const asked = ['我的域名能不能转让给朋友 13812345678', '我的域名能不能转让给朋友，13812345678？', '今天天气怎么样'];
    const before = (await c.unanswered.recent(1000)).length;
    for (const text of asked) await request(c.app).post('/api/v1/admin/try').set(bearer).send({ user: 'inbox', text, platform: 'douyin' }).expect(200);
    await untilRecorded(c.unanswered, before + asked.length);
    const inbox = await request(c.app).get('/api/v1/admin/unanswered').query({ platform: 'douyin', lang: 'zh-Hans' }).set(bearer).expect(200);
    const row = inbox.body.questions.find((q: { text: string }) => q.text.includes('转让给朋友'));
    expect(row.count).toBe(2);
    expect(row.text).not.toContain('13812345678');
    expect(row.platforms).toEqual({ douyin: 2 });
    expect(row.firstSeen <= row.lastSeen).toBe(true);
    const none = await request(c.app).get('/api/v1/admin/unanswered').query({ platform: 'wechat' }).set(bearer).expect(200);
    expect(none.body.questions.some((q: { text: string }) => q.text.includes('转让给朋友'))).toBe(false);

    const question = '我的域名能不能转让给朋友 13812345678';
    const was = await request(c.app).post('/api/v1/messages').send({ userId: 'fresh-1', text: question }).expect(200);
    expect(was.body.intent).not.toBe('filing.process');
    const taught = await request(c.app).post('/api/v1/admin/teach').set(bearer).send({ text: row.text, intent: 'filing.process' }).expect(200);
    expect(taught.body.now.intent).toBe('filing.process');
    const now = await request(c.app).post('/api/v1/messages').send({ userId: 'fresh-2', text: question }).expect(200);
    expect(now.body.intent).toBe('filing.process');
    // The overlay is reviewable data, masked; the inbox no longer lists the question.
    const overlay = fs.readFileSync(`${c.dir}/overlay.yaml`, 'utf8');
    expect(overlay).toContain('filing.process');
    expect(overlay).not.toContain('13812345678');
    const after = await request(c.app).get('/api/v1/admin/unanswered').set(bearer).expect(200);
    expect(after.body.questions.some((q: { text: string }) => q.text.includes('转让给朋友'))).toBe(false);
    const exported = await request(c.app).get('/api/v1/admin/overlay.yaml').set(bearer).expect(200);
    expect(exported.text).toMatch(/intents\/filing\.process\.yaml:\s+utterances:\s+zh:/);
  });

  it('rejects a teach with an unknown intent or no text, and changes nothing', async () => {
    const before = fs.existsSync(`${c.dir}/overlay.yaml`) ? fs.readFileSync(`${c.dir}/overlay.yaml`, 'utf8') : '';
    await request(c.app).post('/api/v1/admin/teach').set(bearer).send({ text: '随便问问', intent: 'no.such_intent' }).expect(400);
    await request(c.app).post('/api/v1/admin/teach').set(bearer).send({ text: '   ', intent: 'filing.process' }).expect(400);
    await request(c.app)
      .post('/api/v1/admin/teach')
      .set(bearer)
      .send({ text: 'x'.repeat(301), intent: 'filing.process' })
      .expect(400);
    await request(c.app).post('/api/v1/admin/teach').set(bearer).set('Content-Type', 'application/json').send('{"text":').expect(400);
    expect(fs.existsSync(`${c.dir}/overlay.yaml`) ? fs.readFileSync(`${c.dir}/overlay.yaml`, 'utf8') : '').toBe(before);
  });

  it('marks a question out of scope (a fallback example) and dismisses another', async () => {
    const q = 'how do I register a trademark for my brand';
    const taught = await request(c.app).post('/api/v1/admin/teach').set(bearer).send({ text: q, intent: 'fallback' }).expect(200);
    expect(taught.body.now.intent).toBe('fallback');
    const reply = await request(c.app).post('/api/v1/messages').send({ userId: 'fresh-3', text: q }).expect(200);
    expect(reply.body.intent).toBe('fallback');
    await request(c.app).post('/api/v1/admin/try').set(bearer).send({ user: 'd', text: '今天天气怎么样' }).expect(200);
    await request(c.app).post('/api/v1/admin/dismiss').set(bearer).send({ text: '今天天气怎么样' }).expect(200);
    const inbox = await request(c.app).get('/api/v1/admin/unanswered').set(bearer).expect(200);
    expect(inbox.body.questions.some((x: { text: string }) => x.text === '今天天气怎么样')).toBe(false);
  });

  it('shows every intent with its rendered answers per platform and language, and the validation', async () => {
    const res = await request(c.app).get('/api/v1/admin/knowledge').set(bearer).expect(200);
    const validity = res.body.intents.find((i: { id: string }) => i.id === 'verify.validity');
    expect(Object.keys(validity.answers).sort()).toEqual(['any', 'douyin', 'tencent_cloud', 'wechat']);
    expect(Object.keys(validity.answers.any).sort()).toEqual(['en', 'zh-Hans', 'zh-Hant']);
    expect(validity.answers.any.en).not.toEqual(validity.answers.any['zh-Hans']);
    expect(validity.sources.length).toBeGreaterThan(0);
    expect(res.body.validation).toHaveProperty('ok');
    const process = res.body.intents.find((i: { id: string }) => i.id === 'filing.process');
    expect(process.taught.length).toBeGreaterThan(0);
  });

  it('counts turns per day by channel and language for the stats page', async () => {
    await request(c.app).post('/api/v1/messages').send({ userId: 'stats-1', text: 'how long is the code valid', channel: 'webhook' }).expect(200);
    const res = await request(c.app).get('/api/v1/admin/stats').query({ days: 3 }).set(bearer).expect(200);
    expect(res.body.days).toHaveLength(3);
    const today = res.body.days[2];
    expect(today.byChannel.webhook).toBeGreaterThanOrEqual(1);
    expect(today.byLang.en).toBeGreaterThanOrEqual(1);
    expect(today.fallbackRate).toBeGreaterThan(0);
    expect(res.body.topIntents.length).toBeGreaterThan(0);
    expect(res.body.sinceStart.intents).toBeGreaterThan(0);
    await request(c.app).get('/api/v1/admin/stats').query({ days: 'lots' }).set(bearer).expect(400);
  });

  it('looks a user up (masked) and deletes their state, logged', async () => {
    await request(c.app).post('/api/v1/messages').send({ userId: 'wechat:oUser13812345678', text: '我刚收到短信' }).expect(200);
    const res = await request(c.app)
      .get(`/api/v1/admin/users/${encodeURIComponent('wechat:oUser13812345678')}`)
      .set(bearer)
      .expect(200);
    expect(JSON.stringify(res.body)).not.toContain('13812345678');
    expect(res.body.state.stage).toBeDefined();
    const del = await request(c.app)
      .delete(`/api/v1/admin/users/${encodeURIComponent('wechat:oUser13812345678')}`)
      .set(bearer)
      .expect(200);
    expect(del.body.deleted).toBe(true);
    await request(c.app)
      .get(`/api/v1/admin/users/${encodeURIComponent('wechat:oUser13812345678')}`)
      .set(bearer)
      .expect(404);
    expect(c.store).toBeInstanceOf(MemoryConversationStore);
  });
});

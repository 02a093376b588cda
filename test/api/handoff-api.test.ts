import request from 'supertest';
import { createApp } from '../../src/app';
import { handoffSettings } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { Metrics } from '../../src/metrics';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { sharedNlu, testConfig } from '../helpers';

const TOKEN = 'agent-token';
function setup(env: Record<string, string> = {}) {
  const config = testConfig({ API_TOKEN: TOKEN, ...env });
  const store = new MemoryConversationStore(3600);
  const metrics = new Metrics();
  const engine = new DialogueEngine(sharedNlu(), store, metrics, undefined, { handoff: handoffSettings(config) });
  const app = createApp({ config, engine: () => engine, store, metrics });
  const auth = { Authorization: `Bearer ${TOKEN}` };
  const nowS = Math.floor(Date.now() / 1000);
  let n = 0;
  const send = (userId: string, text: string) =>
    request(app)
      .post('/api/v1/messages')
      .set(auth)
      .send({ userId, text, timestamp: nowS - 3600 + n++ * 10 });
  const release = (userId: string, headers: Record<string, string> = auth) =>
    request(app)
      .post(`/api/v1/conversations/${encodeURIComponent(userId)}/handoff/release`)
      .set(headers);
  return { app, send, release, auth };
}

describe('handoff on the JSON API', () => {
  it.each([
    ['zh-Hans', '我要转人工'],
    ['zh-Hant', '請幫我轉人工客服'],
    ['en', 'I want to talk to a person'],
  ])('%s: the case goes with the handoff, the bot stays silent, and answers again once released', async (lang, ask) => {
    const { send, release } = setup();
    const user = `user-${lang}`;
    await send(user, lang === 'en' ? "I'm filing a Douyin mini program and got the MIIT SMS 2 hours ago" : '我是抖音小程序，2小时前收到了工信部核验短信');
    await send(user, lang === 'en' ? 'I entered it wrong 2 times' : '输错2次了');
    const start = await send(user, ask);
    expect(start.status).toBe(200);
    expect(start.body.reply).not.toBe('');
    expect(start.body.lang).toBe(lang);
    expect(start.body.decidedBy).toBe('handoff_request');
    expect(start.body.handoff).toMatchObject({ active: true, reason: 'requested' });
    const c = start.body.handoff.case;
    expect(c).toMatchObject({ platform: 'douyin', stage: 'sms_verification', attemptsUsed: 2, attemptsLeft: 3, lang, userKey: user });
    expect(new Date(c.deadline).getTime() - new Date(c.smsReceivedAt).getTime()).toBe(24 * 3600_000);
    expect(c.lastIntents.at(-1)).toBe('chat.human');
    expect(start.body.handoff.summary).toContain('抖音小程序');
    expect(start.body.handoff.summary).toMatch(/已输错 2 次/);
    expect(start.body.handoff.summary).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

    const silent = await send(user, lang === 'en' ? 'how long do I have left?' : '我还剩多久');
    expect(silent.status).toBe(200);
    expect(silent.body.reply).toBe('');
    expect(silent.body.handoff.active).toBe(true);

    const released = await release(user);
    expect(released.status).toBe(200);
    expect(released.body.released).toBe(true);
    const back = await send(user, lang === 'en' ? 'how long do I have left?' : '我还剩多久');
    expect(back.body.reply).not.toBe('');
    expect(back.body.handoff).toBeUndefined();
  });

  it('release needs the API token, and is 404 for an unknown user', async () => {
    const { send, release } = setup();
    await send('u', '转人工');
    expect((await release('u', {})).status).toBe(401);
    expect((await release('u', { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await release('nobody')).status).toBe(404);
    expect((await send('u', '在吗')).body.reply).toBe('');
  });

  it('GET shows the active handoff; /metrics counts starts by reason, ends and durations', async () => {
    const { app, send, release, auth } = setup();
    await send('m', '转人工');
    const got = await request(app).get('/api/v1/conversations/m').set(auth);
    expect(got.body.handoff).toMatchObject({ active: true, reason: 'requested' });
    await release('m');
    const metrics = (await request(app).get('/metrics')).text;
    expect(metrics).toMatch(/beian_handoffs_started_total\{reason="requested"\} 1/);
    expect(metrics).toMatch(/beian_handoffs_ended_total\{reason="released"\} 1/);
    expect(metrics).toMatch(/beian_handoff_duration_seconds_count 1/);
  });

  it('HANDOFF_ENABLED=false keeps the bot answering', async () => {
    const { send, release } = setup({ HANDOFF_ENABLED: 'false' });
    const res = await send('x', '转人工');
    expect(res.body.reply).not.toBe('');
    expect(res.body.handoff).toBeUndefined();
    expect((await send('x', '在吗')).body.reply).not.toBe('');
    expect((await release('x')).status).toBe(404);
  });
});

import { createHmac } from 'node:crypto';
import Redis from 'ioredis';
import request from 'supertest';
import { createApp } from '../../src/app';
import { handoffSettings } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { handoffNotifierFrom, HandoffNotifier } from '../../src/handoff/handoff-notifier';
import { Metrics } from '../../src/metrics';
import { MemoryClaimStore } from '../../src/state/claim-store';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { RedisClaimStore } from '../../src/state/redis-claim-store';
import { describeWithRedis, sharedNlu, testConfig, TEST_REDIS_URL } from '../helpers';
import { fakeApi, type FakeApi } from '../reminders/fake-api';

const SECRET = 'hook-secret';

/** The JSON API with handoff notifications to `receivers`; resolves once notifications settle. */
function appWith(env: Record<string, string>, claims = new MemoryClaimStore()) {
  const config = testConfig(env);
  const store = new MemoryConversationStore(3600);
  const metrics = new Metrics();
  const notifier = handoffNotifierFrom(config, { claims, metrics })!;
  const sent: Array<Promise<void>> = [];
  const engine = new DialogueEngine(sharedNlu(), store, metrics, undefined, {
    handoff: handoffSettings(config),
    onHandoff: (e) => sent.push(notifier.notify(e)),
  });
  const app = createApp({ config, engine: () => engine, store, metrics });
  const say = (userId: string, text: string) => request(app).post('/api/v1/messages').send({ userId, text });
  return { app, say, settled: () => Promise.all(sent), metrics };
}

describe('agents are notified of a handoff', () => {
  let hook: FakeApi;
  let robot: FakeApi;
  beforeEach(async () => {
    hook = await fakeApi(() => ({ status: 204 }));
    robot = await fakeApi(() => ({ json: { errcode: 0, errmsg: 'ok' } }));
  });
  afterEach(async () => {
    await hook.close();
    await robot.close();
  });

  it('POSTs the case to HANDOFF_WEBHOOK_URL signed with WEBHOOK_SECRET, and the summary to the WeCom group robot as markdown', async () => {
    const { app, settled } = appWith({
      HANDOFF_WEBHOOK_URL: `${hook.url}/handoff`,
      HANDOFF_WECOM_ROBOT_KEY: 'robot-key',
      WECOM_API_BASE: robot.url,
      WEBHOOK_SECRET: SECRET,
    });
    const sign = (ts: string, body: string) => `sha256=${createHmac('sha256', SECRET).update(`${ts}.${body}`).digest('hex')}`;
    const signed = (body: object) => {
      const raw = JSON.stringify(body);
      const ts = String(Math.floor(Date.now() / 1000));
      return request(app)
        .post('/api/v1/messages')
        .set('Content-Type', 'application/json')
        .set('X-Signature-Timestamp', ts)
        .set('X-Signature', sign(ts, raw))
        .send(raw);
    };
    await signed({ userId: 'n1', text: '微信小程序，输错1次了，手机13812345678' });
    await signed({ userId: 'n1', text: '转人工' });
    await settled();

    expect(hook.received).toHaveLength(1);
    const [post] = hook.received;
    const ts = post.headers['x-signature-timestamp'] as string;
    expect(post.headers['x-signature']).toBe(sign(ts, post.body));
    const body = JSON.parse(post.body);
    expect(body).toMatchObject({
      event: 'handoff.started',
      userId: 'n1',
      handoff: { active: true, reason: 'requested', case: { platform: 'wechat', attemptsUsed: 1 } },
    });
    expect(post.body).not.toMatch(/13812345678/);

    expect(robot.received).toHaveLength(1);
    expect(robot.received[0].path).toBe('/cgi-bin/webhook/send');
    expect(robot.received[0].query.get('key')).toBe('robot-key');
    const msg = JSON.parse(robot.received[0].body);
    expect(msg.msgtype).toBe('markdown');
    expect(msg.markdown.content).toContain('微信小程序');
    expect(msg.markdown.content).not.toMatch(/13812345678/);
  });

  it('HANDOFF_WEBHOOK_SECRET overrides WEBHOOK_SECRET; the end of a handoff is posted too', async () => {
    const { say, settled, app } = appWith({ HANDOFF_WEBHOOK_URL: hook.url, HANDOFF_WEBHOOK_SECRET: 'own' });
    await say('n2', 'talk to a person');
    await request(app).post('/api/v1/conversations/n2/handoff/release');
    await settled();
    expect(hook.received.map((r) => JSON.parse(r.body).event)).toEqual(['handoff.started', 'handoff.ended']);
    const [first] = hook.received;
    const ts = first.headers['x-signature-timestamp'] as string;
    expect(first.headers['x-signature']).toBe(`sha256=${createHmac('sha256', 'own').update(`${ts}.${first.body}`).digest('hex')}`);
    expect(JSON.parse(hook.received[1].body).handoff).toMatchObject({ active: false, endedBy: 'released' });
  });

  it('retries a receiver that fails with 5xx, and gives up on a 4xx', async () => {
    let calls = 0;
    const flaky = await fakeApi(() => ({ status: ++calls < 2 ? 503 : 200 }));
    const refusing = await fakeApi(() => ({ status: 400 }));
    try {
      const event = {
        kind: 'started' as const,
        userKey: 'r',
        at: new Date(),
        handoff: { active: true, since: new Date().toISOString(), by: 'webhook', reason: 'requested' as const },
      };
      await new HandoffNotifier({ webhookUrl: flaky.url, wecomApiBase: robot.url, claims: new MemoryClaimStore(), backoffMs: 5 }).notify(event);
      expect(flaky.received).toHaveLength(2);
      await new HandoffNotifier({ webhookUrl: refusing.url, wecomApiBase: robot.url, claims: new MemoryClaimStore(), backoffMs: 5 }).notify(event);
      expect(refusing.received).toHaveLength(1);
    } finally {
      await flaky.close();
      await refusing.close();
    }
  });

  describeWithRedis('across instances', () => {
    let redis: Redis;
    beforeAll(() => {
      redis = new Redis(TEST_REDIS_URL!);
    });
    afterAll(async () => {
      await redis.quit();
    });

    it('sends each notification once when two instances see the same handoff', async () => {
      const prefix = `test:claim:${Date.now()}:`;
      const env = { HANDOFF_WEBHOOK_URL: hook.url, HANDOFF_WECOM_ROBOT_KEY: 'k', WECOM_API_BASE: robot.url };
      const event = {
        kind: 'started' as const,
        userKey: 'twice',
        at: new Date(),
        handoff: { active: true, since: new Date().toISOString(), by: 'wechat', reason: 'requested' as const },
      };
      const a = handoffNotifierFrom(testConfig(env), { claims: new RedisClaimStore(redis, prefix) })!;
      const b = handoffNotifierFrom(testConfig(env), { claims: new RedisClaimStore(redis, prefix) })!;
      await Promise.all([a.notify(event), b.notify(event), a.notify(event)]);
      expect(hook.received).toHaveLength(1);
      expect(robot.received).toHaveLength(1);
    });
  });
});

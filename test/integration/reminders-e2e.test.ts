import { createHmac, randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from '../../src/app';
import { createBackends, type Backends } from '../../src/bot';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { wireReminders, type ReminderWiring } from '../../src/reminders/reminder-port';
import { fakeApi, type FakeApi } from '../reminders/fake-api';
import { waitFor } from '../reminders/fixtures';
import { describeWithRedis, sharedNlu, testConfig, TEST_REDIS_URL } from '../helpers';

// End to end through the JSON API: a user reports the SMS, accepts the offer, and the deployment's
// receiver gets one signed reminder. The offset is 23 h 59 min 54 s, so a reminder for an SMS that
// came "just now" is due ~6 s later.
const SECRET = 'e2e-reminder-secret';
const ENV = { REMINDER_BEFORE: '23h59m54s', REMINDER_QUIET_HOURS: '', REMINDER_WEBHOOK_SECRET: SECRET };
const DUE_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Instance {
  app: ReturnType<typeof createApp>;
  wiring: ReminderWiring;
  backends: Backends;
  close(): Promise<void>;
}

function instance(env: Record<string, string>, queuePrefix?: string): Instance {
  const config = testConfig({ ...ENV, ...env });
  const backends = createBackends(config);
  const wiring = wireReminders(config, backends.store, { registry: new Registry(), queuePrefix });
  const engine = new DialogueEngine(sharedNlu(), backends.store, undefined, undefined, { reminders: wiring.port });
  wiring.setEngine(engine);
  const app = createApp({ config, engine: () => engine, store: backends.store, onForget: (u) => wiring.reminders.cancel(u) });
  let closed = false;
  return {
    app,
    wiring,
    backends,
    close: async () => {
      if (closed) return;
      closed = true;
      await wiring.reminders.close();
      await backends.close();
    },
  };
}

let receiver: FakeApi;
const instances: Instance[] = [];
beforeEach(async () => {
  receiver = await fakeApi(() => ({ status: 204 }));
});
afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.close()));
  await receiver.close();
});

const start = (env: Record<string, string> = {}, prefix?: string) => {
  const i = instance({ REMINDER_WEBHOOK_URL: `${receiver.url}/reminders`, ...env }, prefix);
  instances.push(i);
  return i;
};
const say = async (i: Instance, userId: string, text: string) => {
  const res = await request(i.app).post('/api/v1/messages').send({ userId, text, timestamp: new Date().toISOString() });
  expect(res.status).toBe(200);
  return res.body;
};
/** The reminders the receiver got, each checked for a valid signature. */
const delivered = () =>
  receiver.received.map((r) => {
    const ts = String(r.headers['x-signature-timestamp']);
    expect(r.headers['x-signature']).toBe(`sha256=${createHmac('sha256', SECRET).update(`${ts}.${r.body}`).digest('hex')}`);
    return JSON.parse(r.body) as { userId: string; text: string; deadline: string; lang: string };
  });

describe('reminders end to end through the JSON API (in-process scheduler)', () => {
  it('an accepted offer delivers exactly one signed reminder with the deadline and the user language', async () => {
    const i = start();
    const report = await say(i, 'e2e-en', 'I just got the MIIT verification SMS');
    expect(report.reply).toMatch(/remind you/);
    const yes = await say(i, 'e2e-en', 'yes please');
    expect(yes.state.reminder.status).toBe('scheduled');
    await waitFor(() => receiver.received.length > 0, DUE_MS + 10_000, 'the reminder');
    await sleep(1500);
    const [only, ...more] = delivered();
    expect(more).toEqual([]);
    expect(only).toMatchObject({ userId: 'e2e-en', deadline: report.state.deadline, lang: 'en' });
    // The deadline as Beijing HH:mm, and the tries left.
    const bj = new Date(Date.parse(report.state.deadline) + 8 * 3600_000);
    const hhmm = `${String(bj.getUTCHours()).padStart(2, '0')}:${String(bj.getUTCMinutes()).padStart(2, '0')}`;
    expect(only.text).toContain(hhmm);
    expect(only.text).toMatch(/5 tries left/);
    const after = await request(i.app).get('/api/v1/conversations/e2e-en');
    expect(after.body.state.reminder).toMatchObject({ status: 'sent' });
  });

  it('in Traditional Chinese the reminder comes in Traditional, with the zh-Hant language', async () => {
    const i = start();
    await say(i, 'e2e-hant', '剛收到工信部的核驗簡訊');
    await say(i, 'e2e-hant', '好啊');
    await waitFor(() => receiver.received.length > 0, DUE_MS + 10_000, 'the reminder');
    const [only] = delivered();
    expect(only.lang).toBe('zh-Hant');
    expect(only.text).toMatch(/提醒：你的工信部核驗簡訊|核驗/);
    expect(only.text).not.toMatch(/核验/);
  });

  it('rescheduled, cancelled and forgotten: only the moved reminder arrives, nothing for the others', async () => {
    const i = start();
    const first = await say(i, 'e2e-move', '刚收到核验短信');
    await say(i, 'e2e-move', '好');
    await sleep(1500);
    const second = await say(i, 'e2e-move', '刚刚又收到一条新的核验短信');
    expect(second.state.deadline).not.toBe(first.state.deadline);
    expect(second.state.reminder.status).toBe('scheduled');

    await say(i, 'e2e-stop', '刚收到核验短信');
    await say(i, 'e2e-stop', '提醒我');
    await say(i, 'e2e-stop', '别提醒我');
    await say(i, 'e2e-gone', '刚收到核验短信');
    await say(i, 'e2e-gone', '好的');
    expect((await request(i.app).delete('/api/v1/conversations/e2e-gone')).status).toBe(204);

    await waitFor(() => receiver.received.length > 0, DUE_MS + 10_000, 'the moved reminder');
    await sleep(DUE_MS);
    expect(delivered().map((b) => [b.userId, b.deadline])).toEqual([['e2e-move', second.state.deadline]]);
  });
});

describeWithRedis('reminders end to end with two instances on Redis (BullMQ)', () => {
  let prefix: string;
  beforeEach(() => {
    prefix = `e2e-${randomUUID()}`;
  });
  const env = () => ({ REDIS_URL: TEST_REDIS_URL! });

  it('one reminder accepted on one instance is delivered once, with both instances running', async () => {
    const [a, b] = [start(env(), prefix), start(env(), prefix)];
    expect(await a.backends.ready()).toBe(true);
    expect(await b.backends.ready()).toBe(true);
    const user = `e2e-two-${randomUUID()}`;
    const report = await say(a, user, 'I just got the MIIT verification SMS');
    // The next turn may land on the other instance: the offer is in the shared state.
    const yes = await say(b, user, 'sure');
    expect(yes.intent).toBe('reminder.opt_in');
    await waitFor(() => receiver.received.length > 0, DUE_MS + 15_000, 'the reminder');
    await sleep(2000);
    expect(delivered().map((d) => [d.userId, d.deadline, d.lang])).toEqual([[user, report.state.deadline, 'en']]);
  });

  it('an instance stopped before the due time: the other delivers its reminder', async () => {
    const [a, b] = [start(env(), prefix), start(env(), prefix)];
    expect(await a.backends.ready()).toBe(true);
    expect(await b.backends.ready()).toBe(true);
    const user = `e2e-stopped-${randomUUID()}`;
    const report = await say(a, user, '刚收到核验短信');
    expect((await say(a, user, '提醒我')).state.reminder.status).toBe('scheduled');
    await a.close();
    await waitFor(() => receiver.received.length > 0, DUE_MS + 15_000, 'the reminder');
    await sleep(1500);
    expect(delivered().map((d) => [d.userId, d.deadline, d.lang])).toEqual([[user, report.state.deadline, 'zh-Hans']]);
    expect((await request(b.app).get(`/api/v1/conversations/${user}`)).body.state.reminder.status).toBe('sent');
  });
});

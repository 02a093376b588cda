import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { Registry } from 'prom-client';
import { BullmqReminderScheduler, reminderJobId } from '../../src/reminders/bullmq-reminder-scheduler';
import { createReminders, type Reminders } from '../../src/reminders/create-reminders';
import { planReminders } from '../../src/reminders/reminder-plan';
import type { ReminderJob, ReminderStateView } from '../../src/reminders/reminder-types';
import { describeWithRedis, testConfig, TEST_REDIS_URL } from '../helpers';
import { fakeApi, type FakeApi } from './fake-api';
import { metricValue, simpleRender, stateView, waitFor } from './fixtures';

const H = 3600_000;
const ROOT = path.resolve(__dirname, '..', '..');
const SECRET = 'multi-instance-secret';

/** An SMS time whose single reminder (1 h before its deadline) is due `dueInMs` from now. */
// 1 h before the deadline, no quiet hours: the tests run at any time of the Beijing day.
const ENV = { REDIS_URL: TEST_REDIS_URL ?? '', REMINDERS: 'always', REMINDER_BEFORE: '1h', REMINDER_QUIET_HOURS: '', WEBHOOK_SECRET: SECRET };
const smsDueIn = (dueInMs: number) => new Date(Date.now() + dueInMs - 23 * H);
const planFor = (sms: Date) => planReminders(sms, new Date(), { before: [H], atResend: false, quietHours: null });

describeWithRedis('BullmqReminderScheduler (Redis)', () => {
  const open: Array<{ close(): Promise<unknown> }> = [];
  const children: ChildProcess[] = [];
  let prefix: string;
  let receiver: FakeApi;

  beforeEach(async () => {
    prefix = `test-${randomUUID()}`;
    receiver = await fakeApi((req) => {
      const ts = String(req.headers['x-signature-timestamp']);
      const ok = req.headers['x-signature'] === `sha256=${createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex')}`;
      return { status: ok ? 200 : 401 };
    });
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
    await Promise.allSettled(open.splice(0).map((o) => o.close()));
    await receiver.close();
  });

  /** One bot instance's reminders: BullMQ worker, Redis claims, the signed webhook to the local receiver. */
  function instance(states: Map<string, ReminderStateView>): Reminders {
    const config = testConfig({ ...ENV, REMINDER_WEBHOOK_URL: `${receiver.url}/reminders` });
    const reminders = createReminders(config, {
      registry: new Registry(),
      queuePrefix: prefix,
      loadState: async (userKey) => states.get(userKey),
      renderReminder: simpleRender,
      saveReminderStatus: async () => undefined,
    });
    open.push(reminders);
    return reminders;
  }
  const delivered = (userKey: string) => receiver.received.filter((r) => JSON.parse(r.body).userId === userKey);

  it('stores job ids without ":" (user keys encoded), and lists what is scheduled', async () => {
    const scheduler = new BullmqReminderScheduler({ redisUrl: TEST_REDIS_URL!, prefix });
    open.push(scheduler);
    const userKey = 'wechat:oyOR:nuP8';
    const sms = smsDueIn(60_000);
    const jobs = await scheduler.schedule(userKey, { smsReceivedAt: sms, plan: planFor(sms), delivery: { channel: 'wechat' } });
    expect(reminderJobId(userKey, 0)).not.toContain(':');
    const listed = await scheduler.list();
    expect(listed).toEqual(jobs);
    expect(listed[0]).toMatchObject({ userKey, index: 0, delivery: { channel: 'wechat' }, smsReceivedAt: sms.toISOString() });
  });

  it('replaces the pending reminder when rescheduled, and cancels it', async () => {
    const scheduler = new BullmqReminderScheduler({ redisUrl: TEST_REDIS_URL!, prefix });
    open.push(scheduler);
    const [first, second] = [smsDueIn(60_000), smsDueIn(120_000)];
    await scheduler.schedule('u1', { smsReceivedAt: first, plan: planFor(first), delivery: { channel: 'webhook' } });
    await scheduler.schedule('u2', { smsReceivedAt: first, plan: planFor(first), delivery: { channel: 'webhook' } });
    // A new SMS time, now reported on another channel's queue: the old job must go from every queue.
    await scheduler.schedule('u1', { smsReceivedAt: second, plan: planFor(second), delivery: { channel: 'wecom' } });
    expect((await scheduler.list()).map((j: ReminderJob) => [j.userKey, j.smsReceivedAt])).toEqual([
      ['u2', first.toISOString()],
      ['u1', second.toISOString()],
    ]);
    expect(await scheduler.cancel('u1')).toBe(1);
    expect(await scheduler.cancel('u1')).toBe(0);
    expect((await scheduler.list()).map((j) => j.userKey)).toEqual(['u2']);
  });

  it('delivers one reminder exactly once with two instances that both scheduled it', async () => {
    const userKey = `u-${randomUUID()}`;
    const sms = smsDueIn(1500);
    const states = new Map([[userKey, stateView(sms, { lang: 'en' })]]);
    const [a, b] = [instance(states), instance(states)];
    const [ra, rb] = await Promise.all([
      a.scheduleFor(userKey, { smsReceivedAt: sms, delivery: { channel: 'webhook' } }),
      b.scheduleFor(userKey, { smsReceivedAt: sms, delivery: { channel: 'webhook' } }),
    ]);
    expect([ra.status, rb.status]).toEqual(['scheduled', 'scheduled']);
    await waitFor(() => delivered(userKey).length > 0, 15_000, 'the reminder');
    // Give a duplicate every chance to arrive: both workers poll the same queue.
    await new Promise((r) => setTimeout(r, 1500));
    expect(delivered(userKey)).toHaveLength(1);
    expect(JSON.parse(delivered(userKey)[0].body)).toMatchObject({ userId: userKey, lang: 'en', deadline: new Date(sms.getTime() + 24 * H).toISOString() });
    expect(await a.scheduler.list()).toEqual([]);
  });

  it('delivers from the other instance a reminder whose instance was closed before it was due', async () => {
    const userKey = `u-${randomUUID()}`;
    const sms = smsDueIn(1500);
    const states = new Map([[userKey, stateView(sms)]]);
    const a = instance(states);
    expect((await a.scheduleFor(userKey, { smsReceivedAt: sms, delivery: { channel: 'webhook' } })).status).toBe('scheduled');
    await a.close();
    const b = instance(states);
    await waitFor(() => delivered(userKey).length > 0, 15_000, 'the reminder');
    expect(delivered(userKey)).toHaveLength(1);
    expect(await b.scheduler.list()).toEqual([]);
  });

  it('delivers from the other instance a reminder whose process was killed (SIGKILL) before it was due', async () => {
    const userKey = `u-${randomUUID()}`;
    const states = new Map<string, ReminderStateView>();
    const b = instance(states);
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'reminders', 'schedule-child.ts')], {
      cwd: ROOT,
      env: { ...process.env, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, USER_KEY: userKey, REMINDER_DUE_IN_MS: '3000', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('scheduled'), 20_000, 'the child to schedule');
    child.kill('SIGKILL');
    // The child planned for an SMS time of its own clock: the state the engine would have saved.
    const sms = new Date(/sms=(\S+)/.exec(out)?.[1] ?? '');
    states.set(userKey, stateView(sms));
    expect((await b.scheduler.list()).filter((j) => j.userKey === userKey)).toHaveLength(1);
    await waitFor(() => delivered(userKey).length > 0, 15_000, 'the reminder');
    expect(delivered(userKey)).toHaveLength(1);
    expect(out).not.toContain('fired');
    expect(await b.scheduler.list()).toEqual([]);
  });

  it('cancels across instances: one schedules, the other cancels, nothing is delivered', async () => {
    const userKey = `u-${randomUUID()}`;
    const sms = smsDueIn(1000);
    const states = new Map([[userKey, stateView(sms)]]);
    const [a, b] = [instance(states), instance(states)];
    await a.scheduleFor(userKey, { smsReceivedAt: sms, delivery: { channel: 'webhook' } });
    expect(await b.cancel(userKey)).toBe(1);
    await new Promise((r) => setTimeout(r, 2000));
    expect(delivered(userKey)).toHaveLength(0);
  });

  it('counts scheduled and sent reminders on the instance that did each', async () => {
    const userKey = `u-${randomUUID()}`;
    const sms = smsDueIn(1000);
    const registry = new Registry();
    const config = testConfig({ ...ENV, REMINDER_WEBHOOK_URL: receiver.url });
    const a = createReminders(config, {
      registry,
      queuePrefix: prefix,
      loadState: async () => stateView(sms),
      renderReminder: simpleRender,
      saveReminderStatus: async () => undefined,
    });
    open.push(a);
    await a.scheduleFor(userKey, { smsReceivedAt: sms, delivery: { channel: 'webhook' } });
    await waitFor(() => delivered(userKey).length > 0, 15_000, 'the reminder');
    const metric = (name: string) => metricValue(registry, name, { channel: 'webhook' });
    await waitFor(async () => (await metric('beian_reminders_sent_total')) === 1, 5000, 'the sent counter');
    expect(await metric('beian_reminders_scheduled_total')).toBe(1);
  });
});

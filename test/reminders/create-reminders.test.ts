import { createHmac } from 'node:crypto';
import { Registry } from 'prom-client';
import { createReminders, type Reminders, type RemindersDeps } from '../../src/reminders/create-reminders';
import type { ReminderStateView } from '../../src/reminders/reminder-types';
import { testConfig } from '../helpers';
import { fakeApi, type FakeApi } from './fake-api';
import { metricValue, recordingSender, simpleRender, stateView, waitFor } from './fixtures';

const H = 3600_000;
const SECRET = 'reminder-secret';
// 1 h before the deadline, no quiet hours: the tests run at any time of the Beijing day.
const ENV = { REMINDERS: 'always', REMINDER_BEFORE: '1h', REMINDER_QUIET_HOURS: '', REMINDER_WEBHOOK_SECRET: SECRET };
/** An SMS time whose reminder (1 h before its deadline) is due `dueInMs` from now. */
const smsDueIn = (dueInMs: number) => new Date(Date.now() + dueInMs - 23 * H);

describe('createReminders without Redis (in-process scheduler, signed webhook)', () => {
  let receiver: FakeApi;
  let reminders: Reminders | undefined;
  let states: Map<string, ReminderStateView>;
  let registry: Registry;

  beforeEach(async () => {
    states = new Map();
    registry = new Registry();
    receiver = await fakeApi((req) => {
      const ts = String(req.headers['x-signature-timestamp']);
      const ok = req.headers['x-signature'] === `sha256=${createHmac('sha256', SECRET).update(`${ts}.${req.body}`).digest('hex')}`;
      return { status: ok ? 204 : 401 };
    });
  });
  afterEach(async () => {
    await reminders?.close();
    reminders = undefined;
    await receiver.close();
  });

  function start(env: Record<string, string> = {}, deps: Partial<RemindersDeps> = {}): Reminders {
    reminders = createReminders(testConfig({ ...ENV, REMINDER_WEBHOOK_URL: `${receiver.url}/hook`, ...env }), {
      registry,
      loadState: async (userKey) => states.get(userKey),
      renderReminder: simpleRender,
      saveReminderStatus: async (userKey, r) => {
        const s = states.get(userKey);
        if (s && s.smsReceivedAt === r.smsReceivedAt) states.set(userKey, { ...s, reminder: { at: r.at, status: r.status } });
      },
      ...deps,
    });
    return reminders;
  }
  const bodies = () => receiver.received.map((r) => JSON.parse(r.body));

  it('delivers one signed reminder with the deadline and language, and records it as sent', async () => {
    const r = start();
    const sms = smsDueIn(600);
    states.set('u-1', stateView(sms, { lang: 'zh-Hant' }));
    const outcome = await r.scheduleFor('u-1', { smsReceivedAt: sms, delivery: { channel: 'webhook' } });
    expect(outcome).toMatchObject({ status: 'scheduled', at: new Date(sms.getTime() + 23 * H).toISOString() });
    await waitFor(() => receiver.received.length > 0, 10_000, 'the reminder');
    await new Promise((res) => setTimeout(res, 300));
    expect(bodies()).toEqual([
      { userId: 'u-1', text: expect.stringContaining('[zh-Hant]'), deadline: new Date(sms.getTime() + 24 * H).toISOString(), lang: 'zh-Hant' },
    ]);
    await waitFor(() => states.get('u-1')?.reminder?.status === 'sent', 2000, 'the status');
    expect(await metricValue(registry, 'beian_reminders_sent_total', { channel: 'webhook' })).toBe(1);
  });

  it('moves the reminder with a new SMS time: only the new one arrives', async () => {
    const r = start();
    const [first, second] = [smsDueIn(400), smsDueIn(1200)];
    await r.scheduleFor('u-1', { smsReceivedAt: first, delivery: { channel: 'webhook' } });
    states.set('u-1', stateView(second));
    await r.scheduleFor('u-1', { smsReceivedAt: second, delivery: { channel: 'webhook' } });
    await waitFor(() => receiver.received.length > 0, 10_000, 'the reminder');
    await new Promise((res) => setTimeout(res, 300));
    expect(bodies().map((b) => b.deadline)).toEqual([new Date(second.getTime() + 24 * H).toISOString()]);
  });

  it('sends nothing once cancelled, and nothing to a forgotten user', async () => {
    const r = start();
    const sms = smsDueIn(300);
    states.set('u-1', stateView(sms));
    await r.scheduleFor('u-1', { smsReceivedAt: sms, delivery: { channel: 'webhook' } });
    expect(await r.cancel('u-1')).toBe(1);
    await r.scheduleFor('u-2', { smsReceivedAt: sms, delivery: { channel: 'webhook' } });
    // u-2 was forgotten (DELETE /conversations) before the reminder was due; its job fires and finds no state.
    await new Promise((res) => setTimeout(res, 1200));
    expect(receiver.received).toHaveLength(0);
    expect(await metricValue(registry, 'beian_reminders_skipped_total', { reason: 'state_gone' })).toBe(1);
    expect(await metricValue(registry, 'beian_reminders_cancelled_total')).toBe(1);
    expect(await r.scheduler.list()).toEqual([]);
  });

  it('schedules nothing when reminders are off, when no sender serves the channel, or when nothing is still due', async () => {
    const off = start({ REMINDERS: 'off' });
    expect(await off.scheduleFor('u-1', { smsReceivedAt: smsDueIn(60_000), delivery: { channel: 'webhook' } })).toEqual({
      status: 'not_scheduled',
      reason: 'off',
    });
    await off.close();
    const noUrl = start({ REMINDER_WEBHOOK_URL: '' }, { registry: new Registry() });
    expect(noUrl.canDeliver('webhook')).toBe(false);
    expect(await noUrl.scheduleFor('u-1', { smsReceivedAt: smsDueIn(60_000), delivery: { channel: 'webhook' } })).toEqual({
      status: 'not_scheduled',
      reason: 'no_sender',
    });
    await noUrl.close();
    const r = start({}, { registry: new Registry() });
    expect(await r.scheduleFor('u-1', { smsReceivedAt: smsDueIn(-1000), delivery: { channel: 'webhook' } })).toEqual({
      status: 'not_scheduled',
      reason: 'nothing_due',
    });
  });

  it('serves 微信客服 only once its sender is passed in (the extension point), and the chat channels from their keys', async () => {
    const plain = start();
    expect(['webhook', 'wechat', 'wecom', 'douyin', 'wechaty', 'wecom_kf'].filter((c) => plain.canDeliver(c as never))).toEqual(['webhook']);
    await plain.close();
    const kf = recordingSender();
    const all = start(
      {
        WECHAT_APPID: 'wx',
        WECHAT_APP_SECRET: 's',
        WECOM_CORP_ID: 'ww',
        WECOM_SECRET: 's',
        WECOM_AGENT_ID: '1',
        DOUYIN_CLIENT_KEY: 'k',
        DOUYIN_CLIENT_SECRET: 's',
      },
      { registry: new Registry(), senders: { wecom_kf: kf }, wechatySay: async () => undefined },
    );
    expect(['webhook', 'wechat', 'wecom', 'douyin', 'wechaty', 'wecom_kf'].every((c) => all.canDeliver(c as never))).toBe(true);
  });

  it("opens the WeChat service window from the user's messages, so a WeChat reminder can go out", async () => {
    const sent: string[] = [];
    const r = start({}, { wechatClient: { sendText: async (openId: string) => void sent.push(openId) } });
    const sms = smsDueIn(300);
    states.set('wechat:o1', stateView(sms));
    states.set('wechat:o2', stateView(sms));
    await r.recordInbound('wechat:o1', 'wechat', new Date());
    await r.scheduleFor('wechat:o1', { smsReceivedAt: sms, delivery: { channel: 'wechat' } });
    // o2 never wrote through the channel that records the window: outside it, not sent and counted.
    await r.scheduleFor('wechat:o2', { smsReceivedAt: sms, delivery: { channel: 'wechat' } });
    const skipped = async () => metricValue(registry, 'beian_reminders_skipped_total', { reason: 'outside_window' });
    await waitFor(async () => sent.length === 1 && (await skipped()) === 1, 10_000, 'both reminders');
    expect(sent).toEqual(['o1']);
  });
});

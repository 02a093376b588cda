import { Registry } from 'prom-client';
import request from 'supertest';
import { createApp } from '../../src/app';
import { DialogueEngine } from '../../src/core/dialogue-engine';
import { reminderBlocked, reminderText } from '../../src/core/reminder-turn';
import { wireReminders, type ReminderWiring } from '../../src/reminders/reminder-port';
import { newConversationState, reviveState, type ConversationState } from '../../src/state/conversation-state';
import { MemoryConversationStore } from '../../src/state/memory-conversation-store';
import { sharedNlu, testConfig } from '../helpers';
import { recordingSender } from './fixtures';

// The conversation side of reminders through the JSON API: offer, accept, lapse, opt-out,
// reschedule and cancel, with the real in-process scheduler (nothing here is due for hours).
const H = 3600_000;
let wiring: ReminderWiring;
let app: ReturnType<typeof createApp>;

function start(env: Record<string, string> = {}): void {
  const config = testConfig({ REMINDER_BEFORE: '2h', REMINDER_QUIET_HOURS: '', ...env });
  const store = new MemoryConversationStore(3600);
  wiring = wireReminders(config, store, { registry: new Registry(), senders: { webhook: recordingSender() } });
  const engine = new DialogueEngine(sharedNlu(), store, undefined, undefined, { reminders: wiring.port });
  wiring.setEngine(engine);
  app = createApp({ config, engine: () => engine, store, onForget: (u) => wiring.reminders.cancel(u) });
}
afterEach(async () => wiring?.reminders.close());

const say = async (userId: string, text: string) => {
  const res = await request(app).post('/api/v1/messages').send({ userId, text });
  expect(res.status).toBe(200);
  return res.body;
};
const pending = async () => (await wiring.reminders.scheduler.list()).map((j) => ({ user: j.userKey, at: j.at }));
/** An SMS `hoursAgo` hours ago, as users write it ("3小时前收到核验短信"). */
const smsAgo = (zh: boolean, hoursAgo: number) => (zh ? `${hoursAgo}小时前收到了工信部核验短信` : `got the MIIT verification sms ${hoursAgo} hours ago`);

describe('offering a deadline reminder (REMINDERS=offer)', () => {
  beforeEach(() => start());

  it('ends the reply that records the SMS time with one offer line naming REMINDER_BEFORE, and schedules nothing yet', async () => {
    const b = await say('u-offer', smsAgo(true, 3));
    expect(b.state.stage).toBe('sms_verification');
    expect(b.reply.split('\n').pop()).toMatch(/截止前 2 小时提醒你.*提醒我/);
    expect(b.state.reminder).toMatchObject({ status: 'offered' });
    expect(await pending()).toEqual([]);
  });

  it('a bare yes to the offer (zh, zh-Hant, en) schedules it 2 h before the deadline', async () => {
    for (const [user, report, yes] of [
      ['u-zh', smsAgo(true, 3), '好啊'],
      ['u-hant', '3小時前收到了工信部核驗簡訊', '可以'],
      ['u-en', smsAgo(false, 3), 'yes please'],
    ]) {
      const first = await say(user, report);
      const b = await say(user, yes);
      expect(b.intent).toBe('reminder.opt_in');
      expect(b.decidedBy).toBe('reminder_accept');
      expect(b.state.reminder).toEqual({ at: new Date(Date.parse(first.state.deadline) - 2 * H).toISOString(), status: 'scheduled' });
      expect(b.reply).toMatch(user === 'u-en' ? /remind you on/ : /提醒你/);
    }
    expect((await pending()).map((p) => p.user).sort()).toEqual(['u-en', 'u-hant', 'u-zh']);
  });

  it('the offer lapses after the next turn: a later bare yes schedules nothing, and a yes with no offer is no opt-in', async () => {
    await say('u-lapse', smsAgo(true, 3));
    const other = await say('u-lapse', '短信发给谁');
    expect(other.intent).not.toBe('reminder.opt_in');
    const late = await say('u-lapse', '好');
    expect(late.intent).not.toBe('reminder.opt_in');
    const fresh = await say('u-never', '好的');
    expect(fresh.intent).not.toBe('reminder.opt_in');
    expect(await pending()).toEqual([]);
  });

  it('an explicit request schedules at any time; "别提醒我" / "stop reminders" cancel', async () => {
    await say('u-ask', smsAgo(true, 5));
    await say('u-ask', '验证码在哪里输入');
    const asked = await say('u-ask', '截止前提醒我一下');
    expect(asked).toMatchObject({ intent: 'reminder.opt_in', decidedBy: 'reminder_request', state: { reminder: { status: 'scheduled' } } });
    expect(await pending()).toHaveLength(1);
    const stop = await say('u-ask', '别提醒我了');
    expect(stop).toMatchObject({ intent: 'reminder.opt_out', decidedBy: 'reminder_stop', state: { reminder: { status: 'cancelled' } } });
    expect(await pending()).toEqual([]);

    await say('u-en-stop', smsAgo(false, 2));
    expect((await say('u-en-stop', 'remind me before it expires')).intent).toBe('reminder.opt_in');
    expect((await say('u-en-stop', 'stop reminders')).intent).toBe('reminder.opt_out');
    expect(await pending()).toEqual([]);
  });

  it('the system\'s own prompts and "remind me how..." questions are not reminder requests', async () => {
    await say('u-aside', smsAgo(true, 3));
    for (const text of ['系统提醒我信息不一致怎么办', '页面一直提示核验失败', 'can you remind me how many tries i have left', '提醒我一下还剩多少时间']) {
      const b = await say('u-aside', text);
      expect([text, b.intent]).not.toEqual([text, 'reminder.opt_in']);
    }
    expect(await pending()).toEqual([]);
  });

  it('asked before the SMS time is known, it asks for it, and the answer schedules the reminder', async () => {
    const b = await say('u-early', '提醒我');
    expect(b.intent).toBe('reminder.opt_in');
    expect(b.reply).toMatch(/几点收到/);
    const t = await say('u-early', '2小时前收到的');
    expect(t.state.reminder).toMatchObject({ status: 'scheduled' });
    expect(await pending()).toHaveLength(1);
  });

  it('a new SMS time moves the reminder; verifying, a return or forgetting cancels it', async () => {
    const first = await say('u-move', smsAgo(true, 6));
    await say('u-move', '好');
    const moved = await say('u-move', smsAgo(true, 1));
    expect(Date.parse(moved.state.deadline)).toBeGreaterThan(Date.parse(first.state.deadline));
    expect(moved.state.reminder).toEqual({ at: new Date(Date.parse(moved.state.deadline) - 2 * H).toISOString(), status: 'scheduled' });
    expect(await pending()).toEqual([{ user: 'u-move', at: moved.state.reminder.at }]);

    const verified = await say('u-move', '核验成功了');
    expect(verified.state.stage).toBe('bureau_review');
    expect(verified.state.reminder.status).toBe('cancelled');
    expect(await pending()).toEqual([]);

    await say('u-return', smsAgo(true, 2));
    await say('u-return', '好');
    const returned = await say('u-return', '备案被退回了');
    expect(returned.state).toMatchObject({ stage: 'rejected', reminder: { status: 'cancelled' } });
    expect(await pending()).toEqual([]);

    await say('u-forget', smsAgo(true, 2));
    await say('u-forget', '好');
    expect(await pending()).toHaveLength(1);
    expect((await request(app).delete('/api/v1/conversations/u-forget')).status).toBe(204);
    expect(await pending()).toEqual([]);
    await say('u-forget2', smsAgo(true, 2));
    await say('u-forget2', '提醒我');
    await say('u-forget2', '清除我的记录');
    expect(await pending()).toEqual([]);
  });
});

describe('REMINDERS=always and off', () => {
  it('always: schedules without asking when the SMS time is recorded', async () => {
    start({ REMINDERS: 'always' });
    const b = await say('u-always', smsAgo(true, 3));
    expect(b.state.reminder).toMatchObject({ status: 'scheduled' });
    expect(b.reply).not.toMatch(/回复“提醒我”/);
    expect(await pending()).toHaveLength(1);
  });

  it('off: no offer, and a request says the bot cannot message first, with the deadline', async () => {
    start({ REMINDERS: 'off' });
    const b = await say('u-off', smsAgo(true, 3));
    expect(b.reply).not.toMatch(/提醒/);
    const asked = await say('u-off', '提醒我');
    expect(asked.intent).toBe('reminder.opt_in');
    expect(asked.reply).toMatch(/没法主动/);
    expect(await pending()).toEqual([]);
  });
});

describe('reminder state and rules', () => {
  const rules = { attempts: 5, validityMs: 24 * H };
  const now = new Date('2026-03-01T04:00:00Z');
  const inSms = (over: Partial<ConversationState> = {}): ConversationState => ({
    ...newConversationState(now),
    stage: 'sms_verification',
    smsReceivedAt: new Date(now.getTime() - 3 * H).toISOString(),
    ...over,
  });

  it('blocks reminders past the SMS step, after the window, without tries, and while a human agent has the conversation', () => {
    expect(reminderBlocked(inSms(), rules, now)).toBeNull();
    expect(reminderBlocked(inSms({ stage: 'bureau_review' }), rules, now)).toBe('stage');
    expect(reminderBlocked(inSms({ smsReceivedAt: new Date(now.getTime() - 25 * H).toISOString() }), rules, now)).toBe('closed');
    expect(reminderBlocked(inSms({ attemptsUsed: 5 }), rules, now)).toBe('no_attempts');
    // The handoff hook: a state carrying handoff.active (the handoff feature's field) blocks them.
    expect(reminderBlocked({ ...inSms(), handoff: { active: true } } as ConversationState, rules, now)).toBe('handoff');
  });

  it('reads a stored reminder back field by field, dropping what is malformed', () => {
    const at = '2026-03-02T01:00:00.000Z';
    expect(reviveState({ reminder: { at, status: 'scheduled', extra: 1 } }, now).reminder).toEqual({ at, status: 'scheduled' });
    expect(reviveState({ reminder: { at, status: 'maybe' } }, now).reminder).toBeNull();
    expect(reviveState({ reminder: { at: 'not a date', status: 'sent' } }, now).reminder).toBeNull();
    expect(reviveState({ pending: { kind: 'reminder_offer' } }, now).pending).toEqual({ kind: 'reminder_offer' });
  });

  it("renders the reminder in the user's script with the Beijing deadline, time left and tries left", () => {
    const state = { ...inSms({ lang: 'zh-Hant', variant: 'hk', attemptsUsed: 2 }), attemptsAllowed: 5 };
    const text = reminderText(sharedNlu().kb, state, rules, now);
    // SMS 09:00 Beijing (01:00Z) -> deadline 09:00 the next day, 21 h left, 3 tries.
    expect(text).toMatch(/3月2日 09:00/);
    expect(text).toMatch(/21 小時/);
    expect(text).toMatch(/3 次/);
    expect(text).toMatch(/beian\.miit\.gov\.cn/);
    expect(text).not.toMatch(/核验|时间/);
    expect(reminderText(sharedNlu().kb, { ...state, lang: 'en' }, rules, now)).toMatch(/Mar 2, 09:00.*21 h.*3 tries left/);
  });
});

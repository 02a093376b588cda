import { rootLogger } from '../../src/logger';
import { InProcessReminderScheduler } from '../../src/reminders/in-process-reminder-scheduler';
import { planReminders, type ReminderSettings } from '../../src/reminders/reminder-plan';
import { parseQuietHours } from '../../src/reminders/reminder-settings';
import type { ReminderJob } from '../../src/reminders/reminder-types';
import { bj } from './fixtures';

const H = 3600_000;
const settings: ReminderSettings = { before: [6 * H, H], atResend: false, quietHours: parseQuietHours('23:00-07:00') };
const delivery = { channel: 'webhook' as const };

describe('InProcessReminderScheduler (fake timers)', () => {
  let fired: ReminderJob[];
  let scheduler: InProcessReminderScheduler;
  const request = (sms: Date) => ({ smsReceivedAt: sms, plan: planReminders(sms, new Date(), settings), delivery });

  beforeEach(() => {
    jest.useFakeTimers({ now: bj('2026-03-10T10:05') });
    fired = [];
    scheduler = new InProcessReminderScheduler(async (job) => {
      fired.push(job);
    });
  });
  afterEach(async () => {
    await scheduler.close();
    jest.useRealTimers();
  });

  it('fires each planned reminder at its time, not before, once', async () => {
    await scheduler.schedule('u1', request(bj('2026-03-10T10:00')));
    // 6 h and 1 h before a 10:00 deadline: 04:00 (quiet, so 22:59 the evening before) and 09:00.
    await jest.advanceTimersByTimeAsync(bj('2026-03-10T22:59').getTime() - Date.now() - 1);
    expect(fired).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(fired.map((j) => [j.userKey, j.index, j.at])).toEqual([['u1', 0, bj('2026-03-10T22:59').toISOString()]]);
    await jest.advanceTimersByTimeAsync(bj('2026-03-11T09:00').getTime() - Date.now());
    expect(fired.map((j) => j.at)).toEqual([bj('2026-03-10T22:59').toISOString(), bj('2026-03-11T09:00').toISOString()]);
    await jest.advanceTimersByTimeAsync(48 * H);
    expect(fired).toHaveLength(2);
    expect(await scheduler.list()).toEqual([]);
  });

  it('replaces the pending reminders when the SMS time is rescheduled', async () => {
    await scheduler.schedule('u1', request(bj('2026-03-10T10:00')));
    await scheduler.schedule('u1', request(bj('2026-03-10T10:04')));
    expect((await scheduler.list()).map((j) => j.at)).toEqual([bj('2026-03-10T22:59').toISOString(), bj('2026-03-11T09:04').toISOString()]);
    await jest.advanceTimersByTimeAsync(30 * H);
    expect(fired.map((j) => [j.smsReceivedAt, j.at])).toEqual([
      [bj('2026-03-10T10:04').toISOString(), bj('2026-03-10T22:59').toISOString()],
      [bj('2026-03-10T10:04').toISOString(), bj('2026-03-11T09:04').toISOString()],
    ]);
  });

  it('fires nothing for a cancelled user and keeps the others', async () => {
    await scheduler.schedule('u1', request(bj('2026-03-10T10:00')));
    await scheduler.schedule('u2', request(bj('2026-03-10T10:00')));
    expect(await scheduler.cancel('u1')).toBe(2);
    expect(await scheduler.cancel('u1')).toBe(0);
    await jest.advanceTimersByTimeAsync(30 * H);
    expect(new Set(fired.map((j) => j.userKey))).toEqual(new Set(['u2']));
  });

  it('lists what is pending soonest first, with the SMS time, deadline and delivery', async () => {
    await scheduler.schedule('u2', request(bj('2026-03-10T10:01')));
    await scheduler.schedule('u1', request(bj('2026-03-10T10:00')));
    const list = await scheduler.list();
    expect(list.map((j) => [j.at, j.userKey])).toEqual([
      [bj('2026-03-10T22:59').toISOString(), 'u1'],
      [bj('2026-03-10T22:59').toISOString(), 'u2'],
      [bj('2026-03-11T09:00').toISOString(), 'u1'],
      [bj('2026-03-11T09:01').toISOString(), 'u2'],
    ]);
    expect(list[0]).toMatchObject({ deadline: bj('2026-03-11T10:00').toISOString(), delivery, kind: 'before' });
  });

  it('fires nothing after close', async () => {
    await scheduler.schedule('u1', request(bj('2026-03-10T10:00')));
    await scheduler.close();
    await jest.advanceTimersByTimeAsync(30 * H);
    expect(fired).toHaveLength(0);
    await expect(scheduler.schedule('u1', request(bj('2026-03-10T10:00')))).rejects.toThrow(/closed/);
  });

  it('keeps firing after a handler that throws, and logs it', async () => {
    const write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
    const failing = new InProcessReminderScheduler(async (job) => {
      fired.push(job);
      throw new Error('boom');
    });
    await failing.schedule('u1', request(bj('2026-03-10T10:00')));
    await jest.advanceTimersByTimeAsync(30 * H);
    expect(fired).toHaveLength(2);
    expect(write.mock.calls.filter(([info]) => info.message === 'reminder handler failed')).toHaveLength(2);
    write.mockRestore();
    await failing.close();
  });
});

import fc from 'fast-check';
import { planReminders, quietPeriodAt, type ReminderSettings } from '../../src/reminders/reminder-plan';
import { parseQuietHours } from '../../src/reminders/reminder-settings';

const H = 3600_000;
const M = 60_000;
/** A Beijing wall-clock time as an instant. */
const bj = (iso: string) => new Date(`${iso}+08:00`);
const QUIET = parseQuietHours('23:00-07:00');
const settings = (s: Partial<ReminderSettings> = {}): ReminderSettings => ({ before: [2 * H], atResend: false, quietHours: QUIET, ...s });
const times = (plan: { at: Date }[]) => plan.map((p) => p.at.toISOString());

describe('planReminders', () => {
  it('reminds 2 h before the deadline, the SMS time + 24 h', () => {
    const plan = planReminders(bj('2026-03-10T10:00'), bj('2026-03-10T10:05'), settings());
    expect(plan).toEqual([{ index: 0, at: bj('2026-03-11T08:00'), kind: 'before', adjusted: 'none' }]);
  });

  it('sends one reminder per offset of a list, in time order, slots in list order', () => {
    const plan = planReminders(bj('2026-03-10T10:00'), bj('2026-03-10T10:05'), settings({ before: [6 * H, 90 * M, 30_000] }));
    expect(plan.map((p) => [p.index, p.at])).toEqual([
      [0, bj('2026-03-10T22:59')],
      [1, bj('2026-03-11T08:30')],
      [2, bj('2026-03-11T09:59:30')],
    ]);
    // 04:00 is inside the quiet hours: that one moved to 22:59 the evening before.
    expect(plan[0].adjusted).toBe('before_quiet_hours');
  });

  it('adds one at the 12 h automatic resend when REMINDER_AT_RESEND is on', () => {
    const plan = planReminders(bj('2026-03-10T09:00'), bj('2026-03-10T09:05'), settings({ atResend: true }));
    expect(plan.map((p) => [p.kind, p.index, p.at])).toEqual([
      ['resend', 1, bj('2026-03-10T21:00')],
      ['before', 0, bj('2026-03-11T07:00')],
    ]);
  });

  it('moves a reminder inside the quiet hours earlier, to the minute before they start, never later', () => {
    // SMS 03:00 -> deadline 03:00 the next night; 2 h before is 01:00, at night.
    const plan = planReminders(bj('2026-03-10T03:00'), bj('2026-03-10T03:10'), settings());
    expect(plan).toEqual([{ index: 0, at: bj('2026-03-10T22:59'), kind: 'before', adjusted: 'before_quiet_hours' }]);
  });

  it('treats the start of the quiet hours as quiet and their end as allowed', () => {
    expect(times(planReminders(bj('2026-03-10T01:00'), bj('2026-03-10T01:10'), settings()))).toEqual([bj('2026-03-10T22:59').toISOString()]);
    expect(times(planReminders(bj('2026-03-10T09:00'), bj('2026-03-10T09:10'), settings()))).toEqual([bj('2026-03-11T07:00').toISOString()]);
  });

  it('drops a night reminder whose earlier time has passed when the deadline is after the night', () => {
    // Deadline 08:00, reminder due 06:00 (quiet); the user tells us at 23:30, past 22:59.
    expect(planReminders(bj('2026-03-10T08:00'), bj('2026-03-10T23:30'), settings())).toEqual([]);
  });

  it('keeps a night reminder at its time when the deadline is before morning and earlier is impossible', () => {
    // Deadline 01:00 at night; 30 min before is 00:30 (quiet); now 23:10, so 22:59 is gone.
    const plan = planReminders(bj('2026-03-10T01:00'), bj('2026-03-10T23:10'), settings({ before: [30 * M] }));
    expect(plan).toEqual([{ index: 0, at: bj('2026-03-11T00:30'), kind: 'before', adjusted: 'deadline_before_morning' }]);
  });

  it('sends two offsets that land on the same minute once', () => {
    // Deadline 01:00: 2 h before is 23:00, 1 h before 00:00; both move to 22:59.
    const plan = planReminders(bj('2026-03-10T01:00'), bj('2026-03-10T01:10'), settings({ before: [2 * H, H] }));
    expect(plan.map((p) => [p.index, p.at])).toEqual([[0, bj('2026-03-10T22:59')]]);
  });

  it('drops a resend reminder at night rather than send it before the new SMS', () => {
    // Resend at 01:00 (quiet): dropped; the 2 h one at 11:00 stays.
    const plan = planReminders(bj('2026-03-10T13:00'), bj('2026-03-10T13:05'), settings({ atResend: true }));
    expect(plan.map((p) => p.kind)).toEqual(['before']);
  });

  it('plans nothing in the past, and nothing once the deadline has passed', () => {
    expect(planReminders(bj('2026-03-10T10:00'), bj('2026-03-11T08:00'), settings())).toEqual([]);
    expect(planReminders(bj('2026-03-10T10:00'), bj('2026-03-12T10:00'), settings({ before: [30_000] }))).toEqual([]);
  });

  it('ignores the night with no quiet hours, and honours a daytime range', () => {
    expect(times(planReminders(bj('2026-03-10T03:00'), bj('2026-03-10T03:10'), settings({ quietHours: null })))).toEqual([
      bj('2026-03-11T01:00').toISOString(),
    ]);
    const lunch = parseQuietHours('12:00-14:00');
    expect(times(planReminders(bj('2026-03-10T15:00'), bj('2026-03-10T15:10'), settings({ quietHours: lunch })))).toEqual([
      bj('2026-03-11T11:59').toISOString(),
    ]);
  });

  it('never plans at or after the deadline, in the past, or at night unless the deadline is before morning (any SMS time)', () => {
    const offsets = fc.uniqueArray(fc.integer({ min: 1, max: 24 * 60 - 1 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2027-01-01T00:00:00Z') }),
        fc.integer({ min: 0, max: 30 * H }),
        offsets,
        fc.boolean(),
        (sms, elapsed, minutes, atResend) => {
          const s = settings({ before: minutes.map((m) => m * M).sort((a, b) => b - a), atResend });
          const deadline = sms + 24 * H;
          const now = new Date(sms + elapsed);
          const plan = planReminders(new Date(sms), now, s);
          for (const p of plan) {
            expect(p.at.getTime()).toBeGreaterThan(now.getTime());
            expect(p.at.getTime()).toBeLessThan(deadline);
            const night = quietPeriodAt(p.at, QUIET!);
            if (night) expect(p.adjusted === 'deadline_before_morning' && deadline <= night.end.getTime()).toBe(true);
          }
          expect(new Set(plan.map((p) => Math.floor(p.at.getTime() / M))).size).toBe(plan.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});

import type { QuietHours } from './reminder-settings';

/** The SMS code is valid 24 h (000 §10); MIIT resends it once after 12 h unverified (000 §10). */
export const DEADLINE_AFTER_SMS_MS = 24 * 3600 * 1000;
export const AUTO_RESEND_AFTER_SMS_MS = 12 * 3600 * 1000;

// The MIIT system, the users and the quiet hours all live in Beijing time (UTC+8, no daylight saving).
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;
const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3600 * 1000;

export interface ReminderSettings {
  /** Offsets before the deadline (REMINDER_BEFORE), in ms. */
  before: readonly number[];
  /** Also remind at the 12 h automatic resend (REMINDER_AT_RESEND). */
  atResend: boolean;
  /** REMINDER_QUIET_HOURS; null = none. */
  quietHours: QuietHours | null;
}

export type ReminderKind = 'before' | 'resend';

/**
 * One reminder to send. `index` is its slot in the settings (REMINDER_BEFORE entries in order, then
 * the resend), stable across reschedules of the same SMS, so a slot's job id and its "sent once"
 * claim stay the same.
 */
export interface PlannedReminder {
  index: number;
  at: Date;
  kind: ReminderKind;
  /** Why `at` differs from the nominal time: moved before the quiet hours, or kept in them because the deadline is before morning. */
  adjusted: 'none' | 'before_quiet_hours' | 'deadline_before_morning';
}

export const deadlineOf = (smsReceivedAt: Date): Date => new Date(smsReceivedAt.getTime() + DEADLINE_AFTER_SMS_MS);

/** The quiet period [start, end) that contains `t`, or null when `t` is outside the quiet hours. */
export function quietPeriodAt(t: Date, quiet: QuietHours): { start: Date; end: Date } | null {
  const local = t.getTime() + BEIJING_OFFSET_MS;
  const midnight = Math.floor(local / DAY_MS) * DAY_MS;
  const minute = Math.floor((local - midnight) / MINUTE_MS);
  const { startMinute, endMinute } = quiet;
  const length = ((endMinute - startMinute + 1440) % 1440) * MINUTE_MS;
  let startLocal: number;
  if (startMinute < endMinute) {
    if (minute < startMinute || minute >= endMinute) return null;
    startLocal = midnight + startMinute * MINUTE_MS;
  } else {
    // Wraps past midnight (23:00-07:00): after the start it began today, before the end yesterday.
    if (minute >= startMinute) startLocal = midnight + startMinute * MINUTE_MS;
    else if (minute < endMinute) startLocal = midnight - DAY_MS + startMinute * MINUTE_MS;
    else return null;
  }
  const start = startLocal - BEIJING_OFFSET_MS;
  return { start: new Date(start), end: new Date(start + length) };
}

/**
 * When to remind a user whose SMS came at `smsReceivedAt`, seen at `now` (the server clock: the
 * times are real instants the scheduler waits for). Pure. Rules:
 * - one reminder per REMINDER_BEFORE offset before the deadline (SMS + 24 h), plus one at the 12 h
 *   resend when REMINDER_AT_RESEND; never at or after the deadline, never in the past;
 * - a time inside the quiet hours moves earlier, to the last minute before they start, never later;
 *   if that is already past it is dropped, except when the deadline itself falls before the quiet
 *   hours end ("deadline before morning"): then it stays at its time, at night, rather than not at all;
 * - a resend reminder inside the quiet hours is dropped: moved earlier it would come before the new SMS;
 * - two reminders at the same minute are sent once.
 * Returned in time order.
 */
export function planReminders(smsReceivedAt: Date, now: Date, settings: ReminderSettings): PlannedReminder[] {
  const sms = smsReceivedAt.getTime();
  const deadline = sms + DEADLINE_AFTER_SMS_MS;
  const nominal: { index: number; at: number; kind: ReminderKind }[] = settings.before.map((offset, index) => ({
    index,
    at: deadline - offset,
    kind: 'before',
  }));
  if (settings.atResend) nominal.push({ index: settings.before.length, at: sms + AUTO_RESEND_AFTER_SMS_MS, kind: 'resend' });

  const planned: PlannedReminder[] = [];
  for (const r of nominal) {
    if (r.at >= deadline) continue;
    const quiet = settings.quietHours ? quietPeriodAt(new Date(r.at), settings.quietHours) : null;
    let at = r.at;
    let adjusted: PlannedReminder['adjusted'] = 'none';
    if (quiet) {
      if (r.kind === 'resend') continue;
      const earlier = quiet.start.getTime() - MINUTE_MS;
      if (earlier > now.getTime()) {
        at = earlier;
        adjusted = 'before_quiet_hours';
      } else if (deadline <= quiet.end.getTime()) {
        adjusted = 'deadline_before_morning';
      } else {
        continue;
      }
    }
    if (at <= now.getTime() || at >= deadline) continue;
    planned.push({ index: r.index, at: new Date(at), kind: r.kind, adjusted });
  }
  planned.sort((a, b) => a.at.getTime() - b.at.getTime() || a.index - b.index);
  // Two offsets moved to the same minute before the quiet hours are one reminder (the lower slot).
  return planned.filter((r, i) => i === 0 || Math.floor(r.at.getTime() / MINUTE_MS) !== Math.floor(planned[i - 1].at.getTime() / MINUTE_MS));
}

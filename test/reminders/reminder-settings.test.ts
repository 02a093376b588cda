import { loadConfig } from '../../src/config';
import { parseDuration, parseQuietHours, parseReminderOffsets } from '../../src/reminders/reminder-settings';

const H = 3600_000;
const M = 60_000;

describe('reminder durations', () => {
  it.each([
    ['2h', 2 * H],
    ['90m', 90 * M],
    ['30s', 30_000],
    ['1h30m', 90 * M],
    [' 2H ', 2 * H],
  ])('reads %p as a duration', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '2', '2x', 'h', '30s2h', '1.5h', '-2h'])('refuses %p with the value named', (text) => {
    expect(() => parseDuration(text)).toThrow(/is not a duration like 2h/);
  });

  it('reads a list longest first, without duplicates', () => {
    expect(parseReminderOffsets('1h, 6h,1h')).toEqual([6 * H, 1 * H]);
  });

  it('refuses offsets of zero or of the whole 24 h window', () => {
    expect(() => parseReminderOffsets('0s')).toThrow(/longer than 0/);
    expect(() => parseReminderOffsets('24h')).toThrow(/shorter than the 24 h/);
    expect(() => parseReminderOffsets(',')).toThrow(/at least one duration/);
    expect(() => parseReminderOffsets('1h,2h,3h,4h,5h,6h,7h')).toThrow(/at most 6/);
  });
});

describe('quiet hours', () => {
  it('reads a range that wraps past midnight and one within a day', () => {
    expect(parseQuietHours('23:00-07:00')).toEqual({ startMinute: 23 * 60, endMinute: 7 * 60 });
    expect(parseQuietHours('12:30-14:00')).toEqual({ startMinute: 12 * 60 + 30, endMinute: 14 * 60 });
  });

  it('reads empty (or off) as no quiet hours', () => {
    expect(parseQuietHours('')).toBeNull();
    expect(parseQuietHours('off')).toBeNull();
  });

  it.each(['23:00', '25:00-07:00', '23:00-07:60', '7-8', '07:00-07:00', '23:00-07:00-08:00'])('refuses %p', (text) => {
    expect(() => parseQuietHours(text)).toThrow();
  });
});

describe('reminder configuration', () => {
  it('defaults to offering a reminder 2 h before, no resend one, quiet 23:00-07:00', () => {
    const c = loadConfig({});
    expect(c.REMINDERS).toBe('offer');
    expect(c.REMINDER_BEFORE).toEqual([2 * H]);
    expect(c.REMINDER_AT_RESEND).toBe(false);
    expect(c.REMINDER_QUIET_HOURS).toEqual({ startMinute: 23 * 60, endMinute: 7 * 60 });
    expect(c.REMINDER_WEBHOOK_URL).toBeUndefined();
  });

  it('parses the keys once at load', () => {
    const c = loadConfig({ REMINDERS: 'always', REMINDER_BEFORE: '6h,1h', REMINDER_AT_RESEND: 'true', REMINDER_QUIET_HOURS: '', WECOM_AGENT_ID: '1000002' });
    expect(c.REMINDERS).toBe('always');
    expect(c.REMINDER_BEFORE).toEqual([6 * H, H]);
    expect(c.REMINDER_AT_RESEND).toBe(true);
    expect(c.REMINDER_QUIET_HOURS).toBeNull();
    expect(c.WECOM_AGENT_ID).toBe(1000002);
    expect(loadConfig({ REMINDER_AT_RESEND: 'false' }).REMINDER_AT_RESEND).toBe(false);
    // An empty key in a .env file is "not set", except for the quiet hours, where empty means none.
    expect(loadConfig({ REMINDER_BEFORE: '', REMINDER_AT_RESEND: '' })).toMatchObject({ REMINDER_BEFORE: [2 * H], REMINDER_AT_RESEND: false });
  });

  it.each([
    ['REMINDER_BEFORE', 'two hours', /REMINDER_BEFORE: "two hours" is not a duration/],
    ['REMINDER_QUIET_HOURS', '23-7', /REMINDER_QUIET_HOURS: .*23-7/],
    ['REMINDER_AT_RESEND', 'maybe', /REMINDER_AT_RESEND/],
    ['REMINDERS', 'sometimes', /REMINDERS/],
    ['REMINDER_WEBHOOK_URL', 'not a url', /REMINDER_WEBHOOK_URL/],
  ])('stops at start-up on a bad %s with the key named', (key, value, message) => {
    expect(() => loadConfig({ [key]: value })).toThrow(message);
  });
});

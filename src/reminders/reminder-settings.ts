// REMINDER_BEFORE and REMINDER_QUIET_HOURS are parsed once, when the configuration loads, so a typo
// stops the bot at start-up with the key and the bad value named instead of surfacing at send time.

/** A Beijing-time interval of the day in which no reminder goes out; it may wrap past midnight. */
export interface QuietHours {
  /** Minutes after Beijing midnight, 0..1439; the quiet period starts here (inclusive). */
  startMinute: number;
  /** Minutes after Beijing midnight; the quiet period ends here (exclusive). */
  endMinute: number;
}

/** Offsets are checked against the SMS validity (000 §10): a reminder 24 h before the deadline is useless. */
const MAX_OFFSET_MS = 24 * 3600 * 1000;
/** More reminders than this for one SMS would be nagging; it also bounds the job ids per user. */
export const MAX_BEFORE_OFFSETS = 6;

// "2h", "90m", "30s", "1h30m": each unit at most once, in this order; no overlapping quantifiers.
const DURATION = /^(?:(\d{1,4})h)?(?:(\d{1,5})m)?(?:(\d{1,6})s)?$/;
const CLOCK = /^(\d{1,2}):(\d{2})$/;

/** "2h" -> 7200000. Throws with the value named when it is not a duration. */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  const m = DURATION.exec(t);
  if (!t || !m) throw new Error(`"${text}" is not a duration like 2h, 90m, 30s or 1h30m`);
  const [, h, min, s] = m;
  return ((Number(h ?? 0) * 60 + Number(min ?? 0)) * 60 + Number(s ?? 0)) * 1000;
}

/** "6h,1h" -> the offsets before the deadline, longest first, each > 0 and < 24 h, no duplicates. */
export function parseReminderOffsets(text: string): number[] {
  const parts = text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  if (!parts.length) throw new Error('needs at least one duration, e.g. 2h or 6h,1h');
  const offsets = parts.map((p) => {
    const ms = parseDuration(p);
    if (ms <= 0) throw new Error(`"${p}" must be longer than 0`);
    if (ms >= MAX_OFFSET_MS) throw new Error(`"${p}" must be shorter than the 24 h verification window`);
    return ms;
  });
  const unique = [...new Set(offsets)].sort((a, b) => b - a);
  if (unique.length > MAX_BEFORE_OFFSETS) throw new Error(`at most ${MAX_BEFORE_OFFSETS} reminders, got ${unique.length}`);
  return unique;
}

function parseClock(text: string): number {
  const m = CLOCK.exec(text.trim());
  const h = m ? Number(m[1]) : NaN;
  const min = m ? Number(m[2]) : NaN;
  if (!m || h > 23 || min > 59) throw new Error(`"${text}" is not a 24-hour time like 07:00`);
  return h * 60 + min;
}

/** "23:00-07:00" -> quiet hours in Beijing time; "" (or "off" / "none") -> null: no quiet hours. */
export function parseQuietHours(text: string): QuietHours | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'off' || t === 'none') return null;
  const parts = t.split('-');
  if (parts.length !== 2) throw new Error(`"${text}" is not a range like 23:00-07:00 (empty for none)`);
  let startMinute: number;
  let endMinute: number;
  try {
    startMinute = parseClock(parts[0]);
    endMinute = parseClock(parts[1]);
  } catch (err) {
    throw new Error(`"${text}": ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  if (startMinute === endMinute) throw new Error(`"${text}" starts and ends at the same time (leave it empty for no quiet hours)`);
  return { startMinute, endMinute };
}

// When the user sent a message, from what a client or platform says. Bad values must never reach
// the state: a time near the end of the Date range makes the 24 h deadline overflow, and every
// later turn and GET of that user would fail.

/** A Unix time above this is milliseconds (1764547200000 is 2025-12-01, not the year 57886). */
const MILLISECONDS_ABOVE = 1e11;
/** A message claims to be at most this far in the future (clock skew, time zones gone wrong). */
const MAX_AHEAD_MS = 24 * 3600_000;
/** ... and at most this many years old. */
const MAX_AGE_YEARS = 2;

/** Whether `time` is a plausible message time: at most 2 years before and 1 day after `now`. */
export function plausibleMessageTime(time: Date, now: Date = new Date()): boolean {
  const t = time.getTime();
  if (!Number.isFinite(t)) return false;
  const oldest = new Date(now);
  oldest.setUTCFullYear(oldest.getUTCFullYear() - MAX_AGE_YEARS);
  return t >= oldest.getTime() && t <= now.getTime() + MAX_AHEAD_MS;
}

/**
 * Unix seconds (milliseconds above 1e11), a numeric string of either, or an ISO 8601 string, as a
 * Date; undefined when it is none of those or not plausible (see plausibleMessageTime).
 */
export function parseMessageTime(value: number | string, now: Date = new Date()): Date | undefined {
  let ms: number;
  if (typeof value === 'number' || /^\s*\d+(?:\.\d+)?\s*$/.test(value)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) return undefined;
    ms = n > MILLISECONDS_ABOVE ? n : n * 1000;
  } else ms = Date.parse(value);
  const time = new Date(ms);
  return plausibleMessageTime(time, now) ? time : undefined;
}

/** The message time a platform gave, or the server clock when it is missing, bad or implausible. */
export function messageTimeOrNow(value: number | string | undefined, now: Date = new Date()): Date {
  return (value === undefined || value === '' ? undefined : parseMessageTime(value, now)) ?? now;
}

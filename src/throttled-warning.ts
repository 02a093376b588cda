import type { Logger } from 'winston';

/**
 * A warning that repeats on every request while something is broken (an unwritable unanswered
 * log, a store outage) is logged at most once per interval, with how many were held back since:
 * the log stays readable and cheap, and nothing is lost from view.
 */
export function throttledWarning(log: Logger, intervalMs = 60_000, now: () => number = Date.now): (message: string, meta?: Record<string, unknown>) => void {
  const last = new Map<string, { at: number; suppressed: number }>();
  return (message, meta = {}) => {
    const t = now();
    const seen = last.get(message);
    if (seen && t - seen.at < intervalMs) {
      seen.suppressed++;
      return;
    }
    log.warn(message, seen?.suppressed ? { ...meta, suppressed: seen.suppressed } : meta);
    last.set(message, { at: t, suppressed: 0 });
  };
}

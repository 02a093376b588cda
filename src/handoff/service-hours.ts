// When human agents answer, in Beijing time (UTC+8, no daylight saving), from HANDOFF_HOURS:
// rules separated by ";" or ",", each "<days> HH:mm-HH:mm" (days: Mon-Fri, Sat, Mon/Wed/Fri; none
// means every day), e.g. "Mon-Fri 09:00-18:00; Sat 10:00-16:00".

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 86_400_000;
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export interface ServiceRule {
  /** Weekdays (0 = Sunday) the rule applies on. */
  days: number[];
  /** Minutes after Beijing midnight: from (inclusive) to (exclusive). */
  from: number;
  to: number;
}

export interface ServiceHours {
  /** The setting as written, for the reply ("Mon-Fri 09:00-18:00"). */
  text: string;
  rules: ServiceRule[];
}

const dayIndex = (name: string): number => {
  const i = DAYS.indexOf(name.slice(0, 3).toLowerCase());
  if (i < 0 || name.length > 9) throw new Error(`HANDOFF_HOURS: unknown day "${name}" (use Mon, Tue, ... Sun)`);
  return i;
};

function parseDays(spec: string): number[] {
  const out = new Set<number>();
  for (const part of spec.split('/')) {
    const [a, b] = part.split('-');
    if (b === undefined) {
      out.add(dayIndex(a));
      continue;
    }
    // Mon-Fri, and ranges that wrap the week (Fri-Mon).
    for (let d = dayIndex(a), end = dayIndex(b), n = 0; n < 7; d = (d + 1) % 7, n++) {
      out.add(d);
      if (d === end) break;
    }
  }
  return [...out].sort();
}

function parseClock(hm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hm);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && m[2] !== '00')) throw new Error(`HANDOFF_HOURS: bad time "${hm}" (use HH:mm)`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** The parsed HANDOFF_HOURS; throws with the part it could not read. */
export function parseServiceHours(text: string): ServiceHours {
  const rules: ServiceRule[] = [];
  for (const raw of text.split(/[;,]/)) {
    const rule = raw.trim();
    if (!rule) continue;
    const m = /^(?:([A-Za-z/-]{3,40})\s+)?(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$/.exec(rule);
    if (!m) throw new Error(`HANDOFF_HOURS: cannot read "${rule}" (expected e.g. "Mon-Fri 09:00-18:00")`);
    const from = parseClock(m[2]);
    const to = parseClock(m[3]);
    if (to <= from) throw new Error(`HANDOFF_HOURS: "${rule}" ends before it starts`);
    rules.push({ days: m[1] ? parseDays(m[1]) : [0, 1, 2, 3, 4, 5, 6], from, to });
  }
  if (!rules.length) throw new Error('HANDOFF_HOURS: no hours given');
  return { text: text.trim(), rules };
}

/** Beijing weekday and minute of the day of an instant. */
function beijing(at: Date): { day: number; minute: number; midnight: number } {
  const local = at.getTime() + SHANGHAI_OFFSET_MS;
  const midnightLocal = Math.floor(local / DAY_MS) * DAY_MS;
  return { day: new Date(midnightLocal).getUTCDay(), minute: Math.floor((local - midnightLocal) / 60_000), midnight: midnightLocal - SHANGHAI_OFFSET_MS };
}

/** Whether agents answer at this instant (always, with no hours configured). */
export function isStaffed(hours: ServiceHours | undefined, at: Date): boolean {
  if (!hours) return true;
  const { day, minute } = beijing(at);
  return hours.rules.some((r) => r.days.includes(day) && minute >= r.from && minute < r.to);
}

/** The next time agents start answering after `at` (at itself when staffed now). */
export function nextStaffed(hours: ServiceHours | undefined, at: Date): Date {
  if (isStaffed(hours, at) || !hours) return at;
  const { day, minute, midnight } = beijing(at);
  let best: number | undefined;
  for (let d = 0; d <= 7 && best === undefined; d++) {
    const weekday = (day + d) % 7;
    for (const r of hours.rules) {
      if (!r.days.includes(weekday) || (d === 0 && r.from <= minute)) continue;
      const start = midnight + d * DAY_MS + r.from * 60_000;
      if (best === undefined || start < best) best = start;
    }
  }
  return new Date(best ?? at.getTime());
}

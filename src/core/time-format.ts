// Users and the MIIT system think in Beijing time (UTC+8, no daylight saving).
const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number) => String(n).padStart(2, '0');

/** "1月2日 20:00" / "Jan 2, 20:00" in Beijing time. */
export function formatClock(date: Date, base: 'zh' | 'en'): string {
  const local = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  const hm = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  return base === 'zh' ? `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${hm}` : `${MONTHS[local.getUTCMonth()]} ${local.getUTCDate()}, ${hm}`;
}

/** "7 小时 30 分钟" / "7 h 30 min", rounded down to the minute. */
export function formatDuration(ms: number, base: 'zh' | 'en'): string {
  const minutes = Math.max(0, Math.floor(ms / 60000));
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (base === 'zh') return h ? `${h} 小时${m ? ` ${m} 分钟` : ''}` : `${m} 分钟`;
  return h ? `${h} h${m ? ` ${m} min` : ''}` : `${m} min`;
}

/** "2026-01-02 20:00" in Beijing time: how agents read times in a handoff summary. */
export function formatBeijingMinute(date: Date): string {
  const local = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
}

const WEEKDAYS = { zh: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'], en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] };

/** "周四 1月2日 09:00" / "Thu Jan 2, 09:00" in Beijing time: when something will happen. */
export function formatWeekdayClock(date: Date, base: 'zh' | 'en'): string {
  const local = new Date(date.getTime() + SHANGHAI_OFFSET_MS);
  return `${WEEKDAYS[base][local.getUTCDay()]} ${formatClock(date, base)}`;
}

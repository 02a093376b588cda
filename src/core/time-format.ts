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

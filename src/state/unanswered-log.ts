import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';
import { moduleLogger } from '../logger';
import { mask } from '../privacy/mask';
import { throttledWarning } from '../throttled-warning';

/** A question the bot could not answer with confidence, as FAQ maintainers see it (masked). */
export interface UnansweredEntry {
  text: string;
  lang: string;
  intent: string;
  confidence: number;
  at: string;
}

export interface UnansweredSummary {
  text: string;
  count: number;
  lang: string;
  lastIntent: string;
  lastSeen: string;
}

/** Fallbacks and low-confidence answers, counted, so maintainers know which variants to add. */
export interface UnansweredLog {
  record(entry: UnansweredEntry): Promise<void>;
  top(n: number): Promise<UnansweredSummary[]>;
}

/** The same question asked with other spacing or punctuation counts as one. */
const keyOf = (text: string) => mask(text).trim().replace(/\s+/g, ' ').slice(0, 300);

function summarise(entries: UnansweredEntry[], n: number): UnansweredSummary[] {
  const by = new Map<string, UnansweredSummary>();
  for (const e of entries) {
    const s = by.get(e.text) ?? { text: e.text, count: 0, lang: e.lang, lastIntent: e.intent, lastSeen: e.at };
    s.count++;
    if (e.at >= s.lastSeen) Object.assign(s, { lastSeen: e.at, lastIntent: e.intent, lang: e.lang });
    by.set(e.text, s);
  }
  return [...by.values()].sort((a, b) => b.count - a.count || b.lastSeen.localeCompare(a.lastSeen)).slice(0, n);
}

/** One JSON line per unanswered message in a local file (single instance), rotated by size. */
export class FileUnansweredLog implements UnansweredLog {
  /** Appends (and rotations) one after another, so a rotation never races a write. */
  private queue: Promise<void> = Promise.resolve();
  /** Lines waiting for the write in progress to finish: they go together, in one append. */
  private batch?: { lines: string[]; written: Promise<void> };

  /**
   * @param maxBytes once the file reaches this size it becomes `<file>.1` (replacing the one
   *   before) and a new file starts: the log never takes more than about twice this on disk.
   */
  constructor(
    private readonly file: string,
    private readonly maxBytes = 5 * 1024 * 1024,
  ) {}

  private get previous(): string {
    return `${this.file}.1`;
  }

  /** Resolves once the line is in the file. Under load, lines recorded meanwhile share one write (not 3 file operations a message). */
  record(entry: UnansweredEntry): Promise<void> {
    const line = `${JSON.stringify({ ...entry, text: keyOf(entry.text) })}\n`;
    if (!this.batch) {
      const lines: string[] = [];
      const written = this.queue.then(() => {
        this.batch = undefined;
        return this.append(lines);
      });
      this.queue = written.catch(() => undefined);
      this.batch = { lines, written };
    }
    this.batch.lines.push(line);
    return this.batch.written;
  }

  private async append(lines: string[]): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    let size = await fs.promises.stat(this.file).then(
      (s) => s.size,
      () => 0,
    );
    // Line by line as if appended one at a time: the file rotates before the line that would pass maxBytes.
    let chunk = '';
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (size > 0 && size + bytes > this.maxBytes) {
        if (chunk) await fs.promises.appendFile(this.file, chunk);
        await fs.promises.rename(this.file, this.previous);
        chunk = '';
        size = 0;
      }
      chunk += line;
      size += bytes;
    }
    if (chunk) await fs.promises.appendFile(this.file, chunk);
  }

  async top(n: number): Promise<UnansweredSummary[]> {
    const entries: UnansweredEntry[] = [];
    for (const f of [this.previous, this.file]) {
      if (!fs.existsSync(f)) continue;
      for (const l of (await fs.promises.readFile(f, 'utf8')).split('\n')) {
        if (!l.trim()) continue;
        try {
          entries.push(JSON.parse(l) as UnansweredEntry);
        } catch {
          // a torn line (a crash mid-write) is skipped
        }
      }
    }
    return summarise(entries, n);
  }
}

// Count the question, keep its latest details, and trim both to the `max` most frequent questions
// (the least frequent go first), in one step; at most 1,000 go per call (unpack's limits).
const RECORD_AND_TRIM = `
redis.call('zincrby', KEYS[1], 1, ARGV[1])
redis.call('hset', KEYS[2], ARGV[1], ARGV[2])
local excess = math.min(redis.call('zcard', KEYS[1]) - tonumber(ARGV[3]), 1000)
if excess > 0 then
  local gone = redis.call('zrange', KEYS[1], 0, excess - 1)
  redis.call('zremrangebyrank', KEYS[1], 0, excess - 1)
  redis.call('hdel', KEYS[2], unpack(gone))
end
return 0`;

/** Shared by all instances: a sorted set of counts and a hash of the latest details, at most `maxQuestions` of each. */
export class RedisUnansweredLog implements UnansweredLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'beian:unanswered',
    private readonly maxQuestions = 10_000,
  ) {}

  async record(entry: UnansweredEntry): Promise<void> {
    const text = keyOf(entry.text);
    const details = JSON.stringify({ lang: entry.lang, intent: entry.intent, at: entry.at });
    await this.redis.eval(RECORD_AND_TRIM, 2, `${this.prefix}:counts`, `${this.prefix}:last`, text, details, String(this.maxQuestions));
  }

  async top(n: number): Promise<UnansweredSummary[]> {
    const flat = await this.redis.zrevrange(`${this.prefix}:counts`, 0, n - 1, 'WITHSCORES');
    const out: UnansweredSummary[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const last = JSON.parse((await this.redis.hget(`${this.prefix}:last`, flat[i])) ?? '{}') as { lang?: string; intent?: string; at?: string };
      out.push({ text: flat[i], count: Number(flat[i + 1]), lang: last.lang ?? '', lastIntent: last.intent ?? '', lastSeen: last.at ?? '' });
    }
    return out;
  }
}

/**
 * An unanswered log whose failures (an unwritable file, Redis away) never reach the caller: each
 * is counted (onError) and warned about at most once a minute, not once per message.
 */
export class GuardedUnansweredLog implements UnansweredLog {
  private readonly warn = throttledWarning(moduleLogger('unanswered'));

  constructor(
    private readonly inner: UnansweredLog,
    private readonly onError?: () => void,
  ) {}

  async record(entry: UnansweredEntry): Promise<void> {
    try {
      await this.inner.record(entry);
    } catch (err) {
      this.onError?.();
      this.warn('unanswered log write failed', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  top(n: number): Promise<UnansweredSummary[]> {
    return this.inner.top(n);
  }
}

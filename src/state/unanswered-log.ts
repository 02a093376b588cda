import fs from 'node:fs';
import path from 'node:path';
import type Redis from 'ioredis';
import { mask } from '../privacy/mask';

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

/** One JSON line per unanswered message in a local file (single instance). */
export class FileUnansweredLog implements UnansweredLog {
  constructor(private readonly file: string) {}

  async record(entry: UnansweredEntry): Promise<void> {
    await fs.promises.mkdir(path.dirname(this.file), { recursive: true });
    await fs.promises.appendFile(this.file, `${JSON.stringify({ ...entry, text: keyOf(entry.text) })}\n`);
  }

  async top(n: number): Promise<UnansweredSummary[]> {
    if (!fs.existsSync(this.file)) return [];
    const entries = (await fs.promises.readFile(this.file, 'utf8'))
      .split('\n')
      .filter((l) => l.trim())
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as UnansweredEntry];
        } catch {
          return [];
        }
      });
    return summarise(entries, n);
  }
}

/** Shared by all instances: a sorted set of counts and a hash of the latest details. */
export class RedisUnansweredLog implements UnansweredLog {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'beian:unanswered',
  ) {}

  async record(entry: UnansweredEntry): Promise<void> {
    const text = keyOf(entry.text);
    await this.redis
      .multi()
      .zincrby(`${this.prefix}:counts`, 1, text)
      .hset(`${this.prefix}:last`, text, JSON.stringify({ lang: entry.lang, intent: entry.intent, at: entry.at }))
      .exec();
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

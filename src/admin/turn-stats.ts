import type Redis from 'ioredis';
import type { DialogueEngine } from '../core/dialogue-engine';
import { FALLBACK } from '../core/intent-ids';

/** One answered turn, as the daily counters see it (no text, no user). */
export interface TurnRecord {
  channel: string;
  lang: string;
  intent: string;
  fallback: boolean;
  handoff: boolean;
}

/** Per-day counts: "messages|<channel>|<lang>", "intent|<id>", "fallback", "handoff". */
export type DayCounts = Record<string, number>;

/**
 * The counters /metrics exposes, kept per day (UTC) so the console can draw trends. In memory for
 * one instance (lost on restart), in Redis when configured (shared and kept for `keepDays`).
 */
export interface TurnStats {
  record(turn: TurnRecord, at?: Date): Promise<void>;
  days(from: Date, count: number): Promise<Array<{ day: string; counts: DayCounts }>>;
}

export const dayOf = (d: Date): string => d.toISOString().slice(0, 10);

function fieldsOf(turn: TurnRecord): string[] {
  // Labels come from the engine (channel names, intent ids), not from users; still bounded in length.
  const f = [`messages|${turn.channel.slice(0, 32)}|${turn.lang}`, `intent|${turn.intent.slice(0, 64)}`];
  if (turn.fallback) f.push('fallback');
  if (turn.handoff) f.push('handoff');
  return f;
}

function dayList(from: Date, count: number): string[] {
  const out: string[] = [];
  for (let i = count - 1; i >= 0; i--) out.push(dayOf(new Date(from.getTime() - i * 86_400_000)));
  return out;
}

export class MemoryTurnStats implements TurnStats {
  private readonly byDay = new Map<string, DayCounts>();

  constructor(private readonly keepDays = 90) {}

  async record(turn: TurnRecord, at = new Date()): Promise<void> {
    const day = dayOf(at);
    const counts = this.byDay.get(day) ?? {};
    for (const f of fieldsOf(turn)) counts[f] = (counts[f] ?? 0) + 1;
    this.byDay.set(day, counts);
    if (this.byDay.size > this.keepDays) this.byDay.delete([...this.byDay.keys()].sort()[0]);
  }

  async days(from: Date, count: number): Promise<Array<{ day: string; counts: DayCounts }>> {
    return dayList(from, count).map((day) => ({ day, counts: { ...(this.byDay.get(day) ?? {}) } }));
  }
}

export class RedisTurnStats implements TurnStats {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'beian:stats:day',
    private readonly keepDays = 90,
  ) {}

  async record(turn: TurnRecord, at = new Date()): Promise<void> {
    const key = `${this.prefix}:${dayOf(at)}`;
    const multi = this.redis.multi();
    for (const f of fieldsOf(turn)) multi.hincrby(key, f, 1);
    multi.expire(key, this.keepDays * 86_400);
    await multi.exec();
  }

  async days(from: Date, count: number): Promise<Array<{ day: string; counts: DayCounts }>> {
    const days = dayList(from, count);
    const pipeline = this.redis.pipeline();
    for (const day of days) pipeline.hgetall(`${this.prefix}:${day}`);
    const results = (await pipeline.exec()) ?? [];
    return days.map((day, i) => {
      const raw = (results[i]?.[1] ?? {}) as Record<string, string>;
      return { day, counts: Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)])) };
    });
  }
}

/**
 * Every turn the engine answers is counted per day. The engine stays unaware of the console: its
 * handle() is wrapped where the engine is built, and a failing count never fails a turn.
 */
export function observeTurns<E extends { handle: DialogueEngine['handle'] }>(engine: E, stats: TurnStats, onError?: (err: Error) => void): E {
  const handle = engine.handle.bind(engine);
  engine.handle = async (message) => {
    const result = await handle(message);
    const { reply, trace } = result;
    stats
      .record({
        channel: message.channel,
        lang: reply.lang,
        intent: reply.intent,
        fallback: reply.intent === FALLBACK,
        handoff: reply.intent === 'chat.human' || String(trace?.decidedBy ?? '').startsWith('handoff'),
      })
      .catch((err: Error) => onError?.(err));
    return result;
  };
  return engine;
}

import { moduleLogger } from '../logger';
import { describeError } from './proactive-sender';
import { byDueTime, jobsFor, type ReminderDueHandler, type ReminderScheduler, type ScheduleRequest } from './reminder-scheduler';
import type { ReminderJob } from './reminder-types';

const log = moduleLogger('reminders');

// setTimeout overflows past 2^31-1 ms (~24.8 days) and fires at once: longer waits are re-armed.
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

interface Pending {
  job: ReminderJob;
  timer: NodeJS.Timeout;
}

/**
 * Reminders as timers in this process: for one instance without Redis. They are lost when the
 * process stops or restarts (nothing is persisted); with REDIS_URL the BullMQ scheduler keeps them.
 */
export class InProcessReminderScheduler implements ReminderScheduler {
  readonly kind = 'in-process';
  private readonly pending = new Map<string, Map<number, Pending>>();
  private readonly running = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly onDue: ReminderDueHandler,
    private readonly now: () => number = Date.now,
  ) {}

  async schedule(userKey: string, request: ScheduleRequest): Promise<ReminderJob[]> {
    if (this.closed) throw new Error('reminder scheduler is closed');
    this.clear(userKey);
    const jobs = jobsFor(userKey, request);
    const slots = new Map<number, Pending>();
    for (const job of jobs) slots.set(job.index, { job, timer: this.arm(job) });
    if (slots.size) this.pending.set(userKey, slots);
    return jobs;
  }

  async cancel(userKey: string): Promise<number> {
    return this.clear(userKey);
  }

  async list(): Promise<ReminderJob[]> {
    return [...this.pending.values()].flatMap((slots) => [...slots.values()].map((p) => p.job)).sort(byDueTime);
  }

  /** Stops every timer and waits for reminders being sent right now. */
  async close(): Promise<void> {
    this.closed = true;
    for (const key of [...this.pending.keys()]) this.clear(key);
    await Promise.allSettled([...this.running]);
  }

  private arm(job: ReminderJob): NodeJS.Timeout {
    const delay = Math.max(0, Date.parse(job.at) - this.now());
    const timer = setTimeout(() => (delay > MAX_TIMEOUT_MS ? this.rearm(job) : this.fire(job)), Math.min(delay, MAX_TIMEOUT_MS));
    // A pending reminder must not keep a CLI or a test process alive.
    timer.unref();
    return timer;
  }

  private rearm(job: ReminderJob): void {
    const slot = this.pending.get(job.userKey)?.get(job.index);
    if (slot?.job === job) slot.timer = this.arm(job);
  }

  private fire(job: ReminderJob): void {
    const slots = this.pending.get(job.userKey);
    if (slots?.get(job.index)?.job !== job) return;
    slots.delete(job.index);
    if (!slots.size) this.pending.delete(job.userKey);
    const run = this.onDue(job)
      .catch((err: unknown) => log.error('reminder handler failed', { method: 'fire', userKey: job.userKey, error: describeError(err) }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private clear(userKey: string): number {
    const slots = this.pending.get(userKey);
    if (!slots) return 0;
    for (const p of slots.values()) clearTimeout(p.timer);
    this.pending.delete(userKey);
    return slots.size;
  }
}

import { Queue, Worker, type Job } from 'bullmq';
import Redis from 'ioredis';
import { moduleLogger } from '../logger';
import { describeError } from './proactive-sender';
import { byDueTime, jobsFor, type ReminderDueHandler, type ReminderScheduler, type ScheduleRequest } from './reminder-scheduler';
import { MAX_BEFORE_OFFSETS } from './reminder-settings';
import { REMINDER_CHANNELS, type ReminderChannel, type ReminderJob } from './reminder-types';

const log = moduleLogger('reminders');

// Slots a user can have: every REMINDER_BEFORE offset and the resend one. Cancelling looks at all of them.
const MAX_SLOTS = MAX_BEFORE_OFFSETS + 1;
const PENDING_STATES = ['delayed', 'waiting', 'active', 'prioritized'] as const;

export interface BullmqReminderSchedulerOptions {
  redisUrl: string;
  /** The fire step. Without it this instance only schedules and lists (the CLI): no worker runs. */
  onDue?: ReminderDueHandler;
  /** The channels this instance can deliver on: it works only their queues, so a wechaty reminder waits for the wechaty runner. */
  channels?: readonly ReminderChannel[];
  /** Redis key prefix of the queues (tests use their own). */
  prefix?: string;
  concurrency?: number;
}

/** BullMQ job ids can't contain ":" (nor be integers): the user key travels as base64url. */
export function reminderJobId(userKey: string, index: number): string {
  return `r${Buffer.from(userKey, 'utf8').toString('base64url')}-${index}`;
}

/**
 * Reminders as BullMQ delayed jobs in Redis: one queue per channel, one job per user and slot
 * (job id from the user key and the slot index, so rescheduling replaces). A worker runs in every
 * instance that can deliver on a channel; BullMQ hands a due job to exactly one of them, and the
 * fire step's claim keeps a stalled job that runs again from sending twice. Survives restarts.
 */
export class BullmqReminderScheduler implements ReminderScheduler {
  readonly kind = 'bullmq';
  private readonly producer: Redis;
  private readonly consumer?: Redis;
  private readonly queues = new Map<ReminderChannel, Queue>();
  private readonly workers: Worker[] = [];

  constructor(options: BullmqReminderSchedulerOptions) {
    // Scheduling runs inside a user's turn: fail fast while Redis is away rather than hold the reply.
    this.producer = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 });
    this.producer.on('error', (err: Error) => log.debug('reminder queue redis error', { error: err.message }));
    const prefix = options.prefix ?? 'beian:bull';
    for (const channel of REMINDER_CHANNELS) {
      const queue = new Queue(queueName(channel), { connection: this.producer, prefix });
      queue.on('error', (err: Error) => log.warn('reminder queue error', { channel, error: err.message }));
      this.queues.set(channel, queue);
    }
    const { onDue } = options;
    if (!onDue || !options.channels?.length) return;
    // Workers block on Redis: BullMQ needs a connection that retries forever for them.
    this.consumer = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
    this.consumer.on('error', (err: Error) => log.debug('reminder worker redis error', { error: err.message }));
    for (const channel of new Set(options.channels)) {
      const worker = new Worker<ReminderJob>(queueName(channel), async (job: Job<ReminderJob>) => onDue(job.data), {
        connection: this.consumer,
        prefix,
        concurrency: options.concurrency ?? 4,
      });
      worker.on('error', (err: Error) => log.warn('reminder worker error', { channel, error: describeError(err) }));
      worker.on('failed', (job, err) => log.warn('reminder job failed', { channel, userKey: job?.data.userKey, error: describeError(err) }));
      this.workers.push(worker);
    }
  }

  async schedule(userKey: string, request: ScheduleRequest): Promise<ReminderJob[]> {
    await this.cancel(userKey);
    const jobs = jobsFor(userKey, request);
    const queue = this.queue(request.delivery.channel);
    await Promise.all(
      jobs.map((job) =>
        queue.add('reminder', job, {
          jobId: reminderJobId(userKey, job.index),
          delay: Math.max(0, Date.parse(job.at) - Date.now()),
          // No BullMQ retries: the senders retry what is worth retrying, and a reminder must not go twice.
          attempts: 1,
          removeOnComplete: true,
          removeOnFail: { age: 24 * 3600 },
        }),
      ),
    );
    return jobs;
  }

  async cancel(userKey: string): Promise<number> {
    // One round trip finds which of the user's possible jobs exist, in any channel's queue.
    const candidates = [...this.queues.values()].flatMap((queue) => Array.from({ length: MAX_SLOTS }, (_, i) => ({ queue, id: reminderJobId(userKey, i) })));
    const pipeline = this.producer.pipeline();
    for (const c of candidates) pipeline.exists(c.queue.toKey(c.id));
    const found = (await pipeline.exec()) ?? [];
    const existing = candidates.filter((_, i) => found[i]?.[1] === 1);
    const removed = await Promise.all(existing.map((c) => c.queue.remove(c.id)));
    return removed.filter((r) => r === 1).length;
  }

  async list(): Promise<ReminderJob[]> {
    const jobs = await Promise.all([...this.queues.values()].map((q) => q.getJobs([...PENDING_STATES])));
    return jobs
      .flat()
      .filter((j): j is Job<ReminderJob> => Boolean(j?.data))
      .map((j) => j.data)
      .sort(byDueTime);
  }

  /** Stops this instance's workers (a job it is sending finishes first); pending jobs stay for the others. */
  async close(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    await Promise.allSettled([this.producer.quit(), this.consumer?.quit()]);
  }

  private queue(channel: ReminderChannel): Queue {
    const queue = this.queues.get(channel);
    if (!queue) throw new Error(`no reminder queue for channel ${channel}`);
    return queue;
  }
}

const queueName = (channel: ReminderChannel) => `reminders-${channel}`;

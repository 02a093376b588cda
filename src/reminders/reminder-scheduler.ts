import type { PlannedReminder } from './reminder-plan';
import { deadlineOf } from './reminder-plan';
import type { DeliveryInfo, ReminderJob } from './reminder-types';

/** What to schedule for one user: the plan (from planReminders) for one SMS time, and where to deliver. */
export interface ScheduleRequest {
  smsReceivedAt: Date;
  plan: readonly PlannedReminder[];
  delivery: DeliveryInfo;
}

/** Called when a reminder is due (the fire step); a scheduler awaits it and never retries. */
export type ReminderDueHandler = (job: ReminderJob) => Promise<unknown>;

/**
 * Timers for reminders. `schedule` replaces whatever the user had (a new SMS time moves it),
 * `cancel` removes it, `list` shows what is pending, `close` stops firing (pending reminders stay
 * in Redis with BullMQ; the in-process scheduler loses them).
 */
export interface ReminderScheduler {
  readonly kind: 'in-process' | 'bullmq';
  schedule(userKey: string, request: ScheduleRequest): Promise<ReminderJob[]>;
  /** Returns how many pending reminders were removed. */
  cancel(userKey: string): Promise<number>;
  /** Pending reminders, soonest first (full user keys: mask before showing them). */
  list(): Promise<ReminderJob[]>;
  close(): Promise<void>;
}

/** The jobs a request turns into (one per planned reminder). */
export function jobsFor(userKey: string, request: ScheduleRequest): ReminderJob[] {
  const planned = request.plan.map((p) => p.at.toISOString());
  return request.plan.map((p) => ({
    userKey,
    index: p.index,
    kind: p.kind,
    at: p.at.toISOString(),
    smsReceivedAt: request.smsReceivedAt.toISOString(),
    deadline: deadlineOf(request.smsReceivedAt).toISOString(),
    delivery: request.delivery,
    planned,
  }));
}

export const byDueTime = (a: ReminderJob, b: ReminderJob) => Date.parse(a.at) - Date.parse(b.at) || a.userKey.localeCompare(b.userKey) || a.index - b.index;

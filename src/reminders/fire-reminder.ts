import { moduleLogger } from '../logger';
import type { ClaimStore } from '../state/claim-store';
import { describeError, type ProactiveSender, type SendResult } from './proactive-sender';
import type { ReminderMetrics } from './reminder-metrics';
import type { ReminderChannel, ReminderJob, ReminderStateView } from './reminder-types';

const log = moduleLogger('reminders');

/** What the fire step records through `saveReminderStatus` once a reminder went out. */
export interface SentReminder {
  /** ISO 8601: the reminder's due time. */
  at: string;
  status: 'sent';
  /** The SMS time it was for: a state whose SMS time changed meanwhile should not take this status. */
  smsReceivedAt: string;
  /** ISO 8601 of the next reminder planned for the same SMS, if any. */
  nextAt: string | null;
}

export interface FireReminderDeps {
  /** The user's current state (undefined once forgotten). */
  loadState(userKey: string): Promise<ReminderStateView | undefined>;
  /** The reminder text in the user's language (deadline in Beijing time HH:mm, hours left, attempts left). */
  renderReminder(state: ReminderStateView, now: Date): string | Promise<string>;
  saveReminderStatus(userKey: string, reminder: SentReminder): Promise<void>;
  senders: Partial<Record<ReminderChannel, ProactiveSender>>;
  /** Shared by every instance with Redis: the claim is what makes a reminder go out at most once. */
  claims: ClaimStore;
  metrics: ReminderMetrics;
  now?: () => Date;
}

export type FireOutcome = SendResult;

/** Why a due reminder is no longer wanted, or null when it still is. */
function unwantedReason(job: ReminderJob, state: ReminderStateView | undefined, now: Date): string | null {
  if (!state) return 'state_gone';
  if (!state.smsReceivedAt || Date.parse(state.smsReceivedAt) !== Date.parse(job.smsReceivedAt)) return 'sms_changed';
  if (state.stage !== 'sms_verification') return 'stage_changed';
  if (state.handoff?.active) return 'handoff';
  if (!state.reminder || (state.reminder.status !== 'scheduled' && state.reminder.status !== 'sent')) return 'cancelled';
  if (now.getTime() >= Date.parse(job.deadline)) return 'deadline_passed';
  if (state.attemptsUsed >= state.attemptsAllowed) return 'no_attempts_left';
  return null;
}

/**
 * The step that runs when a reminder is due, on whichever instance's scheduler fires it: re-read
 * the state, check the reminder is still wanted, claim it (so it is never sent twice), render,
 * deliver on the user's channel, record `sent`. Never throws: every outcome is logged and counted.
 */
export function createReminderFirer(deps: FireReminderDeps): (job: ReminderJob) => Promise<FireOutcome> {
  const now = deps.now ?? (() => new Date());
  return async (job) => {
    const channel = job.delivery.channel;
    const done = (outcome: FireOutcome): FireOutcome => {
      if (outcome.status === 'sent') {
        deps.metrics.sent.inc({ channel });
        log.info('reminder sent', { method: 'fire', userKey: job.userKey, channel, index: job.index, kind: job.kind });
      } else if (outcome.status === 'skipped') {
        deps.metrics.skipped.inc({ channel, reason: outcome.reason });
        log.info('reminder skipped', { method: 'fire', userKey: job.userKey, channel, index: job.index, reason: outcome.reason });
      } else {
        deps.metrics.failed.inc({ channel, reason: outcome.reason });
        log.warn('reminder failed', { method: 'fire', userKey: job.userKey, channel, index: job.index, reason: outcome.reason });
      }
      return outcome;
    };

    try {
      let state: ReminderStateView | undefined;
      try {
        state = await deps.loadState(job.userKey);
      } catch (err) {
        log.warn('state unavailable for a due reminder', { method: 'fire', userKey: job.userKey, error: describeError(err) });
        return done({ status: 'failed', reason: 'state_unavailable' });
      }
      const t = now();
      const unwanted = unwantedReason(job, state, t);
      if (unwanted || !state) return done({ status: 'skipped', reason: unwanted ?? 'state_gone' });
      const sender = deps.senders[channel];
      if (!sender) return done({ status: 'skipped', reason: 'no_sender' });

      // Claimed until well after the deadline: a second worker, a stalled job run again or a
      // reschedule of the same SMS never sends this slot again.
      const ttlMs = Math.max(60_000, Date.parse(job.deadline) - t.getTime() + 3600_000);
      if (!(await deps.claims.claim(`reminder:${job.userKey}|${job.smsReceivedAt}|${job.index}`, ttlMs))) {
        return done({ status: 'skipped', reason: 'already_sent' });
      }

      const text = await deps.renderReminder(state, t);
      const result = await sender.send(job.userKey, text, { lang: state.lang, deadline: new Date(job.deadline), delivery: job.delivery });
      if (result.status === 'sent') {
        const nextAt = job.planned.filter((at) => Date.parse(at) > Date.parse(job.at)).sort()[0] ?? null;
        await deps.saveReminderStatus(job.userKey, { at: job.at, status: 'sent', smsReceivedAt: job.smsReceivedAt, nextAt }).catch((err: unknown) => {
          log.warn('reminder sent but its status not saved', { method: 'fire', userKey: job.userKey, error: describeError(err) });
        });
      }
      return done(result);
    } catch (err) {
      log.error('reminder step failed', { method: 'fire', userKey: job.userKey, error: describeError(err) });
      return done({ status: 'failed', reason: 'error' });
    }
  };
}

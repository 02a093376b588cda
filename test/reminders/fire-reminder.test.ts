import { Registry } from 'prom-client';
import { rootLogger } from '../../src/logger';
import { createReminderFirer, type FireReminderDeps } from '../../src/reminders/fire-reminder';
import { ReminderMetrics } from '../../src/reminders/reminder-metrics';
import type { ReminderJob, ReminderStateView } from '../../src/reminders/reminder-types';
import { MemoryClaimStore } from '../../src/state/claim-store';
import { bj, captureLogs, counterValue, recordingSender, simpleRender, stateView } from './fixtures';

const SMS = bj('2026-03-10T10:00');
const job = (overrides: Partial<ReminderJob> = {}): ReminderJob => ({
  userKey: 'u-1',
  index: 0,
  kind: 'before',
  at: bj('2026-03-11T08:00').toISOString(),
  smsReceivedAt: SMS.toISOString(),
  deadline: bj('2026-03-11T10:00').toISOString(),
  delivery: { channel: 'webhook' },
  planned: [bj('2026-03-11T08:00').toISOString(), bj('2026-03-11T09:00').toISOString()],
  ...overrides,
});

function setup(state: ReminderStateView | undefined, now = bj('2026-03-11T08:00'), overrides: Partial<FireReminderDeps> = {}) {
  const metrics = new ReminderMetrics(new Registry());
  const sender = recordingSender();
  const saved: unknown[] = [];
  const deps: FireReminderDeps = {
    loadState: async () => state,
    renderReminder: simpleRender,
    saveReminderStatus: async (userKey, reminder) => {
      saved.push({ userKey, ...reminder });
    },
    senders: { webhook: sender },
    claims: new MemoryClaimStore(() => now.getTime()),
    metrics,
    now: () => now,
    ...overrides,
  };
  return { fire: createReminderFirer(deps), sender, saved, metrics };
}

describe('the fire step', () => {
  it('renders from the state it re-reads, sends on the recorded channel and records sent with the next reminder', async () => {
    const { fire, sender, saved, metrics } = setup(stateView(SMS, { lang: 'en', attemptsUsed: 2 }));
    expect(await fire(job())).toEqual({ status: 'sent' });
    expect(sender.sent).toEqual([
      { userKey: 'u-1', text: '[en] 2h left, 3 attempts', context: { lang: 'en', deadline: bj('2026-03-11T10:00'), delivery: { channel: 'webhook' } } },
    ]);
    expect(saved).toEqual([{ userKey: 'u-1', at: job().at, status: 'sent', smsReceivedAt: SMS.toISOString(), nextAt: bj('2026-03-11T09:00').toISOString() }]);
    expect(await counterValue(metrics.sent, { channel: 'webhook' })).toBe(1);
  });

  it('sends a reminder once even when it fires twice (two workers, a stalled job run again)', async () => {
    const { fire, sender, metrics } = setup(stateView(SMS));
    const outcomes = await Promise.all([fire(job()), fire(job()), fire(job())]);
    expect(outcomes.filter((o) => o.status === 'sent')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped' && o.reason === 'already_sent')).toHaveLength(2);
    expect(sender.sent).toHaveLength(1);
    expect(await counterValue(metrics.skipped, { reason: 'already_sent' })).toBe(2);
  });

  it.each<[string, ReminderStateView | undefined, string]>([
    ['the user was forgotten', undefined, 'state_gone'],
    ['a new SMS time was reported', stateView(bj('2026-03-10T11:00')), 'sms_changed'],
    ['the user verified (bureau review)', stateView(SMS, { stage: 'bureau_review' }), 'stage_changed'],
    ['the filing was approved', stateView(SMS, { stage: 'approved' }), 'stage_changed'],
    ['a human took over', stateView(SMS, { handoff: { active: true } }), 'handoff'],
    ['the user opted out', stateView(SMS, { reminder: { at: SMS.toISOString(), status: 'cancelled' } }), 'cancelled'],
    ['it was only offered', stateView(SMS, { reminder: { at: SMS.toISOString(), status: 'offered' } }), 'cancelled'],
    ['no reminder in state', stateView(SMS, { reminder: null }), 'cancelled'],
    ['all 5 attempts are used', stateView(SMS, { attemptsUsed: 5 }), 'no_attempts_left'],
  ])('skips, counts and sends nothing when %s', async (_what, state, reason) => {
    const { fire, sender, saved, metrics } = setup(state);
    expect(await fire(job())).toEqual({ status: 'skipped', reason });
    expect(sender.sent).toHaveLength(0);
    expect(saved).toHaveLength(0);
    expect(await counterValue(metrics.skipped, { channel: 'webhook', reason })).toBe(1);
  });

  it('never sends at or after the deadline, even when the job runs late', async () => {
    const { fire, sender } = setup(stateView(SMS), bj('2026-03-11T10:00'));
    expect(await fire(job())).toEqual({ status: 'skipped', reason: 'deadline_passed' });
    expect(sender.sent).toHaveLength(0);
  });

  it('skips a channel this instance has no sender for', async () => {
    const { fire } = setup(stateView(SMS));
    expect(await fire(job({ delivery: { channel: 'wecom_kf' } }))).toEqual({ status: 'skipped', reason: 'no_sender' });
  });

  it('counts and logs a failed delivery, masked, and records nothing', async () => {
    const logs = captureLogs();
    const failing = recordingSender(() => ({ status: 'failed', reason: 'http_5xx' }));
    const { fire, saved, metrics } = setup(stateView(SMS), undefined, { senders: { webhook: failing } });
    expect(await fire(job({ userKey: 'u-13812345678' }))).toEqual({ status: 'failed', reason: 'http_5xx' });
    expect(saved).toHaveLength(0);
    expect(await counterValue(metrics.failed, { channel: 'webhook', reason: 'http_5xx' })).toBe(1);
    await logs.flush();
    logs.restore();
    const logged = logs.lines.map((l) => JSON.parse(l)).find((info) => info.message === 'reminder failed');
    expect(logged).toMatchObject({ level: 'warn', reason: 'http_5xx', userKey: 'u-138****5678' });
    expect(logs.lines.join('\n')).not.toContain('13812345678');
  });

  it('turns a state store, renderer or sender that throws into a counted failure', async () => {
    const write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
    const down = setup(undefined, undefined, { loadState: () => Promise.reject(new Error('redis down')) });
    expect(await down.fire(job())).toEqual({ status: 'failed', reason: 'state_unavailable' });
    const broken = setup(stateView(SMS), undefined, {
      renderReminder: () => {
        throw new Error('missing text');
      },
    });
    expect(await broken.fire(job())).toEqual({ status: 'failed', reason: 'error' });
    expect(await counterValue(broken.metrics.failed, { reason: 'error' })).toBe(1);
    write.mockRestore();
  });

  it('still counts a sent reminder whose status could not be saved', async () => {
    const write = jest.spyOn(rootLogger, 'write').mockImplementation(() => true);
    const { fire, sender } = setup(stateView(SMS), undefined, { saveReminderStatus: () => Promise.reject(new Error('store down')) });
    expect(await fire(job())).toEqual({ status: 'sent' });
    expect(sender.sent).toHaveLength(1);
    write.mockRestore();
  });
});

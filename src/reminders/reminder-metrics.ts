import { Counter, type Registry } from 'prom-client';

/** Reminder counters on the app's registry (GET /metrics): one instance per registry. */
export class ReminderMetrics {
  readonly scheduled: Counter<'channel'>;
  readonly sent: Counter<'channel'>;
  readonly failed: Counter<'channel' | 'reason'>;
  readonly skipped: Counter<'channel' | 'reason'>;
  readonly cancelled: Counter;

  constructor(registry: Registry) {
    const registers = [registry];
    this.scheduled = new Counter({ name: 'beian_reminders_scheduled_total', help: 'Reminders scheduled, by channel', labelNames: ['channel'], registers });
    this.sent = new Counter({ name: 'beian_reminders_sent_total', help: 'Reminders delivered, by channel', labelNames: ['channel'], registers });
    this.failed = new Counter({
      name: 'beian_reminders_failed_total',
      help: 'Reminders the platform or the network refused, by channel and reason',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.skipped = new Counter({
      name: 'beian_reminders_skipped_total',
      help: 'Reminders due but not sent (no longer wanted, outside a platform window, quota), by channel and reason',
      labelNames: ['channel', 'reason'],
      registers,
    });
    this.cancelled = new Counter({ name: 'beian_reminders_cancelled_total', help: 'Scheduled reminders removed before they were due', registers });
  }
}

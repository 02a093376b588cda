// A bot instance in its own process for the "killed before the due time" test: it runs a BullMQ
// reminder worker, schedules one reminder for REMINDER_DUE_IN_MS from now, prints "scheduled" and
// waits to be killed. Were it ever to fire anything, it prints "fired".
import { BullmqReminderScheduler } from '../../src/reminders/bullmq-reminder-scheduler';
import { planReminders } from '../../src/reminders/reminder-plan';

async function main(): Promise<void> {
  const { REDIS_URL, QUEUE_PREFIX, USER_KEY, REMINDER_DUE_IN_MS } = process.env;
  const scheduler = new BullmqReminderScheduler({
    redisUrl: REDIS_URL!,
    prefix: QUEUE_PREFIX,
    channels: ['webhook'],
    onDue: async () => {
      process.stdout.write('fired\n');
    },
  });
  const now = new Date();
  const smsReceivedAt = new Date(now.getTime() + Number(REMINDER_DUE_IN_MS) - 3600_000 * 23);
  const plan = planReminders(smsReceivedAt, now, { before: [3600_000], atResend: false, quietHours: null });
  await scheduler.schedule(USER_KEY!, { smsReceivedAt, plan, delivery: { channel: 'webhook' } });
  process.stdout.write(`scheduled sms=${smsReceivedAt.toISOString()}\n`);
  // Stay alive (the worker keeps the process running) until the test kills it.
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

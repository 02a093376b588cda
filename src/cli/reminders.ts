import './quiet';
import { Registry } from 'prom-client';
import { loadConfig } from '../config';
import { formatClock } from '../core/time-format';
import { maskUserKey } from '../privacy/mask-user-key';
import { createReminders } from '../reminders/create-reminders';

// npm run reminders: what is scheduled, soonest first, with masked user keys. Reads the BullMQ
// queues in Redis (REDIS_URL); in-process reminders live only inside the running bot.
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.REDIS_URL) {
    process.stdout.write('No REDIS_URL: reminders are in-process timers of the running bot (lost on restart) and cannot be listed from here.\n');
    return;
  }
  const reminders = createReminders(config, {
    registry: new Registry(),
    worker: false,
    loadState: () => Promise.reject(new Error('listing only')),
    renderReminder: () => '',
    saveReminderStatus: () => Promise.resolve(),
  });
  try {
    const jobs = await reminders.scheduler.list();
    if (!jobs.length) {
      process.stdout.write('no reminders scheduled\n');
      return;
    }
    process.stdout.write(`due (Beijing)     deadline (Beijing)  channel   kind    user\n`);
    for (const j of jobs) {
      const due = formatClock(new Date(j.at), 'en').padEnd(16);
      const deadline = formatClock(new Date(j.deadline), 'en').padEnd(18);
      process.stdout.write(`${due}  ${deadline}  ${j.delivery.channel.padEnd(8)}  ${j.kind.padEnd(6)}  ${maskUserKey(j.userKey)}\n`);
    }
    process.stdout.write(`${jobs.length} reminder(s)\n`);
  } finally {
    await reminders.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

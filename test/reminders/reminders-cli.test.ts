import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { maskUserKey } from '../../src/privacy/mask-user-key';
import { BullmqReminderScheduler } from '../../src/reminders/bullmq-reminder-scheduler';
import { planReminders } from '../../src/reminders/reminder-plan';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const cli = (env: Record<string, string>) =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/reminders.ts'], { cwd: ROOT, env: { ...process.env, REDIS_URL: '', ...env }, timeout: 30_000 });

describe('maskUserKey', () => {
  it.each([
    ['wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs', 'wechat:oy…rs'],
    ['wecom:ZhangSan', 'wecom:Zh…an'],
    ['u-123', '*****'],
    ['customer-4242-abc', 'cu…bc'],
    ['u-13812345678', 'u-…78'],
  ])('shows %p as %p', (key, masked) => {
    expect(maskUserKey(key)).toBe(masked);
  });
});

describe('npm run reminders', () => {
  it('says it cannot list in-process reminders without REDIS_URL', async () => {
    const { stdout } = await cli({});
    expect(stdout).toMatch(/No REDIS_URL: reminders are in-process/);
  });
});

describeWithRedis('npm run reminders (Redis)', () => {
  it('lists scheduled reminders soonest first, with masked user keys and Beijing times', async () => {
    // The CLI reads the deployment's queues (the default prefix): use keys no other test uses.
    const scheduler = new BullmqReminderScheduler({ redisUrl: TEST_REDIS_URL! });
    const users = ['wechat:oyORnuP8q7ou2gfYjqLzSIWZf0rs', 'cli-test-user-13812345678'];
    const sms = new Date('2026-12-30T02:00:00.000Z'); // 10:00 Beijing; reminder 08:00 the next day
    try {
      for (const [i, userKey] of users.entries()) {
        const smsAt = new Date(sms.getTime() + i * 60_000);
        const plan = planReminders(smsAt, new Date(Math.min(Date.now(), smsAt.getTime())), { before: [2 * 3600_000], atResend: false, quietHours: null });
        await scheduler.schedule(userKey, { smsReceivedAt: smsAt, plan, delivery: { channel: i ? 'webhook' : 'wechat' } });
      }
      const { stdout } = await cli({ REDIS_URL: TEST_REDIS_URL! });
      const lines = stdout.split('\n').filter((l) => l.includes('…'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/Dec 31, 08:00 .*Dec 31, 10:00 .*wechat .*wechat:oy…rs/);
      expect(lines[1]).toMatch(/Dec 31, 08:01 .*webhook .*cl…78/);
      expect(stdout).not.toContain('oyORnuP8q7ou2gfYjqLzSIWZf0rs');
      expect(stdout).not.toContain('13812345678');
    } finally {
      for (const u of users) await scheduler.cancel(u);
      await scheduler.close();
    }
  });
});

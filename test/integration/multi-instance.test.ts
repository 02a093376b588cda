import { freePort } from '../free-port';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describeWithRedis, TEST_REDIS_URL } from '../helpers';

// Two real app processes on one Redis, no sticky sessions: a user's messages alternate between
// them, one is killed, and the other and a restarted one carry on with the full state.
const ROOT = path.resolve(__dirname, '..', '..');

function startInstance(port: number): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'warn', DOTENV_CONFIG_QUIET: 'true' },
    stdio: 'ignore',
  });
}

// Generous: on a loaded CI machine two processes starting at once can take far longer than alone.
async function ready(port: number, ms = 40_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`instance on ${port} not ready`);
}

async function say(port: number, userId: string, text: string, iso: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, text, timestamp: iso }),
  });
  expect(res.status).toBe(200);
  return res.json();
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describeWithRedis('several instances on one Redis', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  it("keeps one user's state across instances, a crash and a restart; SIGTERM exits 0", async () => {
    const [pa, pb] = [await freePort(), await freePort()];
    let a = startInstance(pa);
    const b = startInstance(pb);
    children.push(a, b);
    await Promise.all([ready(pa), ready(pb)]);
    const user = `multi-${randomUUID()}`;
    // Yesterday's date: the API refuses message times more than 2 years old.
    const day = new Date(Date.now() - 24 * 3600_000).toISOString().slice(0, 10);

    await say(pa, user, '我们是微信小程序', `${day}T01:00:00Z`);
    await say(pb, user, '初审通过了', `${day}T01:10:00Z`);
    await say(pa, user, '刚收到核验短信', `${day}T01:20:00Z`);
    let r = await say(pb, user, '又输错了', `${day}T01:30:00Z`);
    expect(r.state).toMatchObject({ platform: 'wechat', stage: 'sms_verification', smsReceivedAt: `${day}T01:20:00.000Z`, attemptsUsed: 1 });

    a.kill('SIGKILL');
    await exited(a);
    r = await say(pb, user, '又输错了', `${day}T01:40:00Z`);
    expect(r.state.attemptsUsed).toBe(2);

    a = startInstance(pa);
    children.push(a);
    await ready(pa);
    r = await say(pa, user, '我还剩多少时间', `${day}T04:20:00Z`);
    expect(r.intent).toBe('state.query');
    expect(r.reply).toMatch(/还剩约 21 小时/);
    expect(r.state).toMatchObject({ platform: 'wechat', attemptsUsed: 2, attemptsLeft: 3 });

    b.kill('SIGTERM');
    expect(await exited(b)).toBe(0);
    a.kill('SIGTERM');
    expect(await exited(a)).toBe(0);
  }, 150_000);
});

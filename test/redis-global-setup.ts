import { freePort } from './free-port';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';

// Tests that need Redis use TEST_REDIS_URL. CI (and anyone with REDIS_URL set) brings its own;
// otherwise a throwaway redis-server is started on a free port when the binary is installed.
async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_REDIS_URL) return;
  if (process.env.REDIS_URL) {
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) return;
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  (globalThis as { __redis?: ChildProcess }).__redis = child;
  await waitForPort(port, 5000);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
}

// The server process as an operator runs it (src/index.ts, what `npm start` runs compiled): it reads
// .env when there is one, and SIGTERM closes keep-alive connections without dropping a request.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from '../free-port';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = path.join(ROOT, 'src', 'index.ts');
// tsx by path: the process runs in a scratch folder, where `--import tsx` would not resolve.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function start(cwd: string, env: Record<string, string>): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['--import', TSX, ENTRY], {
    cwd,
    // Only what the test sets: a developer's own PORT or REDIS_URL must not leak in.
    env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  child.stdout.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  return { child, lines };
}

async function listeningPort(lines: string[], ms = 20_000): Promise<number> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const l of lines) {
      if (!l.startsWith('{')) continue;
      const entry = JSON.parse(l) as { message?: string; port?: number };
      if (entry.message === 'listening' && entry.port) return entry.port;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server did not start:\n${lines.join('\n')}`);
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

function get(port: number, agent: http.Agent, p = '/healthz'): Promise<{ status: number; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
    });
    req.on('error', reject);
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('the server process', () => {
  it('reads .env from its working directory (PORT, HOST), and starts without one too', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotenv-'));
    const port = await freePort();
    fs.writeFileSync(path.join(dir, '.env'), `# a .env as .env.example suggests\nPORT=${port}\nHOST=127.0.0.1\n`);
    const withEnv = start(dir, {});
    children.push(withEnv.child);
    expect(await listeningPort(withEnv.lines)).toBe(port);
    expect((await get(port, new http.Agent())).status).toBe(200);
    withEnv.child.kill('SIGTERM');
    expect(await exited(withEnv.child)).toBe(0);

    // The environment wins over .env; no .env at all is fine.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-dotenv-'));
    const without = start(empty, { PORT: '0', HOST: '127.0.0.1' });
    children.push(without.child);
    const other = await listeningPort(without.lines);
    expect(other).not.toBe(port);
    without.child.kill('SIGTERM');
    expect(await exited(without.child)).toBe(0);
  }, 60_000);

  it('answers a request sent on an idle keep-alive connection after SIGTERM, then exits 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sigterm-'));
    const { child, lines } = start(dir, { PORT: '0', HOST: '127.0.0.1' });
    children.push(child);
    const port = await listeningPort(lines);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    expect((await get(port, agent)).status).toBe(200);
    // The connection is now idle in the agent's pool.
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const during = await get(port, agent);
    expect(during.status).toBe(200);
    expect(during.connection).toBe('close');
    expect(await exited(child)).toBe(0);
    agent.destroy();
  }, 60_000);
});

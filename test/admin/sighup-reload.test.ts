// The server process as an operator runs it: after the overlay (or intents/) changed on disk,
// SIGHUP retrains and swaps without a restart, and the console's routes exist only with a token.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = pathToFileURL(path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
const QUESTION = '备案好的域名可以直接过户给别人吗';

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
});

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const ask = async (port: number, userId: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, text: QUESTION }),
  });
  return ((await res.json()) as { intent: string }).intent;
};

describe('reload on SIGHUP', () => {
  it('serves a variant written to the overlay file after SIGHUP, without a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sighup-'));
    const overlay = path.join(dir, 'overlay.yaml');
    child = spawn(process.execPath, ['--import', TSX, path.join(ROOT, 'src', 'index.ts')], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', PORT: '0', HOST: '127.0.0.1', KNOWLEDGE_OVERLAY: overlay },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    child.stderr!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
    const logged = (message: string, extra: Record<string, unknown> = {}) =>
      lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((e) => e.message === message && Object.entries(extra).every(([k, v]) => e[k] === v));
    const port = (await until('listening', () => logged('listening')?.port)) as number;
    await until('ready', () => logged('ready'));
    expect(await ask(port, 'before')).not.toBe('filing.types');
    // No console without a token.
    expect((await fetch(`http://127.0.0.1:${port}/console`)).status).toBe(404);

    fs.writeFileSync(overlay, `variants:\n  - text: ${QUESTION}\n    intent: filing.types\n    lang: zh\n    at: "2026-01-01T00:00:00Z"\n`);
    child.kill('SIGHUP');
    await until('the reload', () => logged('knowledge loaded', { reason: 'SIGHUP' }));
    expect(await ask(port, 'after')).toBe('filing.types');
    child.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});

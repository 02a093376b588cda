import './quiet';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { Nlu } from '../nlu/nlu';

// npm run bench: classifier speed, HTTP throughput against bare express (load from this process,
// servers in their own), RSS with 50k conversations, start-up to ready. Prints figures; asserts nothing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: Record<string, unknown>) => Promise<AutocannonResult>;
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const DEV_SET = process.env.BENCH_DEV_SET ?? path.resolve(ROOT, '..', 'shared', 'eval', 'dev.jsonl');
const HTTP_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

function texts(): string[] {
  if (!fs.existsSync(DEV_SET)) return ['收不到核验短信怎么办', 'how long is the code valid', '驗證碼發給誰', '又输错了', 'hello'];
  return fs
    .readFileSync(DEV_SET, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

function classifierBench(samples: string[]): string[] {
  const config = loadConfig();
  const nlu = new Nlu(loadKnowledgeBase(config.INTENTS_DIR), { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN });
  for (const t of samples) nlu.parse(t); // warm-up: JIT, converters
  const times: number[] = [];
  const rounds = 20;
  const start = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const t of samples) {
      const s = performance.now();
      nlu.parse(t);
      times.push(performance.now() - s);
    }
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  return [
    `classifier (in-process, ${samples.length} dev messages × ${rounds}): ${Math.round((times.length / total) * 1000)} messages/s, p50 ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms`,
  ];
}

function startServer(script: string, port: number, env: Record<string, string> = {}): { child: ChildProcess; started: number } {
  const started = performance.now();
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { child, started };
}

async function waitReady(url: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(10);
  }
  throw new Error(`${url} not ready`);
}

/** CPU seconds (user + system, all threads) a process has used so far; undefined where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

interface LoadResult extends AutocannonResult {
  /** Server CPU milliseconds per request, all its threads (GC included). */
  cpuMsPerRequest?: number;
}

async function load(port: number, samples: string[], pid?: number): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(pid);
  const result = await loadOnly(port, samples);
  const cpuAfter = cpuSeconds(pid);
  const cpuMsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total : undefined;
  return { ...result, cpuMsPerRequest };
}

async function loadOnly(port: number, samples: string[]): Promise<AutocannonResult> {
  let i = 0;
  return autocannon({
    url: `http://127.0.0.1:${port}/api/v1/messages`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: HTTP_SECONDS,
    headers: { 'content-type': 'application/json' },
    // Many distinct users, real questions: every request is a different user's message.
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          i++;
          return { ...req, body: JSON.stringify({ userId: `bench-${i}`, text: samples[i % samples.length], timestamp: 1767225600 + i }) };
        },
      },
    ],
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error('run npm run build first (npm run bench does)');
  const samples = texts();
  const out: string[] = [`bench on ${process.platform} ${process.arch}, node ${process.version}, ${os.cpus().length} cores`];
  out.push(...classifierBench(samples));

  // Start-up to ready, then the same process under load. The bot runs at its default log level
  // (a turn line per message), not the quiet level this CLI uses for itself.
  const full = startServer(path.join(DIST, 'index.js'), 3211, { LOG_LEVEL: 'info' });
  await waitReady('http://127.0.0.1:3211/readyz');
  const readyMs = performance.now() - full.started;
  const bare = startServer(path.join(DIST, 'cli', 'bench-bare-server.js'), 3212);
  const stack = startServer(path.join(DIST, 'cli', 'bench-stack-server.js'), 3213, { LOG_LEVEL: 'info' });
  await waitReady('http://127.0.0.1:3212/api/v1/messages').catch(() => undefined);
  await waitReady('http://127.0.0.1:3213/healthz');
  await sleep(300);
  const line = (name: string, r: LoadResult) =>
    `${name}: ${Math.round(r.requests.average)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms` +
    (r.cpuMsPerRequest !== undefined ? `, server CPU ${r.cpuMsPerRequest.toFixed(3)} ms/request` : '') +
    (r.non2xx || r.errors ? `, non-2xx ${r.non2xx}, errors ${r.errors}` : '');
  try {
    const bareResult = await load(3212, samples, bare.child.pid);
    const stackResult = await load(3213, samples, stack.child.pid);
    const fullResult = await load(3211, samples, full.child.pid);
    out.push(
      line('HTTP bare express (JSON in/out)', bareResult),
      line("HTTP the bot's stack, engine without NLU", stackResult),
      line('HTTP POST /api/v1/messages (full bot)', fullResult),
      `throughput ratio full / bare: ${(fullResult.requests.average / bareResult.requests.average).toFixed(2)}; stack without NLU / bare: ${(stackResult.requests.average / bareResult.requests.average).toFixed(2)} (${CONNECTIONS} connections, ${HTTP_SECONDS} s each)`,
    );
  } finally {
    full.child.kill('SIGTERM');
    bare.child.kill('SIGTERM');
    stack.child.kill('SIGTERM');
  }

  const mem = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(DIST, 'cli', 'bench-memory.js'), '50000'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`bench-memory exited ${code}`))));
  });
  const m = JSON.parse(mem) as { conversations: number; rssMb: number; fillMs: number };
  out.push(
    `RSS holding ${m.conversations} conversations in the memory store: ${m.rssMb.toFixed(0)} MB (filled by real turns in ${(m.fillMs / 1000).toFixed(1)} s)`,
  );
  out.push(`start-up to ready (node dist/index.js until /readyz is 200): ${readyMs.toFixed(0)} ms`);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

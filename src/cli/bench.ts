import './quiet';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import winston from 'winston';
import { loadConfig } from '../config';
import { DialogueEngine } from '../core/dialogue-engine';
import { decide } from '../core/policy';
import type { Message } from '../core/types';
import { loadKnowledgeBase } from '../knowledge/knowledge-base';
import { moduleLogger, rootLogger } from '../logger';
import { Nlu, type ParseStage } from '../nlu/nlu';
import { newConversationState, type ConversationState } from '../state/conversation-state';
import { MemoryConversationStore } from '../state/memory-conversation-store';
import { benchTexts } from './bench-texts';

// npm run bench: one run, in interleaved rounds, of
//   - bare express (JSON in / JSON out), NLP.js trained on intents/ behind the same bare express,
//     the bot's HTTP stack with an engine that does no NLU, and the full bot (each its own single
//     process; the load comes from this one), with thousands of distinct messages and many users;
//   - the in-process turn, stage by stage; RSS holding 50k and 200k conversations; start-up to ready.
// Medians over the rounds. It prints figures and asserts nothing: this machine's other load moves
// absolute numbers, the same-run ratios much less.
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const USERS = Number(process.env.BENCH_USERS ?? 20_000);
// BENCH_PARTS=turn,http: only those parts (while working on one of them).
const PARTS = new Set((process.env.BENCH_PARTS ?? 'turn,http,startup,memory').split(','));
const MEMORY_SIZES = (process.env.BENCH_MEMORY ?? '50000,200000').split(',').map(Number).filter(Boolean);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const median = (xs: number[]) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    0.5,
  );
const us = (ms: number) => `${Math.round(ms * 1000)} µs`;

// ---------------------------------------------------------------------------------------------
// In-process: one turn and its stages, at the info log level the server runs with (lines go to
// /dev/null, so formatting and masking are paid as in production).

const STAGES = ['normalise', 'tokenise', 'classify', 'entities', 'policy', 'render', 'log'] as const;
type Stage = (typeof STAGES)[number];

async function inProcess(texts: string[]): Promise<string[]> {
  rootLogger.level = 'info';
  rootLogger.clear().add(new winston.transports.Stream({ stream: fs.createWriteStream('/dev/null') }));
  const config = loadConfig();
  const kb = loadKnowledgeBase(config.INTENTS_DIR);
  const nlu = new Nlu(kb, { threshold: config.NLU_CONFIDENCE_THRESHOLD, margin: config.NLU_MARGIN });
  const store = new MemoryConversationStore(3600, { maxKeys: 0 });
  // One message at a time, parsed at once: the work of a turn. The server parses through the batcher
  // (its cost under load is the HTTP part's); alone, a message there also waits one event-loop turn.
  const engine = new DialogueEngine(nlu, store, undefined, undefined, { batchParses: false });
  const batched = new DialogueEngine(nlu, store);
  const log = moduleLogger('dialogue');
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const message = (i: number): Message => ({
    userId: `turn-${i % USERS}`,
    text: texts[i % texts.length],
    timestamp: new Date(t0 + i * 1000),
    channel: 'bench',
  });
  const n = Math.max(texts.length * 2, 8000);
  for (let i = 0; i < 2000; i++) await engine.handle(message(i)); // warm-up: JIT, converters

  // The whole turn (parse, store, decide, render, log).
  const timeTurns = async (e: DialogueEngine, from: number, count: number): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const m = message(from + i);
      const s = performance.now();
      await e.handle(m);
      out.push(performance.now() - s);
    }
    return out.sort((a, b) => a - b);
  };
  const turns = await timeTurns(engine, 2000, n);
  const alone = await timeTurns(batched, 2000 + n, Math.min(n, 4000));

  // Stage by stage, with the same functions the turn calls, on the same messages.
  const times: Record<Stage, number[]> = Object.fromEntries(STAGES.map((s) => [s, []])) as unknown as Record<Stage, number[]>;
  const states = new Map<string, ConversationState>();
  for (let i = 0; i < n; i++) {
    const m = message(i + 2000);
    const sums: Partial<Record<Stage, number>> = {};
    let last = performance.now();
    const probe = (stage: ParseStage) => {
      const t = performance.now();
      sums[stage] = (sums[stage] ?? 0) + (t - last);
      last = t;
    };
    const parse = nlu.parse(m.text, m.timestamp, probe);
    const state = states.get(m.userId) ?? newConversationState(m.timestamp);
    let t = performance.now();
    decide(parse, state);
    const policy = performance.now() - t;
    t = performance.now();
    const turn = engine.answer(m, parse, state);
    const answered = performance.now() - t;
    states.set(m.userId, turn.state);
    t = performance.now();
    log.info('turn', {
      userId: m.userId,
      channel: m.channel,
      intent: turn.reply.intent,
      confidence: Number(turn.reply.confidence.toFixed(3)),
      decidedBy: turn.decidedBy,
      lang: turn.reply.lang,
      stage: turn.state.stage,
      ms: Number(answered.toFixed(2)),
    });
    const logged = performance.now() - t;
    for (const s of ['normalise', 'tokenise', 'classify', 'entities'] as const) if (sums[s] !== undefined) times[s].push(sums[s]);
    times.policy.push(policy);
    // answer() runs the policy once inside: what is left of it is rendering the reply and the next state.
    times.render.push(Math.max(0, answered - policy));
    times.log.push(logged);
  }
  await store.close();
  const out = [
    `in-process turn (engine.handle: parse, store, policy, render, info log line), ${n} turns of ${texts.length} distinct messages, ${USERS} users, model from ${nlu.modelSource}:`,
    `  turn p50 ${us(quantile(turns, 0.5))}, p99 ${us(quantile(turns, 0.99))}, ${Math.round(n / (turns.reduce((a, b) => a + b, 0) / 1000))} turns/s`,
    `  the same through the parse batcher, one message waiting at a time: turn p50 ${us(quantile(alone, 0.5))}, p99 ${us(quantile(alone, 0.99))}`,
  ];
  for (const s of STAGES) {
    const sorted = times[s].sort((a, b) => a - b);
    out.push(`  ${s.padEnd(9)} p50 ${us(quantile(sorted, 0.5)).padStart(7)}, p99 ${us(quantile(sorted, 0.99)).padStart(7)}`);
  }
  rootLogger.level = 'warn';
  return out;
}

// ---------------------------------------------------------------------------------------------
// HTTP: four servers, each its own process, loaded in turn from here, round after round.

interface Server {
  name: string;
  script: string;
  port: number;
  env?: Record<string, string>;
  readyPath: string;
  child?: ChildProcess;
  readyMs?: number;
}

function spawnServer(s: Server): ChildProcess {
  return spawn(process.execPath, [s.script], {
    cwd: ROOT,
    // The bot at its default log level: a turn line per message, written (to a pipe nobody reads, like a log shipper's).
    env: { ...process.env, PORT: String(s.port), HOST: '127.0.0.1', DOTENV_CONFIG_QUIET: 'true', LOG_LEVEL: 'info', ...s.env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function waitReady(url: string, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (
      await fetch(url).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(5);
  }
  throw new Error(`${url} not ready`);
}

async function start(s: Server): Promise<void> {
  const started = performance.now();
  s.child = spawnServer(s);
  await waitReady(`http://127.0.0.1:${s.port}${s.readyPath}`);
  s.readyMs = performance.now() - started;
}

/** One message must be answered 200 before a server is loaded: failing requests would make its figures meaningless. */
async function checkAnswers(s: Server, text: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${s.port}/api/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ userId: 'bench-check', text, timestamp: 1767225600 }),
  });
  if (!res.ok) throw new Error(`${s.name} answers ${res.status} to a message: ${await res.text()}`);
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

interface Load {
  rps: number;
  p50: number;
  p99: number;
  cpuMs?: number;
  failed: number;
}

let sent = 0;
async function load(s: Server, texts: string[], seconds: number): Promise<Load> {
  const cpuBefore = cpuSeconds(s.child?.pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${s.port}/api/v1/messages`,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    // Every request a different message; users cycle through USERS, so conversations have several turns.
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          sent++;
          return {
            ...req,
            body: JSON.stringify({ userId: `bench-${sent % USERS}`, text: texts[sent % texts.length], timestamp: 1767225600 + (sent % 86_400) }),
          };
        },
      },
    ],
  });
  const cpuAfter = cpuSeconds(s.child?.pid);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMs: cpuBefore !== undefined && cpuAfter !== undefined ? ((cpuAfter - cpuBefore) * 1000) / result.requests.total : undefined,
    failed: result.non2xx + result.errors,
  };
}

async function http(texts: string[]): Promise<string[]> {
  const servers: Server[] = [
    { name: 'bare express', script: path.join(DIST, 'cli', 'bench-bare-server.js'), port: 3212, readyPath: '/healthz' },
    { name: 'NLP.js + bare express', script: path.join(DIST, 'cli', 'bench-nlpjs-server.js'), port: 3214, readyPath: '/healthz' },
    { name: 'bot stack, no NLU', script: path.join(DIST, 'cli', 'bench-stack-server.js'), port: 3213, readyPath: '/healthz' },
    { name: 'full bot', script: path.join(DIST, 'index.js'), port: 3211, readyPath: '/readyz' },
  ];
  const [bare, nlpjs, , full] = servers;
  const results = new Map<Server, Load[]>(servers.map((s) => [s, []]));
  try {
    for (const s of servers) await start(s);
    for (const s of servers) await checkAnswers(s, texts[0]);
    for (const s of servers) await load(s, texts, 2); // warm-up: JIT, first conversations
    for (let r = 0; r < ROUNDS; r++) {
      // A different order each round, so no server always follows the same neighbour.
      const order = servers.map((_, i) => servers[(i + r) % servers.length]);
      for (const s of order) results.get(s)!.push(await load(s, texts, SECONDS));
    }
  } finally {
    for (const s of servers) s.child?.kill('SIGTERM');
  }
  const rps = (s: Server) => results.get(s)!.map((l) => l.rps);
  // Ratios per round, then their median: a busy moment of the machine moves both sides of a round.
  const ratio = (a: Server, b: Server) => median(rps(a).map((x, i) => x / rps(b)[i]));
  const out = [
    `HTTP POST /api/v1/messages: ${ROUNDS} interleaved rounds of ${SECONDS} s per server, ${CONNECTIONS} connections, ${texts.length} distinct messages, ${USERS} users (medians):`,
  ];
  for (const s of servers) {
    const ls = results.get(s)!;
    const cpu = ls.every((l) => l.cpuMs !== undefined) ? `, server CPU ${median(ls.map((l) => l.cpuMs!)).toFixed(3)} ms/request` : '';
    const failed = ls.reduce((a, l) => a + l.failed, 0);
    out.push(
      `  ${s.name.padEnd(22)} ${String(Math.round(median(rps(s)))).padStart(6)} req/s (rounds ${rps(s)
        .map((x) => Math.round(x))
        .join(', ')}), p50 ${median(ls.map((l) => l.p50))} ms, p99 ${median(ls.map((l) => l.p99))} ms${cpu}` +
        `; ×${ratio(s, bare).toFixed(2)} bare, ×${ratio(s, nlpjs).toFixed(2)} NLP.js${failed ? `, ${failed} failed` : ''}`,
    );
  }
  out.push(`  full bot / NLP.js: ${ratio(full, nlpjs).toFixed(2)} (target ≥ 1.0)`);
  out.push(`  ready after spawn in this run: full bot ${Math.round(full.readyMs!)} ms, NLP.js (trains at start) ${Math.round(nlpjs.readyMs!)} ms`);
  return out;
}

/** Start-up to ready of the full bot, alone on the machine's share this process leaves it. */
async function startup(times = 3): Promise<string> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const s: Server = { name: 'full bot', script: path.join(DIST, 'index.js'), port: 3215, readyPath: '/readyz' };
    await start(s);
    ms.push(s.readyMs!);
    s.child!.kill('SIGTERM');
    await new Promise((resolve) => s.child!.once('exit', resolve));
  }
  return `start-up to ready (node dist/index.js until /readyz is 200), ${times} starts: median ${Math.round(median(ms))} ms (${ms.map(Math.round).join(', ')}; target ≤ 1500)`;
}

function memory(n: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(DIST, 'cli', 'bench-memory.js'), String(n)], {
      cwd: ROOT,
      // The default cap (STATE_MAX_KEYS) would evict before 200k: lift it so N conversations are held.
      env: { ...process.env, STATE_MAX_KEYS: String(n), DOTENV_CONFIG_QUIET: 'true' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench-memory exited ${code}`));
      const m = JSON.parse(text) as { conversations: number; rssMb: number; heapMb: number; fillMs: number };
      resolve(
        `RSS holding ${m.conversations} conversations (memory store, filled by real turns of varied messages in ${(m.fillMs / 1000).toFixed(1)} s): ${m.rssMb.toFixed(0)} MB (heap ${m.heapMb.toFixed(0)} MB)`,
      );
    });
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIST, 'index.js'))) throw new Error('run npm run build first (npm run bench does)');
  const texts = benchTexts();
  const print = (lines: string[] | string) => process.stdout.write(`${([] as string[]).concat(lines).join('\n')}\n`);
  print(`bench on ${process.platform} ${process.arch}, node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg()[0].toFixed(2)}`);
  if (PARTS.has('turn')) print(await inProcess(texts));
  if (PARTS.has('http')) print(await http(texts));
  if (PARTS.has('startup')) print(await startup());
  if (PARTS.has('memory')) for (const n of MEMORY_SIZES) print(await memory(n));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

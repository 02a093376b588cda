import './quiet';
import '../load-env';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, createStore } from '../bot';
import { loadConfig } from '../config';
import type { DialogueEngine } from '../core/dialogue-engine';
import { FALLBACK } from '../core/intent-ids';
import type { Message, Platform } from '../core/types';
import { charsToTraditional } from '../nlu/chinese-script';

// npm run eval [file ...]: single messages (.jsonl: {"text","lang","intent"}) and multi-turn
// dialogues (.json, the format of ../shared/eval/README.md) through the same engine as the API.
// With no file: every file of ../shared/eval.

interface Item {
  text: string;
  lang: string;
  intent: string;
}

interface Expect {
  intent?: string;
  lang?: string;
  state?: Record<string, unknown>;
  reply_all?: string[][];
  reply_none?: string[];
  traditional?: boolean;
  mostly_latin?: boolean;
}

interface Dialogue {
  name: string;
  turns: Array<{ t: number; text: string; platform?: Platform; expect?: Expect }>;
}

const EVAL_DIR = path.resolve(__dirname, '../../../shared/eval');
const T0 = Date.parse('2026-01-01T00:00:00Z');
const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Failures by the policy rule that decided them, so a wrong rule stands out from a wrong model. */
function grouped(failures: Array<{ decidedBy: string; line: string }>, verbose: boolean): string[] {
  const by = new Map<string, string[]>();
  for (const f of failures) by.set(f.decidedBy, [...(by.get(f.decidedBy) ?? []), f.line]);
  const out: string[] = [];
  for (const [rule, lines] of [...by.entries()].sort((a, b) => b[1].length - a[1].length)) {
    out.push(`  decidedBy ${rule}: ${lines.length}`);
    out.push(...(verbose ? lines : lines.slice(0, 3)).map((l) => `    ${l}`));
    if (!verbose && lines.length > 3) out.push(`    … ${lines.length - 3} more (EVAL_VERBOSE=1 shows all)`);
  }
  return out;
}

async function evalMessages(engine: DialogueEngine, file: string, verbose: boolean): Promise<string[]> {
  const items = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Item);
  const latencies: number[] = [];
  const byLang = new Map<string, { n: number; ok: number }>();
  const failures: Array<{ decidedBy: string; line: string }> = [];
  const decided = new Map<string, number>();
  let inScope = 0,
    inScopeOk = 0,
    falseFallback = 0,
    fb = 0,
    fbOk = 0,
    langOk = 0,
    empty = 0;
  const timestamp = new Date(T0);
  for (const [i, item] of items.entries()) {
    const start = performance.now();
    const { reply } = await engine.handle({ userId: `eval-${path.basename(file)}-${i}`, text: item.text, timestamp, channel: 'eval' });
    latencies.push(performance.now() - start);
    const by = reply.decidedBy ?? '?';
    decided.set(by, (decided.get(by) ?? 0) + 1);
    if (!reply.text.trim()) empty++;
    if (reply.lang === item.lang) langOk++;
    if (item.intent === FALLBACK) {
      fb++;
      if (reply.intent === FALLBACK) fbOk++;
    } else {
      inScope++;
      const lang = byLang.get(item.lang) ?? { n: 0, ok: 0 };
      lang.n++;
      if (reply.intent === item.intent) {
        inScopeOk++;
        lang.ok++;
      } else if (reply.intent === FALLBACK) falseFallback++;
      byLang.set(item.lang, lang);
    }
    if (reply.intent !== item.intent || reply.lang !== item.lang) {
      failures.push({ decidedBy: by, line: `[${item.lang}->${reply.lang}] ${item.intent} -> ${reply.intent} (${reply.confidence.toFixed(2)}): ${item.text}` });
    }
  }
  latencies.sort((a, b) => a - b);
  return [
    `messages: ${items.length} from ${file}`,
    `  in-scope top-1 accuracy: ${pct(inScopeOk, inScope)} (${inScopeOk}/${inScope})`,
    ...[...byLang.entries()].sort().map(([l, v]) => `    ${l.padEnd(8)} ${pct(v.ok, v.n)} (${v.ok}/${v.n})`),
    `  fallback recall: ${pct(fbOk, fb)} (${fbOk}/${fb})`,
    `  false-fallback rate: ${pct(falseFallback, inScope)} (${falseFallback}/${inScope})`,
    `  reply language = message language: ${pct(langOk, items.length)} (${langOk}/${items.length})`,
    `  empty replies: ${empty}`,
    `  decided by: ${[...decided.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n}`)
      .join(', ')}`,
    `  latency per message (full engine turn): p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms`,
    `  failures by decidedBy:`,
    ...grouped(failures, verbose),
  ];
}

const SECONDS_FIELDS = new Set(['smsReceivedAt', 'deadline']);

/** Why a dialogue turn fails its expectations (empty when it passes). */
function check(expect: Expect, body: { reply: string; intent: string; lang: string; state: Record<string, unknown> }): string[] {
  const why: string[] = [];
  const reply = body.reply.toLowerCase();
  if (expect.intent && body.intent !== expect.intent) why.push(`intent ${body.intent} != ${expect.intent}`);
  if (expect.lang && body.lang !== expect.lang) why.push(`lang ${body.lang} != ${expect.lang}`);
  for (const [k, v] of Object.entries(expect.state ?? {})) {
    const got = body.state[k];
    if (SECONDS_FIELDS.has(k)) {
      const want = v === null ? null : new Date(T0 + (v as number) * 1000).toISOString();
      if (got !== want) why.push(`state.${k} ${String(got)} != ${String(want)}`);
    } else if (got !== v) why.push(`state.${k} ${JSON.stringify(got)} != ${JSON.stringify(v)}`);
  }
  for (const group of expect.reply_all ?? []) if (!group.some((s) => reply.includes(s.toLowerCase()))) why.push(`reply lacks one of ${JSON.stringify(group)}`);
  for (const s of expect.reply_none ?? []) if (reply.includes(s.toLowerCase())) why.push(`reply has ${JSON.stringify(s)}`);
  if (expect.traditional && [...body.reply].some((c) => /[\u4e00-\u9fff]/.test(c) && charsToTraditional(c) !== c))
    why.push('reply has Simplified-only characters');
  if (expect.mostly_latin) {
    const cjk = (body.reply.match(/[\u3400-\u9fff]/g) ?? []).length;
    const letters = (body.reply.match(/[A-Za-z]/g) ?? []).length;
    if (cjk > 0.3 * (cjk + letters)) why.push('reply is not mostly English');
  }
  return why;
}

async function evalDialogues(engine: DialogueEngine, file: string, verbose: boolean): Promise<string[]> {
  const dialogues = JSON.parse(fs.readFileSync(file, 'utf8')) as Dialogue[];
  let turns = 0,
    passed = 0;
  const failures: Array<{ decidedBy: string; line: string }> = [];
  for (const [d, dialogue] of dialogues.entries()) {
    const userId = `eval-dialogue-${d}`;
    for (const [i, turn] of dialogue.turns.entries()) {
      const message: Message = { userId, text: turn.text, timestamp: new Date(T0 + turn.t * 1000), platform: turn.platform, channel: 'eval' };
      const { reply, state } = await engine.handle(message);
      turns++;
      const why = check(turn.expect ?? {}, { reply: reply.text, intent: reply.intent, lang: reply.lang, state: { ...engine.apiState(state) } });
      if (!why.length) passed++;
      else
        failures.push({
          decidedBy: reply.decidedBy ?? '?',
          line: `${dialogue.name} #${i + 1} "${turn.text}": ${why.join('; ')}${verbose ? `\n      reply: ${reply.text.replace(/\n/g, ' / ')}` : ''}`,
        });
    }
  }
  return [`dialogues: ${dialogues.length} from ${file}`, `  turns passed: ${passed}/${turns}`, `  failures by decidedBy:`, ...grouped(failures, verbose)];
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let files = args;
  if (!files.length) {
    if (!fs.existsSync(EVAL_DIR)) {
      process.stderr.write(`eval: no files given and ${EVAL_DIR} does not exist.\nGive labelled files: npm run eval -- messages.jsonl dialogues.json\n`);
      process.exit(2);
    }
    files = ['dev.jsonl', 'dev-v2.jsonl', 'dialogues-dev.json'].map((f) => path.join(EVAL_DIR, f)).filter((f) => fs.existsSync(f));
  }
  for (const f of files) {
    if (!fs.existsSync(f)) {
      process.stderr.write(`eval: ${f} does not exist\n`);
      process.exit(2);
    }
  }
  const verbose = Boolean(process.env.EVAL_VERBOSE);
  const config = loadConfig();
  const t0 = performance.now();
  const engine = createEngine(config, createStore(config));
  const out = [`training (load intents + train): ${(performance.now() - t0).toFixed(0)} ms`];
  for (const f of files) out.push(...(f.endsWith('.json') ? await evalDialogues(engine, f, verbose) : await evalMessages(engine, f, verbose)));
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

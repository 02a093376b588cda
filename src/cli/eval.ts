import './quiet';
import '../load-env';
import fs from 'node:fs';
import path from 'node:path';
import { createEngine, createStore } from '../bot';
import { loadConfig } from '../config';
import { FALLBACK } from '../core/intent-ids';

// npm run eval [file.jsonl]: every line {"text","lang","intent"} through the same engine as the API.
interface Item {
  text: string;
  lang: string;
  intent: string;
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)}%` : 'n/a');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main(): Promise<void> {
  const file = process.argv[2] ?? path.resolve(__dirname, '../../../shared/eval/dev.jsonl');
  const items: Item[] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Item);
  const config = loadConfig();
  const t0 = performance.now();
  const engine = createEngine(config, createStore(config));
  const trainMs = performance.now() - t0;

  const latencies: number[] = [];
  const byLang = new Map<string, { n: number; ok: number }>();
  const confused = new Map<string, number>();
  const errors: string[] = [];
  let inScope = 0,
    inScopeOk = 0,
    falseFallback = 0,
    fb = 0,
    fbOk = 0,
    langOk = 0;
  const timestamp = new Date('2026-01-01T00:00:00Z');

  for (const [i, item] of items.entries()) {
    const start = performance.now();
    const { reply } = await engine.handle({ userId: `eval-${i}`, text: item.text, timestamp, channel: 'eval' });
    latencies.push(performance.now() - start);
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
    if (reply.intent !== item.intent) {
      const key = `${item.intent} -> ${reply.intent}`;
      confused.set(key, (confused.get(key) ?? 0) + 1);
      errors.push(`  [${item.lang}] ${item.intent} -> ${reply.intent} (${reply.confidence.toFixed(2)}): ${item.text}`);
    }
  }

  latencies.sort((a, b) => a - b);
  const out = [
    `eval: ${items.length} messages from ${file}`,
    `in-scope top-1 accuracy: ${pct(inScopeOk, inScope)} (${inScopeOk}/${inScope})`,
    ...[...byLang.entries()].sort().map(([l, v]) => `  ${l.padEnd(8)} ${pct(v.ok, v.n)} (${v.ok}/${v.n})`),
    `fallback recall: ${pct(fbOk, fb)} (${fbOk}/${fb})`,
    `false-fallback rate: ${pct(falseFallback, inScope)} (${falseFallback}/${inScope})`,
    `language accuracy: ${pct(langOk, items.length)} (${langOk}/${items.length})`,
    `latency per message (full engine turn): p50 ${quantile(latencies, 0.5).toFixed(3)} ms, p99 ${quantile(latencies, 0.99).toFixed(3)} ms`,
    `training (load intents + train): ${trainMs.toFixed(0)} ms`,
    'most confused pairs:',
    ...[...confused.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 10)
      .map(([k, n]) => `  ${n} × ${k}`),
  ];
  if (process.env.EVAL_VERBOSE) out.push('errors:', ...errors);
  process.stdout.write(`${out.join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

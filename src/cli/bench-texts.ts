import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
/** The dev sets beside the repository (held out from intents/); BENCH_TEXTS names another .jsonl. */
const EVAL_DIR = path.resolve(ROOT, '..', 'shared', 'eval');

const CJK = /[\u3400-\u9fff]/;
// How people wrap the same question: greetings, politeness, urgency, punctuation. Each base
// sentence gets every combination, so the load is thousands of distinct messages.
const ZH_BEFORE = ['', '请问', '你好，', '在吗？', '麻烦问下，', '急！', '我想问一下 ', '客服，'];
const ZH_AFTER = ['', '？', '。', '，谢谢', ' 急', '!!', '～', '，在线等'];
const EN_BEFORE = ['', 'hi, ', 'hello, ', 'quick question: ', 'sorry, ', 'hey ', 'excuse me, '];
const EN_AFTER = ['', '?', ' thanks', ' please', '!!', ' thank you', ' asap'];

/** A small seeded generator, so every run (and every server in a run) gets the same sequence. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function baseSentences(): string[] {
  const files = process.env.BENCH_TEXTS
    ? [process.env.BENCH_TEXTS]
    : fs.existsSync(EVAL_DIR)
      ? fs
          .readdirSync(EVAL_DIR)
          .filter((f) => f.endsWith('.jsonl'))
          .map((f) => path.join(EVAL_DIR, f))
      : [];
  const texts = files.flatMap((f) =>
    fs
      .readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
  if (texts.length) return [...new Set(texts)];
  // Without the dev sets: a few questions of each kind (the variations still make them thousands).
  return [
    '收不到核验短信怎么办',
    '驗證碼發給誰',
    '又输错了',
    '昨晚8点收到的核验短信',
    '我们是微信小程序，这次是变更备案',
    '短信验证码多久有效',
    'how long is the code valid',
    'I never got the verification text',
    'who receives the SMS for a Douyin mini program',
    'hello',
    '今天天气不错',
  ];
}

/** `n` distinct messages (fewer if the bases can't make that many), in a shuffled, repeatable order. */
export function benchTexts(n = 6000, seed = 16): string[] {
  const out = new Set<string>();
  for (const base of baseSentences()) {
    const [before, after] = CJK.test(base) ? [ZH_BEFORE, ZH_AFTER] : [EN_BEFORE, EN_AFTER];
    for (const b of before) for (const a of after) out.add(`${b}${base}${a}`);
  }
  const all = [...out];
  const random = mulberry32(seed);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, n);
}

// Property-based tests of the NLU pipeline: nothing in it may throw on arbitrary Unicode, and its
// outputs keep their contracts (normalize idempotent, tokens unique, parse within the intent list).
import path from 'node:path';
import fc from 'fast-check';
import { ALL_INTENTS, FALLBACK } from '../../src/core/intent-ids';
import { detectLanguage } from '../../src/nlu/language';
import { normalize, simplify, stripPunctuation } from '../../src/nlu/normalizer';
import { chineseTokens, createSegmenter, latinTokens, tokenize } from '../../src/nlu/tokenizer';
import { INTENTS_DIR, sharedNlu } from '../helpers';

const segmenter = createSegmenter(path.join(INTENTS_DIR, 'jieba-user-dict.txt'));
const INTENTS = new Set<string>([...ALL_INTENTS, FALLBACK]);
const LANGS = ['zh-Hans', 'zh-Hant', 'en'];

// ---- generators -------------------------------------------------------------------------------

const char = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const loneSurrogate = char(0xd800, 0xdfff);
const control = fc.oneof(char(0x00, 0x1f), char(0x7f, 0x9f), fc.constantFrom('\u200b', '\u200d', '\u2028', '\u2029', '\ufeff', '\ufffe', '\uffff'));
const cjk = fc.oneof(char(0x4e00, 0x9fff), char(0x3400, 0x4dbf), char(0xf900, 0xfaff), char(0x20000, 0x2a6df));
const emoji = fc.constantFrom('😭', '👍🏽', '👨‍👩‍👧', '🇨🇳', '1️⃣', '❤️', '\ufe0f', '\u20e3', '🏳️‍🌈');
const combining = char(0x0300, 0x036f);
const fullWidth = char(0xff01, 0xff5e);
// Pieces the pipeline treats specially: Cantonese words, Traditional text, domain words, patterns.
const domain = fc.constantFrom(
  '收唔到',
  '點算好',
  '點樣',
  '唔',
  '係',
  '冇',
  '咗',
  '佢哋',
  '驗證簡訊',
  '核验短信',
  '验证码',
  '工信部',
  '短信核验',
  '收不到',
  '手机号',
  'ICP',
  'sms',
  "it's",
  "don't",
  'Σ',
  'İ',
  'ß',
  'ﬁ',
  '㍿',
  '①',
  'Ⅻ',
  '…',
  '：',
  '9:30',
  '20:00',
  '138 1234 5678',
  '110101199003077777',
  '后六位',
  'last 6 digits',
  ' ',
  '\t',
  '\n',
  '\u3000',
  '\u00a0',
);
const binaryChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
// Full Unicode including lone surrogates and controls, weighted towards the interesting parts.
const anyUnit = fc.oneof(
  { arbitrary: binaryChar, weight: 4 },
  { arbitrary: loneSurrogate, weight: 1 },
  { arbitrary: control, weight: 1 },
  { arbitrary: cjk, weight: 4 },
  { arbitrary: emoji, weight: 1 },
  { arbitrary: combining, weight: 1 },
  { arbitrary: fullWidth, weight: 1 },
  { arbitrary: domain, weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }), weight: 3 },
);

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: anyUnit, maxLength: 200 }),
);
const longText = fc.oneof(fc.string({ unit: anyUnit, minLength: 500, maxLength: 2000 }), fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 2000 }));

// Cantonese words whose characters differ between scripts, every Traditional / Simplified mix of
// them, and text built from them (the normalizer maps them before and after script conversion).
const SCRIPT_PAIRS: Record<string, string> = { 點: '点', 幾: '几', 邊: '边', 個: '个', 樣: '样', 時: '时', 係: '系' };
const CANTONESE_KEYS = ['點算好', '點算', '點樣', '點解', '幾耐', '幾時', '邊個', '邊度', '呢個', '唔係', '收唔到'];
function mixes(word: string): string[] {
  let out = [''];
  for (const ch of word) out = out.flatMap((prefix) => (SCRIPT_PAIRS[ch] ? [prefix + ch, prefix + SCRIPT_PAIRS[ch]] : [prefix + ch]));
  return out;
}
const cantoneseMix = fc
  .array(fc.oneof(fc.constantFrom(...CANTONESE_KEYS.flatMap(mixes)), cjk, fc.constantFrom(' ', '，', '?', 'sms', '核验')), { maxLength: 12 })
  .map((parts) => parts.join(''));

// Characters whose OpenCC tw -> cn conversion is not a fixed point (known bug, see below).
const KNOWN_T2S_CHAINS = /[麼麽薴]/u;

const RUNS = { numRuns: 300 };
const LONG_RUNS = { numRuns: 25 };

// ---- properties -------------------------------------------------------------------------------

describe('normalizer on arbitrary Unicode', () => {
  it('simplify, normalize and stripPunctuation never throw and return strings', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, longText), (text) => {
        expect(typeof simplify(text)).toBe('string');
        expect(typeof normalize(text)).toBe('string');
        expect(typeof stripPunctuation(text)).toBe('string');
      }),
      { numRuns: 200 },
    );
  });

  it('normalize is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, cantoneseMix), (text) => {
        fc.pre(!KNOWN_T2S_CHAINS.test(text.normalize('NFKC')));
        const once = normalize(text);
        expect(normalize(once)).toBe(once);
      }),
      RUNS,
    );
  });

  it.each(CANTONESE_KEYS)('maps every Traditional / Simplified spelling mix of %s alike', (word) => {
    const forms = new Set(mixes(word).map((v) => normalize(v)));
    expect([...forms]).toHaveLength(1);
  });

  // OpenCC's tw -> cn table maps 麼 -> 么 and 么 -> 幺 (and 薴 -> 苧 -> 苎), so one pass of
  // normalize() is not a fixed point: "在麼" (zh-Hant "are you there?") becomes "在么", a feature
  // set the classifier never saw (training has "在么" -> "在幺"), and parses as fallback while
  // "在么" is chat.greeting. These pass once the bug is fixed: then turn them into plain tests.
  it.each(['在麼', '收到了麼', '薴'])('normalize is idempotent on %s', (text) => {
    expect(normalize(normalize(text))).toBe(normalize(text));
  });
  it('"在麼" and "在么" normalize alike', () => {
    expect(normalize('在麼')).toBe(normalize('在么'));
  });

  it('normalize output has single spaces, no leading or trailing space, no punctuation, symbols or upper case', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const n = normalize(text);
        expect(n).toBe(n.trim());
        expect(n).not.toMatch(/\s{2,}/);
        expect(n).not.toMatch(/[\p{P}\p{S}]/u);
        expect(n).toBe(n.toLowerCase());
      }),
      RUNS,
    );
  });
});

describe('tokenizer on arbitrary Unicode', () => {
  it('tokenize, latinTokens and chineseTokens never throw; tokenize has no duplicates', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const input of [text, normalize(text)]) {
          const tokens = tokenize(input, segmenter);
          expect(new Set(tokens).size).toBe(tokens.length);
          for (const t of tokens) expect(t).toMatch(/^(w|c|b|e|e2|n):./su);
          expect(Array.isArray(latinTokens(input))).toBe(true);
          expect(Array.isArray(chineseTokens(input, segmenter))).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('tokenize survives long inputs', () => {
    fc.assert(
      fc.property(longText, (text) => {
        const tokens = tokenize(normalize(text), segmenter);
        expect(new Set(tokens).size).toBe(tokens.length);
      }),
      LONG_RUNS,
    );
  });
});

describe('detectLanguage on arbitrary Unicode', () => {
  it('never throws and answers zh-Hans, zh-Hant or en with a tw / hk variant or none', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, longText), (text) => {
        const { lang, variant } = detectLanguage(text);
        expect(LANGS).toContain(lang);
        expect(['tw', 'hk', null]).toContain(variant);
      }),
      { numRuns: 200 },
    );
  });
});

describe('Nlu.parse on arbitrary Unicode', () => {
  const nlu = sharedNlu();

  const checkResult = (text: string) => {
    const r = nlu.parse(text);
    expect(INTENTS.has(r.intent)).toBe(true);
    expect(Number.isFinite(r.confidence)).toBe(true);
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(LANGS).toContain(r.lang);
    expect(r.candidates.length).toBeLessThanOrEqual(3);
    for (const c of r.candidates) {
      expect(ALL_INTENTS).toContain(c.intent);
      expect(Number.isFinite(c.confidence)).toBe(true);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
      expect(c.confidence).toBeLessThanOrEqual(1);
    }
    expect(typeof r.entities.isQuestion).toBe('boolean');
  };

  it('returns an intent of the contract, a confidence in [0, 1], a known language, at most 3 candidates', () => {
    fc.assert(fc.property(anyText, checkResult), RUNS);
  });

  it('keeps the contract on long inputs (up to 2000 characters)', () => {
    fc.assert(fc.property(longText, checkResult), LONG_RUNS);
  });

  it('keeps the contract on mixed CJK, emoji and domain words', () => {
    const mixed = fc
      .array(fc.oneof(domain, emoji, cjk, fc.constantFrom('怎么办', '收不到', '验证', 'code', 'help', '？', '!', ' ')), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(fc.property(mixed, checkResult), RUNS);
  });
});

import fs from 'node:fs';
// jieba-rs as a native addon (prebuilt per platform through optional dependencies): the same
// segmentation as jieba-rs compiled to WebAssembly, in less than half the time and memory.
import { Jieba } from '@node-rs/jieba';
import { dict as jiebaDict } from '@node-rs/jieba/dict';
// Deep imports: the natural index pulls in every module (about 1 s of start-up) for the two we use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as { stem(word: string): string };

const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const LATIN_WORD = /[a-z]+(?:'[a-z]+)?|\d+/g;

// Particles and function words that carry no intent; question words (how, who, long, 谁, 多久) stay.
const ZH_STOP = new Set([
  '的',
  '了',
  '吗',
  '啊',
  '呢',
  '吧',
  '呀',
  '嘛',
  '哦',
  '喔',
  '啦',
  '么',
  '哈',
  '嗯',
  '呗',
  '阿',
  '哇',
  '诶',
  '是',
  '我',
  '你',
  '您',
  '这',
  '那',
  '个',
  '就',
  '也',
  '都',
  '在',
  '和',
  '跟',
  '请问',
  '一下',
]);
const EN_STOP = new Set([
  'a',
  'an',
  'the',
  'is',
  'are',
  'am',
  'be',
  'was',
  'were',
  'been',
  'to',
  'of',
  'on',
  'in',
  'at',
  'it',
  'its',
  "it's",
  'i',
  "i'm",
  'im',
  'me',
  'my',
  'we',
  'our',
  'us',
  'this',
  'that',
  'and',
  'or',
  'so',
  'please',
  'pls',
  'plz',
  'just',
  'there',
  'any',
  'some',
  'with',
  'from',
  'by',
  'as',
  'about',
]);

// A word's stem never changes, and natural's Porter stemmer runs a dozen regexes per word: stems are
// kept per word (English has few distinct words; the cap bounds what made-up words can take).
const stems = new Map<string, string>();
const MAX_STEMS = 50_000;
function stem(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (stems.size >= MAX_STEMS) stems.clear();
    stems.set(word, s);
  }
  return s;
}

export interface Segmenter {
  cut(text: string): string[];
}

/**
 * jieba with its default dictionary plus our domain words (intents/jieba-user-dict.txt, lines of
 * "word freq tag"). Building the default dictionary takes ~120 ms, so one segmenter is kept per
 * user dictionary text (a reload with the same words reuses it).
 */
let cached: { words: string; segmenter: Segmenter } | undefined;
export function createSegmenter(userDictPath?: string): Segmenter {
  const words = userDictPath && fs.existsSync(userDictPath) ? fs.readFileSync(userDictPath, 'utf8') : '';
  if (cached?.words === words) return cached.segmenter;
  const jieba = Jieba.withDict(jiebaDict);
  if (words.trim()) jieba.loadDict(Buffer.from(words, 'utf8'));
  // Search mode also yields the parts of long words (核验短信 -> 核验, 短信, 核验短信), so phrasings share features.
  const segmenter: Segmenter = { cut: (text) => jieba.cutForSearch(text, true) };
  cached = { words, segmenter };
  return segmenter;
}

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

const isCjkUnit = (c: number) => (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff);

/** Adds the Chinese features to `out`: jieba words, then character unigrams and bigrams of each CJK run (robust to segmentation errors and typos). */
function addChineseTokens(normalized: string, segmenter: Segmenter, out: { add(f: string): unknown }): void {
  // Without a CJK character jieba finds no Chinese word and there is no CJK run: skip the call.
  if (!hasCjk(normalized)) return;
  for (const word of segmenter.cut(normalized)) {
    if (!hasCjk(word) || ZH_STOP.has(word)) continue;
    out.add(`w:${word}`);
  }
  // Maximal runs of CJK (the ranges of CJK above, all in the BMP: one UTF-16 unit per character), read in place.
  const n = normalized.length;
  for (let start = 0; start < n;) {
    if (!isCjkUnit(normalized.charCodeAt(start))) {
      start++;
      continue;
    }
    let end = start + 1;
    while (end < n && isCjkUnit(normalized.charCodeAt(end))) end++;
    for (let i = start; i < end; i++) {
      const c = normalized[i];
      if (!ZH_STOP.has(c)) out.add(`c:${c}`);
      if (i + 1 < end) out.add(`b:${normalized.slice(i, i + 2)}`);
    }
    start = end;
  }
}

/** Chinese features: jieba words, plus character unigrams and bigrams of each CJK run. */
export function chineseTokens(normalized: string, segmenter: Segmenter): string[] {
  const out: string[] = [];
  addChineseTokens(normalized, segmenter, { add: (f: string) => out.push(f) });
  return out;
}

/** English (and any Latin words inside Chinese text): Porter stems, stem bigrams, digit classes. */
export function latinTokens(normalized: string): string[] {
  const all = normalized.match(LATIN_WORD) ?? [];
  // A message of stopwords only ("what is this") keeps them: something beats nothing.
  const content = all.filter((w) => !EN_STOP.has(w));
  const words = content.length ? content : all;
  const out: string[] = [];
  const wordStems: string[] = [];
  for (const w of words) {
    if (/^\d+$/.test(w)) {
      // Exact small numbers matter (5 tries, 24 hours, 145 segment); long runs are phone / ID / code digits.
      out.push(w.length <= 3 ? `n:${w}` : `n:len${Math.min(w.length, 12)}`);
      wordStems.push('#');
      continue;
    }
    const s = stem(w);
    out.push(`e:${s}`);
    wordStems.push(s);
  }
  for (let i = 0; i + 1 < wordStems.length; i++) out.push(`e2:${wordStems[i]}_${wordStems[i + 1]}`);
  return out;
}

/** All features of a normalized message, duplicates removed (the classifier uses presence), in order of first appearance. */
export function tokenize(normalized: string, segmenter: Segmenter): string[] {
  const features = new Set<string>();
  addChineseTokens(normalized, segmenter, features);
  // Most messages have no Latin letter or digit: no match array to build.
  if (/[a-z\d]/.test(normalized)) for (const f of latinTokens(normalized)) features.add(f);
  return [...features];
}

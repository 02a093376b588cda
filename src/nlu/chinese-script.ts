import fs from 'node:fs';
import path from 'node:path';
import * as OpenCC from 'opencc-js';

// Each OpenCC converter builds its own dictionary trie, and every Simplified -> Traditional one
// carries the large STPhrases table (~50 MB). So the Simplified -> Traditional step is built once
// and the Taiwan / Hong Kong conventions are small converters from Traditional on top of it.
// All are built lazily, once.
type Convert = (s: string) => string;
let twToCn: Convert | undefined;
let cnToT: Convert | undefined;
let tToTw: Convert | undefined;
let tToHk: Convert | undefined;

// Taiwan / Hong Kong words for the same things, after character conversion. OpenCC's own phrase
// step (twp -> cn) can't be used on mixed input: it also rewrites Simplified words (小程序 -> 小进程).
const TAIWAN_WORDS: Array<[RegExp, string]> = (
  [
    ['简讯', '短信'],
    ['程式', '程序'],
    ['讯息', '信息'],
    ['网路', '网络'],
    ['帐号', '账号'],
    ['帐户', '账户'],
    ['登入', '登录'],
    ['软体', '软件'],
    ['行动电话', '手机'],
    ['手机门号', '手机号'],
    ['门号', '号码'],
    ['电邮', '邮箱'],
    // OpenCC's tw -> cn takes 么 for a variant of 幺, so "在么" would become "在幺"; 苎 likewise.
    ['连结', '链接'],
    ['连线', '连接'],
    ['网域', '域名'],
    ['幺', '么'],
    ['苎', '苧'],
  ] as Array<[string, string]>
).map(([from, to]) => [new RegExp(from, 'g'), to]);

// eslint-disable-next-line no-control-regex -- ASCII is exactly \x00-\x7f
const ASCII_ONLY = /^[\x00-\x7f]*$/;
// Whether any of the words above occurs at all.
const ANY_TAIWAN_WORD = new RegExp(TAIWAN_WORDS.map(([re]) => re.source).join('|'));

/** A UTF-16 surrogate (half of a character outside the BMP, or a lone one). */
export const isSurrogateUnit = (unit: number) => unit >= 0xd800 && unit <= 0xdfff;

/** OpenCC's tw -> cn converter itself (its tries); charsToSimplified answers the same, mostly without it. */
export function openccToSimplified(text: string): string {
  twToCn ??= OpenCC.Converter({ from: 'tw', to: 'cn' });
  return twToCn(text);
}

/**
 * OpenCC's tw -> cn runs four passes over the text (normalisation, phrase segmentation, Taiwan
 * variants, Traditional -> Simplified), each walking a trie of Maps per character; on a busy
 * server those lookups miss the cache and cost more than the rest of normalising. A pass changes
 * text only where one of its keys matches. Where no key of two or more characters can match in any
 * pass, the result is each character mapped through the single-character keys of the passes in
 * turn, which this table holds composed: `changed` (code point -> result) and, per BMP code unit,
 * flags (changes; may start a longer key; may be the second character of one). A text that may
 * hold a longer key, or holds an ideographic description sequence (which OpenCC steps over whole),
 * goes to OpenCC itself. test/nlu/simplify-table.test.ts compares both on every code point and on
 * texts built from the dictionaries' keys.
 */
interface SimplifyTable {
  flags: Uint8Array;
  changed: Map<string, string>;
  /** First two code points of a longer key, as they appear in the message (before any pass maps them). */
  pairs: Set<string>;
}
const CHANGES = 1;
const MAY_START_KEY = 2;
const MAY_FOLLOW_KEY_START = 4;
type Dict = string | ReadonlyArray<readonly [string, string]>;
interface Tw2sConfig {
  normalizationChain?: Dict[][];
  segmentation?: Dict | Dict[];
  conversionChain: Dict[][];
}

function dictEntries(dict: Dict): Array<[string, string]> {
  if (typeof dict !== 'string') return dict.map(([k, v]) => [k, v]);
  return dict ? dict.split('|').map((e) => [e.slice(0, e.indexOf(' ')), e.slice(e.indexOf(' ') + 1)]) : [];
}

let simplifyTable: SimplifyTable | null | undefined;

function buildSimplifyTable(): SimplifyTable | null {
  const config = (OpenCC.Locale.configs as unknown as Record<string, Tw2sConfig | undefined>).tw2s;
  if (!config?.conversionChain) return null;
  const segmentation =
    config.segmentation === undefined
      ? []
      : Array.isArray(config.segmentation) && config.segmentation.every((d) => typeof d === 'string')
        ? (config.segmentation as Dict[])
        : [config.segmentation as Dict];
  // Each pass: its single-character map (the first dictionary of a group wins a key) and the first two code points of its longer keys.
  const passes = [
    ...(config.normalizationChain ?? []).map((group) => ({ group, converts: true })),
    { group: segmentation, converts: false },
    ...config.conversionChain.map((group) => ({ group, converts: true })),
  ];
  // composed: code point -> what the passes so far made of it (only those they changed).
  const composed = new Map<string, string>();
  const pairs = new Set<string>();
  for (const { group, converts } of passes) {
    const single = new Map<string, string>();
    const prefixes: Array<[string, string]> = [];
    for (const dict of [...group].reverse()) {
      for (const [key, value] of dictEntries(dict)) {
        const cps = [...key];
        if (cps.length === 1) {
          if (converts) single.set(key, value);
        } else if (cps.length > 1) prefixes.push([cps[0], cps[1]]);
      }
    }
    // A message's code points that reach this pass as x: x itself unless an earlier pass changed it, and those it was made from.
    const from = new Map<string, string[]>();
    for (const [c, out] of composed) if ([...out].length === 1) from.set(out, [...(from.get(out) ?? []), c]);
    const sources = (x: string) => [...(composed.has(x) ? [] : [x]), ...(from.get(x) ?? [])];
    for (const [a, b] of prefixes) for (const sa of sources(a)) for (const sb of sources(b)) pairs.add(sa + sb);
    // Multi-character results make pairs the table doesn't follow: such a character always goes to OpenCC.
    for (const [c, out] of composed) if ([...out].length > 1) pairs.add(c);
    if (!single.size) continue;
    // What earlier passes made of a character goes through this pass; a character they left alone meets it as itself.
    for (const [c, out] of composed) composed.set(c, [...out].map((x) => single.get(x) ?? x).join(''));
    for (const [c, out] of single) if (!composed.has(c)) composed.set(c, out);
  }
  const flags = new Uint8Array(0x10000);
  const changed = new Map<string, string>();
  for (const [c, out] of composed) {
    if (out === c) continue;
    changed.set(c, out);
    if (c.length === 1) flags[c.charCodeAt(0)] |= CHANGES;
  }
  for (const p of pairs) {
    const [first, second] = [...p];
    if (first.length === 1) flags[first.charCodeAt(0)] |= MAY_START_KEY;
    if (second?.length === 1) flags[second.charCodeAt(0)] |= MAY_FOLLOW_KEY_START;
  }
  return { flags, changed, pairs };
}

/** Whether charsToSimplified changes this one character (language detection asks for every character). */
export function changesToSimplified(char: string): boolean {
  if (simplifyTable === undefined) simplifyTable = buildSimplifyTable();
  const unit = char.charCodeAt(0);
  // One byte read for a plain BMP character; the rest (surrogates, ideographic description characters, a possible longer key) asks the converter.
  const plain = char.length === 1 && !isSurrogateUnit(unit) && !(unit >= 0x2ff0 && unit <= 0x2fff);
  if (simplifyTable && plain) {
    const f = simplifyTable.flags[unit];
    if (!(f & MAY_START_KEY) || !simplifyTable.pairs.has(char)) return (f & CHANGES) !== 0;
  }
  return charsToSimplified(char) !== char;
}

/** Character-level Traditional (Taiwan and Hong Kong variants included) to Simplified: OpenCC's tw -> cn. */
export function charsToSimplified(text: string): string {
  if (simplifyTable === undefined) simplifyTable = buildSimplifyTable();
  const table = simplifyTable;
  if (!table) return openccToSimplified(text);
  const { flags, changed, pairs } = table;
  let out: string | undefined;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // Astral code points (two units) and lone surrogates: the Maps answer for them.
    const surrogate = isSurrogateUnit(unit);
    const width = surrogate && unit <= 0xdbff && i + 1 < text.length ? 2 : 1;
    // OpenCC steps over an ideographic description sequence whole: such a text is its to convert.
    if (unit >= 0x2ff0 && unit <= 0x2fff) return openccToSimplified(text);
    const f = surrogate ? 0 : flags[unit];
    if (surrogate || f & MAY_START_KEY) {
      const c = text.slice(i, i + width);
      if (pairs.has(c)) return openccToSimplified(text);
      // The pair is looked up only when the next character can be the second of one (a byte read first).
      const nextUnit = text.charCodeAt(i + width);
      if (i + width < text.length && (isSurrogateUnit(nextUnit) || flags[nextUnit] & MAY_FOLLOW_KEY_START)) {
        if (pairs.has(c + String.fromCodePoint(text.codePointAt(i + width)!))) return openccToSimplified(text);
      }
    }
    if (surrogate || f & CHANGES) {
      const to = changed.get(text.slice(i, i + width));
      if (to !== undefined) {
        out = (out ?? '') + text.slice(from, i) + to;
        from = i + width;
      }
    }
    i += width - 1;
  }
  return out === undefined ? text : out + text.slice(from);
}

/** Simplified to Traditional characters (OpenCC's standard form; its phrase table only picks the right character). */
export function charsToTraditional(text: string): string {
  cnToT ??= OpenCC.Converter({ from: 'cn', to: 't' });
  return cnToT(text);
}

/** Traditional to Simplified, character by character, then Taiwan words (簡訊 -> 短信, 程式 -> 程序). */
export function traditionalToSimplified(text: string): string {
  // Every key of OpenCC's dictionaries and every word above holds a non-ASCII character: ASCII text is left as it is.
  if (ASCII_ONLY.test(text)) return text;
  let s = charsToSimplified(text);
  // Most messages hold none of them: one scan instead of one per word. When one is there the
  // words are still replaced one after another, in order, as before (a replacement can make the next).
  if (!ANY_TAIWAN_WORD.test(s)) return s;
  for (const [re, to] of TAIWAN_WORDS) s = s.replace(re, to);
  return s;
}

// Taiwan words for plain prose, applied after character conversion. A list we control instead of
// OpenCC's twp / hk phrase tables, which change meanings (审核 -> 稽核 "audit", 注销 -> 登出 "log out",
// 类型 -> 型別, 省通信管理局 -> 省通訊管理局) and rewrite what users must find on screen.
const TAIWAN_PROSE: Array<[string, string]> = [
  ['賬號', '帳號'],
  ['網絡', '網路'],
  ['軟件', '軟體'],
];
// On-screen text as the data marks it: quoted messages and statuses (“…”), buttons and menu items (【…】).
// Only its characters are converted, as seed 001 (WeChat's own Traditional FAQ) keeps 短信 in quotes.
const LITERAL = /“[^”\n]{0,300}”|【[^】\n]{0,100}】/g;

/**
 * Simplified answer text to Traditional, character by character (OpenCC's cn -> t character and
 * disambiguation tables, then Taiwan or Hong Kong character variants; no phrase rewriting), plus
 * the few Taiwan prose words above outside on-screen text. Quotes become 「」 / 『』.
 */
export function simplifiedToTraditional(text: string, variant: 'tw' | 'hk' = 'tw'): string {
  let t = charsToTraditional(text);
  if (variant === 'hk') {
    tToHk ??= OpenCC.Converter({ from: 't', to: 'hk' });
    // Hong Kong variants write some characters in a form Simplified shares (臺 -> 台, 戶 -> 户), which
    // readers (and checks) take for Simplified: keep the standard form of those.
    const std = [...t];
    const hk = [...tToHk(t)];
    t = hk.length === std.length ? hk.map((c, i) => (c !== std[i] && charsToTraditional(c) !== c ? std[i] : c)).join('') : hk.join('');
  } else {
    tToTw ??= OpenCC.Converter({ from: 't', to: 'tw' });
    t = tToTw(t);
    t = replaceOutsideLiterals(t, TAIWAN_PROSE);
  }
  return t.replace(/“/g, '「').replace(/”/g, '」').replace(/‘/g, '『').replace(/’/g, '』');
}

function replaceOutsideLiterals(text: string, words: Array<[string, string]>): string {
  let out = '';
  let last = 0;
  const prose = (s: string) => words.reduce((acc, [from, to]) => acc.split(from).join(to), s);
  for (const m of text.matchAll(LITERAL)) {
    out += prose(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + prose(text.slice(last));
}

// Language detection asks, character by character, whether charsToTraditional changes it. Its
// converter carries OpenCC's large phrase table (~100 ms and ~20 MB to build) that nothing else needs
// before the first Traditional reply. npm run build writes the answer for every character detection
// can meet (the CJK ranges it counts, all in the BMP) to a table; with a table of the installed
// OpenCC's version, detection reads it instead, and the converter is built after start-up.
export const DEFAULT_TRADITIONAL_TABLE_PATH = path.resolve(__dirname, '..', '..', 'dist', 'model', 'traditional-chars.json');
const DETECTED_RANGES: Array<[number, number]> = [
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
];
const inDetectedRanges = (cp: number) => DETECTED_RANGES.some(([from, to]) => cp >= from && cp <= to);

interface TraditionalTable {
  opencc: string;
  /** Every character of the ranges above that charsToTraditional changes, concatenated. */
  changing: string;
}

function openccVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'node_modules', 'opencc-js', 'package.json'), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

/** npm run build: the characters of the detected ranges that charsToTraditional changes. */
export function writeTraditionalTable(file: string = DEFAULT_TRADITIONAL_TABLE_PATH): number {
  let changing = '';
  for (const [from, to] of DETECTED_RANGES) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCharCode(cp);
      if (charsToTraditional(c) !== c) changing += c;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ opencc: openccVersion(), changing } satisfies TraditionalTable));
  return changing.length;
}

let traditionalTablePath = DEFAULT_TRADITIONAL_TABLE_PATH;
/** undefined: not read yet; null: none for this OpenCC, so the converter answers. */
let changesTable: Uint8Array | null | undefined;

// One byte per BMP code unit (1: changes to Traditional): a lookup per character of every message.
function readTraditionalTable(): Uint8Array | null {
  try {
    const table = JSON.parse(fs.readFileSync(traditionalTablePath, 'utf8')) as TraditionalTable;
    if (table.opencc !== openccVersion() || typeof table.changing !== 'string') return null;
    const changing = new Uint8Array(0x10000);
    for (let i = 0; i < table.changing.length; i++) changing[table.changing.charCodeAt(i)] = 1;
    return changing;
  } catch {
    return null;
  }
}

/** Tests: read the table from another file (or none) from the next question on. */
export function useTraditionalTable(file: string): void {
  traditionalTablePath = file;
  changesTable = undefined;
}

/** Whether charsToTraditional changes this one character (from the build's table when there is one). */
export function changesToTraditional(char: string): boolean {
  if (changesTable === undefined) changesTable = readTraditionalTable();
  if (changesTable && char.length === 1 && inDetectedRanges(char.charCodeAt(0))) return changesTable[char.charCodeAt(0)] === 1;
  return charsToTraditional(char) !== char;
}

/** Build what reading messages needs now (Traditional -> Simplified), so the first user doesn't pay for it. */
export function warmUpChineseScript(): void {
  traditionalToSimplified('驗證');
  // Messages that may hold a longer key still go to OpenCC's converter.
  openccToSimplified('驗證');
}

/** Build the converters of Traditional replies (after start-up: the first reply in Traditional then doesn't pay for them). */
export function warmUpTraditionalReplies(): void {
  simplifiedToTraditional('验证');
  simplifiedToTraditional('验证', 'hk');
}

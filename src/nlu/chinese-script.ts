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

/** Character-level Traditional (Taiwan and Hong Kong variants included) to Simplified. */
export function charsToSimplified(text: string): string {
  twToCn ??= OpenCC.Converter({ from: 'tw', to: 'cn' });
  return twToCn(text);
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
let changesTable: Set<string> | null | undefined;

function readTraditionalTable(): Set<string> | null {
  try {
    const table = JSON.parse(fs.readFileSync(traditionalTablePath, 'utf8')) as TraditionalTable;
    return table.opencc === openccVersion() && typeof table.changing === 'string' ? new Set(table.changing) : null;
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
  if (changesTable && char.length === 1 && inDetectedRanges(char.charCodeAt(0))) return changesTable.has(char);
  return charsToTraditional(char) !== char;
}

/** Build what reading messages needs now (Traditional -> Simplified), so the first user doesn't pay for it. */
export function warmUpChineseScript(): void {
  traditionalToSimplified('驗證');
}

/** Build the converters of Traditional replies (after start-up: the first reply in Traditional then doesn't pay for them). */
export function warmUpTraditionalReplies(): void {
  simplifiedToTraditional('验证');
  simplifiedToTraditional('验证', 'hk');
}

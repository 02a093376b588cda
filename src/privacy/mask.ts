// Users paste phone numbers, ID numbers and verification codes. Nothing of them may reach a log,
// the state, a metric or the unanswered-question log in full: everything passes through mask().
//
// The patterns run on a folded view of the text, each view character mapped back to its place in
// the original, so a match there replaces exactly the original span:
//   - NFKC per character (full-width ８, mathematical 𝟖, superscripts), any decimal digit
//     (Arabic-Indic ٨, Devanagari ८, ...) and Chinese numerals (八, 捌, 幺 for 1) read as ASCII digits;
//   - what people put between digit groups folded by family: whitespace to a space, hyphens and
//     dashes to '-', 、 to ',', middle dots to '·'; . / _ as they are;
//   - invisible characters left out, as a reader doesn't see them: zero-width spaces and joiners,
//     the soft hyphen, BOM, bidi marks, combining marks and variation selectors (keycap 1️⃣);
//   - four '*' stop every pattern, so the digits left visible in masked output (138****5678) are
//     never taken for part of something else: mask() is idempotent.
// Every quantifier in the patterns is bounded and separators never overlap digits, so each runs in
// linear time whatever the input (no backtracking across long runs of spaces or digits).

/** What people type between digit groups (after NFKC), each family folded to one character. */
const SEPARATOR_FAMILIES: Array<[RegExp, string]> = [
  [/^\s$/u, ' '],
  [/^[-\u2010-\u2015\u2212]$/u, '-'],
  [/^[,\u3001]$/u, ','],
  [/^[\u00B7\u30FB\u2022\u2027]$/u, '·'],
  [/^[./_]$/u, ''],
];
const separatorOf = (ch: string) => {
  const family = SEPARATOR_FAMILIES.find(([re]) => re.test(ch));
  return family ? family[1] || ch : undefined;
};
/** The folded separators, as a character class. */
const SEP = '[ \\-,·./_]';
/** Characters left out of the view: format characters and marks that don't show. */
const INVISIBLE = /^[\p{Cf}\p{Mn}\p{Me}]$/u;
/** The view "character" of an invisible code point: none. */
const DROPPED = '';
const CHINESE_DIGITS: Record<string, string> = {
  〇: '0',
  零: '0',
  一: '1',
  幺: '1',
  壹: '1',
  二: '2',
  两: '2',
  兩: '2',
  贰: '2',
  貳: '2',
  三: '3',
  叁: '3',
  參: '3',
  四: '4',
  肆: '4',
  五: '5',
  伍: '5',
  六: '6',
  陆: '6',
  陸: '6',
  七: '7',
  柒: '7',
  八: '8',
  捌: '8',
  九: '9',
  玖: '9',
};
/** Anything that can become a digit in the view; texts with fewer than 5 (an ID tail: 5 and X) hold nothing to mask. */
const DIGIT_LIKE = new RegExp(`[\\p{Nd}\\p{No}${Object.keys(CHINESE_DIGITS).join('')}]`, 'gu');
const DECIMAL_DIGIT = /^\p{Nd}$/u;
/** Stands in the view for a non-digit character outside the BMP, so the view keeps one unit per code point. */
const OTHER_ASTRAL = '\uFFFC';

// Patterns on the view ("S" is the folded separator, at most 3 of them between two digits).
const S = `${SEP}{0,3}`;
const S1 = `${SEP}{1,3}`;
// Resident ID numbers: 18 characters (the last may be X) or the old 15 digits, in any grouping
// ("ID110101..." too: a letter before the digits is no boundary that protects them).
const ID_NUMBER = new RegExp(
  `(?<![0-9]|\\*{4})(?:(?<a>[1-9]${S}[0-9])(?:${S}[0-9]){15}${S}[0-9Xx]|(?<b>[1-9]${S}[0-9])(?:${S}[0-9]){13})(?![0-9]|\\*{4})`,
  'g',
);
// Mainland mobile numbers (1[3-9]x + 8 digits), optionally after +86 / 86 / 0086, in any grouping.
const MOBILE = new RegExp(
  `(?<![0-9]|\\*{4})(?:(?:(?:\\+|00)${S})?86${S})?(?<head>1${S}[3-9]${S}[0-9])(?:${S}[0-9]){4}(?<tail>(?:${S}[0-9]){4})(?![0-9]|\\*{4})`,
  'g',
);
// "后六位 12345X", "last 6: 12345x": the digits that verification asks for (六 is 6 in the view).
const ID_TAIL = new RegExp(
  `(?:(?:最后|后|後|末)${S}6${S}(?:位|码|碼|個|个)?(?:数字|數字|号码|號碼)?${S}(?:是|为|為|:)?${S}|last${S1}(?:6|six)(?:${S1}(?:digits|characters|chars))?${S}(?:is|are|:)?${S})` +
    `(?<tail>[0-9](?:${S}[0-9]){4}${S}[0-9Xx])(?![0-9A-Za-z]|\\*{4})`,
  'gid',
);
// The SMS verification code: 6 digits, whole or as 3-3, 2-2-2 or one by one with the same separator
// throughout (572 913, 57.29.13, 5-7-2-9-1-3; not the date and hour of "2026-01-15 10:30").
const CODE = new RegExp(
  `(?<![0-9]|\\*{4})(?:[0-9]{6}|[0-9]{3}${S1}[0-9]{3}|[0-9]{2}(?<s2>${S1})[0-9]{2}\\k<s2>[0-9]{2}|[0-9](?<s1>${S1})[0-9](?:\\k<s1>[0-9]){4})(?![0-9]|\\*{4})`,
  'g',
);

export interface PersonalData {
  mobiles: string[];
  idNumbers: number;
  codes: number;
}

const foldCache = new Map<number, string>();

/** The view character of one non-ASCII code point. */
function foldCodePoint(cp: number): string {
  let folded = foldCache.get(cp);
  if (folded !== undefined) return folded;
  const ch = String.fromCodePoint(cp);
  const nfkc = ch.normalize('NFKC');
  const single = [...nfkc].length === 1 ? nfkc : ch;
  const chinese = CHINESE_DIGITS[ch] ?? CHINESE_DIGITS[single];
  if (INVISIBLE.test(ch)) folded = DROPPED;
  else if (chinese) folded = chinese;
  else if (DECIMAL_DIGIT.test(ch)) folded = String(decimalValue(cp));
  else if (separatorOf(single)) folded = separatorOf(single)!;
  else if (single.length === 1) folded = single;
  else folded = cp > 0xffff ? OTHER_ASTRAL : ch;
  if (foldCache.size < 10_000) foldCache.set(cp, folded);
  return folded;
}

/** Unicode keeps every set of decimal digits as 10 consecutive code points from zero. */
function decimalValue(cp: number): number {
  let start = cp;
  while (start > 0 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

const ASCII_FOLD = Array.from({ length: 0x80 }, (_, cp) => {
  const ch = String.fromCharCode(cp);
  return separatorOf(ch) ?? ch;
});

interface View {
  text: string;
  /** offsets[i]: where view character i starts in the original (UTF-16 units); one more at the end. */
  offsets: number[];
}

function foldedView(text: string): View {
  const chars: string[] = [];
  const offsets: number[] = [];
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const folded = cp < 0x80 ? ASCII_FOLD[cp] : foldCodePoint(cp);
    if (folded !== DROPPED) {
      offsets.push(i);
      chars.push(folded);
    }
    i += cp > 0xffff ? 2 : 1;
  }
  offsets.push(text.length);
  return { text: chars.join(''), offsets };
}

const digitsOf = (s: string) => s.replace(/[^0-9Xx]/g, '');

interface Replacement {
  /** View indexes [start, end) of the original text to replace. */
  start: number;
  end: number;
  with: string;
}

/** Whether the text has at least `n` digit-like characters: counted up to n, without an array of every match (most texts have none). */
function hasDigitLike(text: string, n: number): boolean {
  DIGIT_LIKE.lastIndex = 0;
  for (let k = 0; DIGIT_LIKE.test(text);) {
    if (++k >= n) {
      DIGIT_LIKE.lastIndex = 0;
      return true;
    }
  }
  return false;
}

interface Scan {
  replacements: Replacement[];
  found: PersonalData;
}

/** Every phone, ID, ID tail and code in the text, in the order mask() replaces them. */
function scan(text: string): Scan {
  const found: PersonalData = { mobiles: [], idNumbers: 0, codes: 0 };
  const replacements: Replacement[] = [];
  if (!hasDigitLike(text, 5)) return { replacements, found };
  const view = foldedView(text);
  let v = view.text;
  // Each pass sees the earlier ones' matches as '*', as mask()'s output would show them.
  const pass = (re: RegExp, replace: (m: RegExpMatchArray) => Replacement | undefined) => {
    const hits: Replacement[] = [];
    for (const m of v.matchAll(re)) {
      const r = replace(m);
      if (r) hits.push(r);
    }
    for (const r of hits) v = v.slice(0, r.start) + '*'.repeat(r.end - r.start) + v.slice(r.end);
    replacements.push(...hits);
  };
  pass(ID_NUMBER, (m) => {
    found.idNumbers++;
    const lead = digitsOf(m.groups!.a ?? m.groups!.b);
    return { start: m.index!, end: m.index! + m[0].length, with: `${lead}${'*'.repeat(m.groups!.a ? 16 : 13)}` };
  });
  pass(MOBILE, (m) => {
    const masked = `${digitsOf(m.groups!.head)}****${digitsOf(m.groups!.tail)}`;
    found.mobiles.push(masked);
    return { start: m.index!, end: m.index! + m[0].length, with: masked };
  });
  pass(ID_TAIL, (m) => {
    found.idNumbers++;
    const [start, end] = m.indices!.groups!.tail;
    return { start, end, with: '******' };
  });
  pass(CODE, (m) => {
    found.codes++;
    return { start: m.index!, end: m.index! + m[0].length, with: '******' };
  });
  // Back to original offsets, in text order (passes never overlap: matched spans became '*').
  replacements.sort((a, b) => a.start - b.start);
  for (const r of replacements) {
    r.start = view.offsets[r.start];
    r.end = view.offsets[r.end];
  }
  return { replacements, found };
}

/** The text with mobiles as 138****5678, IDs as 11**************, ID tails and codes as ******; the rest as it was. */
export function mask(text: string): string {
  // Most strings (log fields, words) hold too few digits to carry any: nothing to scan or allocate.
  if (!hasDigitLike(text, 5)) return text;
  const { replacements } = scan(text);
  if (!replacements.length) return text;
  let out = '';
  let at = 0;
  for (const r of replacements) {
    out += text.slice(at, r.start) + r.with;
    at = r.end;
  }
  return out + text.slice(at);
}

/** What personal data a message carries: masked mobiles (for the segment check) and counts. */
export function findPersonalData(text: string): PersonalData {
  return scan(text).found;
}

/** mask() applied to every string (and long digit number) inside a value (log metadata). */
export function maskDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return mask(value) as T;
  // 13812345678 logged as a number is still a phone number.
  if (typeof value === 'number') return (Number.isInteger(value) && Math.abs(value) >= 100000 ? mask(String(value)) : value) as unknown as T;
  if (value === null || typeof value !== 'object') return value;
  // Too deep to walk: flatten to masked text rather than pass anything through unmasked.
  if (depth > 5) return mask(safeJson(value)) as T;
  if (Array.isArray(value)) return (value as unknown[]).map((v) => maskDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  // An Error's message and stack are not enumerable: take them along explicitly.
  if (value instanceof Error) Object.assign(out, { name: value.name, message: mask(value.message), stack: value.stack ? mask(value.stack) : undefined });
  for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v, depth + 1);
  return out as T;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '[unserializable]';
  }
}

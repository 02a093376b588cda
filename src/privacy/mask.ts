// Users paste phone numbers, ID numbers and verification codes. Nothing of them may reach a log,
// the state, a metric or the unanswered-question log in full: everything passes through mask().

// What people (and their phones' autocorrect) put between digit groups: spaces, hyphens, the
// Unicode dashes (‐ ‑ ‒ – — ―) and the minus sign. Full-width － is made half-width first.
const SEP = '[\\s\\-\\u2010-\\u2015\\u2212]';
const SEPS = new RegExp(SEP, 'g');
// Mainland mobile numbers, optionally +86 / 86, with a separator in any gap (1 38 1234 5678).
const MOBILE = new RegExp(`(?<![0-9])(?:\\+?86${SEP}?)?(1${SEP}?[3-9]${SEP}?[0-9])(?:${SEP}?[0-9]){4}((?:${SEP}?[0-9]){4})(?![0-9])`, 'g');
// Resident ID numbers: 18 characters (the last may be X) or the old 15 digits, written whole or
// grouped at the region / birth-date / sequence boundaries (110101 19900101 123X, 6-4-4-4).
const ID_NUMBER = new RegExp(
  `(?<![0-9A-Za-z])([1-9][0-9])[0-9]{4}${SEP}?[0-9]{4}${SEP}?[0-9]{4}${SEP}?[0-9]{3}[0-9Xx](?![0-9A-Za-z])` +
    `|(?<![0-9A-Za-z])([1-9][0-9])[0-9]{4}${SEP}?[0-9]{6}${SEP}?[0-9]{3}(?![0-9A-Za-z])`,
  'g',
);
// "后六位 12345X", "last 6: 12345x": the digits that verification asks for.
const ID_TAIL =
  /((?:后|末|最后)\s*(?:六|6)\s*(?:位|码|個|个)?(?:数字|號碼|号码)?\s*(?:是|为|為|:|：)?\s*|last\s*(?:6|six)\s*(?:digits|characters|chars)?\s*(?:is|are|:)?\s*)([0-9Xx]{6})(?![0-9A-Za-z])/gi;
// A standalone run of 6 digits: the SMS verification code.
const CODE = /(?<![0-9])[0-9]{6}(?![0-9])/g;
// Full-width digits, X, + and - (全角 input: "＋８６ １３８－１２３４－５６７８"), so they are caught too.
const FULL_WIDTH = /[\uFF0B\uFF0D\uFF10-\uFF19\uFF38\uFF58]/g;

export interface PersonalData {
  mobiles: string[];
  idNumbers: number;
  codes: number;
}

function halfWidth(text: string): string {
  return text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/** The text with mobiles as 138****5678, IDs as 11**************, ID tails and codes as ******. */
export function mask(text: string): string {
  return halfWidth(text)
    .replace(ID_NUMBER, (_m, a: string | undefined, b: string | undefined) => `${a ?? b}${'*'.repeat(a ? 16 : 13)}`)
    .replace(MOBILE, (_m, head: string, tail: string) => `${head.replace(SEPS, '')}****${tail.replace(SEPS, '')}`)
    .replace(ID_TAIL, (_m, lead: string) => `${lead}******`)
    .replace(CODE, '******');
}

/** What personal data a message carries: masked mobiles (for the segment check) and counts. */
export function findPersonalData(text: string): PersonalData {
  const t = halfWidth(text);
  const withoutIds = t.replace(ID_NUMBER, ' ');
  const mobiles = [...withoutIds.matchAll(MOBILE)].map((m) => `${m[1].replace(SEPS, '')}****${m[2].replace(SEPS, '')}`);
  const rest = withoutIds.replace(MOBILE, ' ');
  return {
    mobiles,
    idNumbers: (t.match(ID_NUMBER) ?? []).length + (rest.match(ID_TAIL) ?? []).length,
    codes: (rest.replace(ID_TAIL, ' ').match(CODE) ?? []).length,
  };
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

// Generators of personal data in every form people (and their keyboards) type it: phone numbers,
// ID numbers, "last 6" ID tails and SMS codes, with any separators, digit scripts and prefixes,
// embedded in Chinese and English text. Shared by the masking and the end-to-end privacy properties.
import fc from 'fast-check';

const digit = fc.constantFrom(...'0123456789');
export const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));

// ---- how digits are written ---------------------------------------------------------------------

const FULL_WIDTH_OFFSET = 0xfee0;
const fromZero = (zero: number) => (c: string) => (/[0-9]/.test(c) ? String.fromCodePoint(zero + Number(c)) : c);
const CHINESE = '〇一二三四五六七八九';
const CAPITAL = '零壹贰叁肆伍陆柒捌玖';
/** 全角 input: full-width digits, X, + and -. */
export const toFullWidth = (c: string) => (/[0-9Xx+-]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET) : c);
/** One way of writing each digit (X, + and - stay as they are unless full-width). */
export const DIGIT_SCRIPTS: Record<string, (c: string) => string> = {
  ascii: (c) => c,
  fullWidth: toFullWidth,
  mathBold: fromZero(0x1d7ce),
  mathDoubleStruck: fromZero(0x1d7d8),
  mathMonospace: fromZero(0x1d7f6),
  arabicIndic: fromZero(0x0660),
  extendedArabicIndic: fromZero(0x06f0),
  devanagari: fromZero(0x0966),
  chinese: (c) => (/[0-9]/.test(c) ? CHINESE[Number(c)] : c),
  chineseZeroAsLing: (c) => (c === '0' ? '零' : /[0-9]/.test(c) ? CHINESE[Number(c)] : c),
  chineseOneAsYao: (c) => (c === '1' ? '幺' : /[0-9]/.test(c) ? CHINESE[Number(c)] : c),
  chineseCapital: (c) => (/[0-9]/.test(c) ? CAPITAL[Number(c)] : c),
};
const scriptNames = Object.keys(DIGIT_SCRIPTS);

/** A whole item in one script, or each character in a script of its own (half/full width mixed). */
export const digitStyle: fc.Arbitrary<(s: string) => string> = fc.oneof(
  { arbitrary: fc.constant((s: string) => s), weight: 4 },
  { arbitrary: fc.constantFrom(...scriptNames).map((name) => (s: string) => [...s].map(DIGIT_SCRIPTS[name]).join('')), weight: 4 },
  {
    arbitrary: fc.infiniteStream(fc.boolean()).map((coins) => (s: string) => [...s].map((c) => (coins.next().value ? toFullWidth(c) : c)).join('')),
    weight: 1,
  },
);

// ---- what goes between digit groups -------------------------------------------------------------

/** Spaces (one or two, tab, U+3000), dashes, . / _ , 、, zero-width characters and the soft hyphen. */
export const SEPARATORS = [
  ' ',
  '  ',
  '\t',
  '-',
  '\u3000',
  '\u2010',
  '\u2011',
  '\u2013',
  '\u2014',
  '\u2212',
  '.',
  '/',
  '_',
  ',',
  '，',
  '、',
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
];
const separator = fc.constantFrom(...SEPARATORS);
/** Mostly nothing, sometimes a separator. */
const gapSeparator = fc.oneof({ arbitrary: fc.constant(''), weight: 5 }, { arbitrary: separator, weight: 1 });

export type Kind = 'mobile' | 'id18' | 'id15' | 'tail' | 'code';
export interface Pii {
  kind: Kind;
  /** As it appears in the text. */
  raw: string;
  /** The digits (and X) it stands for, ASCII, without separators. */
  value: string;
}

/** value's characters with gaps[i] put before character i + 1. */
const withGaps = (value: string, gaps: string[]) => [...value].map((c, i) => (i > 0 ? (gaps[i - 1] ?? '') : '') + c).join('');
/** value cut into groups of the given sizes, joined by one separator. */
const groupedBy = (value: string, sizes: number[], sep: string) => {
  const parts: string[] = [];
  let at = 0;
  for (const n of sizes) {
    parts.push(value.slice(at, at + n));
    at += n;
  }
  if (at < value.length) parts.push(value.slice(at));
  return parts.join(sep);
};

/** Gaps of one kind: at the usual group boundaries, in every gap, or at random. */
const layout = (length: number, groupings: number[][]): fc.Arbitrary<(value: string) => string> =>
  fc.oneof(
    { arbitrary: fc.constant((v: string) => v), weight: 3 },
    {
      arbitrary: fc.tuple(fc.constantFrom(...groupings), separator).map(
        ([sizes, sep]) =>
          (v: string) =>
            groupedBy(v, sizes, sep),
      ),
      weight: 4,
    },
    { arbitrary: separator.map((sep) => (v: string) => [...v].join(sep)), weight: 1 },
    { arbitrary: fc.array(gapSeparator, { minLength: length - 1, maxLength: length - 1 }).map((gaps) => (v: string) => withGaps(v, gaps)), weight: 2 },
  );

// Mainland mobile: 1[3-9]x + 8 digits, after +86 / 86 / 0086 or not (139 8765 4321, 139.8765.4321,
// 008613987654321, 一三九八七六五四三二一, 𝟏𝟑𝟗…).
export const mobile: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(...'3456789'),
    digits(9),
    fc.constantFrom('', '', '', '', '+86', '86', '+86 ', '86-', '+86-', '＋86 ', '(+86)', '0086', '0086 ', '00 86 '),
    layout(11, [
      [3, 4, 4],
      [3, 4],
      [1, 2, 4, 4],
      [3, 3, 5],
    ]),
    digitStyle,
  )
  .map(([second, rest, prefix, lay, style]) => {
    const value = `1${second}${rest}`;
    return { kind: 'mobile' as const, raw: style(prefix + lay(value)), value };
  });

// IDs whole or grouped: 6-8-4 (110101.19900307.7758), 4-4-4-4-2 (1101 0119 9003 0777 58), 6-4-4-4
// for 18; 6-6-3 for 15; or any gaps.
export const id18: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(...'123456789'),
    digits(16),
    fc.constantFrom(...'0123456789Xx'),
    layout(18, [
      [6, 8, 4],
      [4, 4, 4, 4, 2],
      [6, 4, 4, 4],
      [3, 3, 4, 4, 4],
    ]),
    digitStyle,
  )
  .map(([first, mid, last, lay, style]) => {
    const value = `${first}${mid}${last}`;
    return { kind: 'id18' as const, raw: style(lay(value)), value };
  });

export const id15: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(...'123456789'),
    digits(14),
    layout(15, [
      [6, 6, 3],
      [4, 4, 4, 3],
    ]),
    digitStyle,
  )
  .map(([first, rest, lay, style]) => ({ kind: 'id15' as const, raw: style(lay(`${first}${rest}`)), value: `${first}${rest}` }));

// "后六位 12345X", "last 6 digits: 123456": five digits and a digit or X.
export const tail: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(
      '后六位',
      '后6位',
      '后六位是',
      '后6位：',
      '后六位数字是',
      '最后六位',
      '最后6位为',
      '末6位',
      '末六位号码是',
      '身份证后六位: ',
      '后 6 位 是 ',
      'last 6 digits ',
      'last 6 digits: ',
      'last six digits are ',
      'Last 6 digits is ',
      'LAST 6: ',
    ),
    fc.constantFrom('', ' ', '  '),
    digits(5),
    fc.constantFrom(...'0123456789Xx'),
    layout(6, [[3, 3]]),
    digitStyle,
  )
  .map(([lead, space, five, last, lay, style]) => ({ kind: 'tail' as const, raw: `${lead}${space}${style(lay(five + last))}`, value: five + last }));

// SMS codes: 572913, 572 913, 57-29-13, 5-7-2-9-1-3, in any script.
export const code: fc.Arbitrary<Pii> = fc
  .tuple(
    digits(6),
    fc.oneof(
      { arbitrary: fc.constant((v: string) => v), weight: 3 },
      {
        arbitrary: fc.tuple(fc.constantFrom<number[]>([3, 3], [2, 2, 2]), separator).map(
          ([sizes, sep]) =>
            (v: string) =>
              groupedBy(v, sizes, sep),
        ),
        weight: 2,
      },
      { arbitrary: separator.map((sep) => (v: string) => [...v].join(sep)), weight: 1 },
    ),
    digitStyle,
  )
  .map(([value, lay, style]) => ({ kind: 'code' as const, raw: style(lay(value)), value }));

export const pii = fc.oneof(mobile, id18, id15, tail, code);

// ---- the text around them -----------------------------------------------------------------------

// Chinese and English words without digits, Chinese numerals or the words an ID tail starts with
// (后, 末, last), joined to the personal data by characters that are neither digits nor letters.
export const word = fc.oneof(
  fc.constantFrom('我的手机号是', '验证码', '身份证号码', '请帮我看看', '收不到短信', '驗證碼', '核验失败了', '怎么办', '谢谢', '你好'),
  fc.constantFrom('my phone is', 'the code', 'ID number', 'please check', 'thanks', 'hello', 'verification failed', 'SMS'),
  fc.string({ unit: fc.constantFrom(...'我你他的是号码手机短信核验验证abcdefghijkmnopqrsuvwyzABC'), minLength: 1, maxLength: 8 }),
);
export const boundary = fc.string({
  unit: fc.constantFrom(' ', '，', '。', '：', ':', '、', '（', '）', '!', '?', '\n', '"', '…', '😀', '；'),
  minLength: 1,
  maxLength: 3,
});
const filler = fc
  .array(
    fc.tuple(word, boundary).map(([w, b]) => w + b),
    { maxLength: 3 },
  )
  .map((parts) => parts.join(''));

export interface Embedded {
  text: string;
  items: Pii[];
}
/** One to four items in text: pre? B item B word B item ... item B. */
export const embedded: fc.Arbitrary<Embedded> = fc
  .tuple(fc.array(fc.tuple(pii, word, boundary, boundary), { minLength: 1, maxLength: 4 }), filler, boundary, fc.boolean())
  .map(([parts, pre, lastBoundary, startWithBoundary]) => {
    let text = startWithBoundary ? lastBoundary : '';
    text += pre;
    parts.forEach(([item, w, b1, b2], i) => {
      if (i > 0) text += `${b1}${w}${b2}`;
      else if (pre && !/[\s，。：:、（）!?\n"…😀；]$/u.test(pre)) text += b1;
      text += item.raw;
    });
    text += lastBoundary;
    return { text, items: parts.map(([item]) => item) };
  });

// ---- reading digits back, as a person would ------------------------------------------------------

const CHINESE_VALUE: Record<string, string> = Object.fromEntries([
  ...[...CHINESE].map((c, i) => [c, String(i)]),
  ...[...CAPITAL].map((c, i) => [c, String(i)]),
  ['幺', '1'],
]);
const DECIMAL = /\p{Nd}/u;
const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}]/u;
/** Every digit-like character as an ASCII digit (any script, Chinese numerals); invisible characters and, unless kept, separators dropped. */
export function readDigits(text: string, keepSeparators = false): string {
  let out = '';
  for (const ch of text) {
    if (INVISIBLE.test(ch)) continue;
    if (keepSeparators && (SEPARATORS.includes(ch) || /\s/u.test(ch))) out += ' ';
    else if (CHINESE_VALUE[ch]) out += CHINESE_VALUE[ch];
    else if (DECIMAL.test(ch)) {
      let zero = ch.codePointAt(0)!;
      while (DECIMAL.test(String.fromCodePoint(zero - 1))) zero--;
      out += String((ch.codePointAt(0)! - zero) % 10);
    } else if (SEPARATORS.includes(ch) || /\s/u.test(ch)) continue;
    else {
      // ⅐ is "1⁄7" under NFKC: a fraction, not a digit run; only one-character forms are read.
      const nfkc = ch.normalize('NFKC');
      out += [...nfkc].length === 1 ? nfkc : ch;
    }
  }
  return out;
}

/** 138****5678 */
export const maskedMobile = (value: string) => `${value.slice(0, 3)}****${value.slice(7)}`;

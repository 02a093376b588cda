// Property-based tests of src/privacy/mask.ts and of the masking logger: phone numbers, ID numbers,
// ID tails and verification codes, in any of the forms users paste them, never survive in full.
import fc from 'fast-check';
import Transport from 'winston-transport';
import { moduleLogger, rootLogger } from '../../src/logger';
import { findPersonalData, mask, maskDeep } from '../../src/privacy/mask';

// ---- generators -------------------------------------------------------------------------------

const FULL_WIDTH_OFFSET = 0xfee0;
// 全角 input: full-width digits, X, + and -.
const toFullWidth = (c: string) => (/[0-9Xx+-]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET) : c);
const digit = fc.constantFrom(...'0123456789');
const digits = (n: number) => fc.array(digit, { minLength: n, maxLength: n }).map((d) => d.join(''));

/** Half-width, full-width, or a random mix of the two for each digit. */
const widthStyle = fc.oneof(
  { arbitrary: fc.constant((s: string) => s), weight: 3 },
  { arbitrary: fc.constant((s: string) => [...s].map(toFullWidth).join('')), weight: 1 },
  {
    arbitrary: fc.infiniteStream(fc.boolean()).map((coins) => (s: string) => [...s].map((c) => (coins.next().value ? toFullWidth(c) : c)).join('')),
    weight: 1,
  },
);

type Kind = 'mobile' | 'id18' | 'id15' | 'tail' | 'code';
interface Pii {
  kind: Kind;
  /** As it appears in the text. */
  raw: string;
  /** The digits (and X) it stands for, half-width, without separators. */
  value: string;
}

// Mainland mobile: 1[3-9]x + 8 digits; +86 / 86 in front; a space or a dash of any kind in any gap
// (138 1234 5678, 138-1234-5678, 1 38 1234 5678, 138–1234–5678); any width (１３８－１２３４－５６７８).
const SEPARATORS = [' ', '-', '\u3000', '\u2010', '\u2011', '\u2013', '\u2014', '\u2212'];
const ANY_SEPARATOR = /[\s\-\u2010-\u2015\u2212]/g;
const gapSeparator = fc.oneof({ arbitrary: fc.constant(''), weight: 6 }, { arbitrary: fc.constantFrom(...SEPARATORS), weight: 1 });
const mobile: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(...'3456789'),
    digits(9),
    fc.constantFrom('', '', '', '+86', '86', '+86 ', '86-', '+86-', '＋86 ', '(+86)'),
    gapSeparator,
    fc.oneof(
      fc.constant(['', '', '', '', '', '', '', '', '', '']),
      fc.constantFrom(...SEPARATORS).map((s) => ['', '', s, '', '', '', s, '', '', '']), // 138 1234 5678
      fc.constantFrom(' ', '-').map((s) => [s, '', s, '', '', '', s, '', '', '']), // 1 38 1234 5678
      fc.array(gapSeparator, { minLength: 10, maxLength: 10 }), // gaps[i] goes before digit i + 1
    ),
    widthStyle,
  )
  .map(([second, rest, prefix, afterPrefix, gaps, width]) => {
    const value = `1${second}${rest}`;
    let body = value[0];
    for (let i = 1; i < 11; i++) body += gaps[i - 1] + value[i];
    const lead = prefix && !/[\s)-]$/.test(prefix) ? prefix + afterPrefix : prefix;
    return { kind: 'mobile' as const, raw: width(lead + body), value };
  });

// IDs whole, or grouped at the region / birth-date / sequence boundaries: 6-8-4, 6-4-4-4 (18) and
// 6-6-3 (15), with the same separators.
const groupSeparator = fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: fc.constantFrom(...SEPARATORS), weight: 1 });
const grouped = (value: string, cuts: number[], seps: string[]) => [...value].map((c, i) => (cuts.includes(i) ? seps[cuts.indexOf(i)] : '') + c).join('');

const id18: fc.Arbitrary<Pii> = fc
  .tuple(
    fc.constantFrom(...'123456789'),
    digits(16),
    fc.constantFrom(...'0123456789Xx'),
    fc.array(groupSeparator, { minLength: 3, maxLength: 3 }),
    fc.constantFrom<number[]>([6, 14], [6, 10, 14]),
    widthStyle,
  )
  .map(([first, mid, last, seps, cuts, width]) => {
    const value = `${first}${mid}${last}`;
    return { kind: 'id18' as const, raw: width(grouped(value, cuts, seps)), value };
  });

const id15: fc.Arbitrary<Pii> = fc
  .tuple(fc.constantFrom(...'123456789'), digits(14), fc.array(groupSeparator, { minLength: 2, maxLength: 2 }), widthStyle)
  .map(([first, rest, seps, width]) => ({ kind: 'id15' as const, raw: width(grouped(`${first}${rest}`, [6, 12], seps)), value: `${first}${rest}` }));

// "后六位 12345X", "last 6 digits: 123456": five digits and a digit or X.
const tail: fc.Arbitrary<Pii> = fc
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
      'last 6 digits ',
      'last 6 digits: ',
      'last six digits are ',
      'Last 6 digits is ',
      'LAST 6: ',
    ),
    fc.constantFrom('', ' '),
    digits(5),
    fc.constantFrom(...'0123456789Xx'),
    widthStyle,
  )
  .map(([lead, space, five, last, width]) => ({ kind: 'tail' as const, raw: `${lead}${space}${width(five + last)}`, value: five + last }));

const code: fc.Arbitrary<Pii> = fc.tuple(digits(6), widthStyle).map(([value, width]) => ({ kind: 'code' as const, raw: width(value), value }));

const pii = fc.oneof(mobile, id18, id15, tail, code);

// Surrounding text: Chinese and English words without digits, and without the words an ID tail
// starts with (后, 末, last), joined to the personal data by separators that are neither digits
// nor letters (the masks require a non-alphanumeric boundary).
const word = fc.oneof(
  fc.constantFrom('我的手机号是', '验证码', '身份证号码', '请帮我看看', '收不到短信', '驗證碼', '核验失败了', '怎么办', '谢谢', '你好'),
  fc.constantFrom('my phone is', 'the code', 'ID number', 'please check', 'thanks', 'hello', 'verification failed', 'SMS'),
  fc.string({ unit: fc.constantFrom(...'我你他的是号码手机短信核验验证abcdefghijkmnopqrsuvwyzABC'), minLength: 1, maxLength: 8 }),
);
const boundary = fc.string({
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

interface Embedded {
  text: string;
  items: Pii[];
}
const embedded: fc.Arbitrary<Embedded> = fc
  .tuple(fc.array(fc.tuple(pii, word, boundary, boundary), { minLength: 1, maxLength: 4 }), filler, boundary, fc.boolean())
  .map(([parts, pre, lastBoundary, startWithBoundary]) => {
    // pre? B item B word B item B word ... item B post
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

/** Arbitrary text rich in digits, separators and the ID-tail words: what mask() must stay stable on. */
const digitSoup = fc.string({
  unit: fc.oneof(
    { arbitrary: digit, weight: 8 },
    { arbitrary: digit.map(toFullWidth), weight: 2 },
    { arbitrary: fc.constantFrom(' ', '-', '+', '－', '＋', '\u3000', 'X', 'x', 'Ｘ', 'a', '后六位', 'last 6 ', '86', '是', ':', '*', '\n'), weight: 4 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 },
  ),
  maxLength: 80,
});

const halfWidth = (s: string) => s.replace(/[\uFF0B\uFF0D\uFF10-\uFF19\uFF38\uFF58]/g, (c) => String.fromCharCode(c.charCodeAt(0) - FULL_WIDTH_OFFSET));
const maskedMobile = (value: string) => `${value.slice(0, 3)}****${value.slice(7)}`;

const RUNS = { numRuns: 500 };

// ---- mask and findPersonalData ----------------------------------------------------------------

describe('mask on personal data embedded in text', () => {
  it('leaves no run of 5 or more digits, no raw item, and the mobile as 138****5678', () => {
    fc.assert(
      fc.property(embedded, ({ text, items }) => {
        const masked = mask(text);
        expect(halfWidth(masked)).not.toMatch(/[0-9]{5,}/);
        for (const item of items) {
          expect(masked).not.toContain(item.raw);
          expect(masked).not.toContain(item.value);
          if (item.kind === 'mobile') {
            expect(masked).toContain(maskedMobile(item.value));
            // The middle four digits are gone: no head + middle, with or without separators.
            expect(masked.replace(ANY_SEPARATOR, '')).not.toContain(item.value.slice(0, 7));
          }
        }
      }),
      RUNS,
    );
  });

  it('findPersonalData reports every item: the masked mobiles, the ID and tail count, the code count', () => {
    fc.assert(
      fc.property(embedded, ({ text, items }) => {
        const found = findPersonalData(text);
        const count = (...kinds: Kind[]) => items.filter((i) => kinds.includes(i.kind)).length;
        expect([...found.mobiles].sort()).toEqual(
          items
            .filter((i) => i.kind === 'mobile')
            .map((i) => maskedMobile(i.value))
            .sort(),
        );
        expect(found.idNumbers).toBe(count('id18', 'id15', 'tail'));
        expect(found.codes).toBe(count('code'));
      }),
      RUNS,
    );
  });

  it('finds nothing left in its own output', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          embedded.map((e) => e.text),
          digitSoup,
        ),
        (text) => {
          expect(findPersonalData(mask(text))).toEqual({ mobiles: [], idNumbers: 0, codes: 0 });
        },
      ),
      RUNS,
    );
  });
});

describe('mask on any text', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          embedded.map((e) => e.text),
          digitSoup,
          fc.string({ unit: 'binary', maxLength: 80 }),
        ),
        (text) => {
          const once = mask(text);
          expect(mask(once)).toBe(once);
        },
      ),
      RUNS,
    );
  });

  it('changes text only where findPersonalData finds something (besides full-width digits)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          embedded.map((e) => e.text),
          digitSoup,
        ),
        (text) => {
          const found = findPersonalData(text);
          const any = found.mobiles.length + found.idNumbers + found.codes > 0;
          expect(mask(text) !== halfWidth(text)).toBe(any);
        },
      ),
      RUNS,
    );
  });

  it('never leaves a standalone run of exactly 6 digits', () => {
    fc.assert(
      fc.property(digitSoup, (text) => {
        expect(mask(text)).not.toMatch(/(?<![0-9])[0-9]{6}(?![0-9])/);
      }),
      RUNS,
    );
  });

  it('maskDeep masks every string of nested metadata (objects up to 5 levels deep) and keeps the shape', () => {
    fc.assert(
      fc.property(embedded, fc.integer({ min: 0, max: 3 }), ({ text }, depth) => {
        let value: unknown = { text, list: [text, { text }] };
        for (let i = 0; i < depth; i++) value = { nested: value };
        const out = JSON.stringify(maskDeep(value));
        expect(halfWidth(out)).not.toMatch(/[0-9]{5,}/);
        expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === 'string' ? mask(v) : v))));
      }),
      { numRuns: 200 },
    );
  });
});

// ---- the logger -------------------------------------------------------------------------------

/** Keeps every line a transport would write (the final JSON). */
class Capture extends Transport {
  lines: string[] = [];
  override log(info: Record<string | symbol, unknown>, next: () => void): void {
    const line = info[Symbol.for('message')];
    this.lines.push(typeof line === 'string' ? line : JSON.stringify(info));
    next();
  }
}

describe('the logger masks personal data in messages and metadata', () => {
  const capture = new Capture({ level: 'debug' });
  const log = moduleLogger('property-test');
  let previousLevel: string;
  let consoles: Array<readonly [Transport, boolean | undefined]>;

  beforeAll(() => {
    previousLevel = rootLogger.level;
    consoles = rootLogger.transports.map((t) => [t, t.silent] as const);
    for (const [t] of consoles) t.silent = true;
    rootLogger.level = 'debug';
    log.add(capture); // a child logger shares its parent's transports
  });
  afterAll(() => {
    rootLogger.remove(capture);
    rootLogger.level = previousLevel;
    for (const [t, silent] of consoles) t.silent = silent;
  });

  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('writes no phone, ID, tail or code digits at any level, in the message, metadata, arrays or errors', async () => {
    await fc.assert(
      fc.asyncProperty(embedded, fc.constantFrom('debug', 'info', 'warn', 'error'), async ({ text, items }, level) => {
        capture.lines = [];
        log.log(level, `user said: ${text}`, { text, nested: { list: [text, { deeper: text }] }, items: items.map((i) => i.raw) });
        log.debug(text);
        log.error('failed', new Error(text));
        log.error(new Error(text));
        await flush();
        expect(capture.lines.length).toBeGreaterThanOrEqual(4);
        for (const line of capture.lines) {
          expect(halfWidth(line)).not.toMatch(/[0-9]{5,}/);
          for (const item of items) expect(line).not.toContain(item.raw);
        }
      }),
      { numRuns: 100 },
    );
  });

  // Known gaps of maskDeep (src/privacy/mask.ts), which the logger relies on: objects nested more
  // than 5 levels deep and Error objects inside metadata are passed through unmasked, so their
  // strings reach the log in full. These pass while the gap is there; then make them plain tests.
  it('masks strings nested more than 5 levels deep', async () => {
    capture.lines = [];
    log.debug('deep', { a: { b: { c: { d: { e: { f: { g: { h: '13812345678' } } } } } } } });
    await flush();
    expect(capture.lines.join('\n')).not.toContain('13812345678');
  });

  it('masks the enumerable fields of an Error inside metadata', async () => {
    capture.lines = [];
    log.error('call failed', { error: Object.assign(new Error('upstream'), { body: 'phone 13812345678' }) });
    await flush();
    expect(capture.lines.join('\n')).not.toContain('13812345678');
  });
});

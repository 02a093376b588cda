// Property-based tests of src/privacy/mask.ts and of the masking logger: phone numbers, ID numbers,
// ID tails and verification codes, in any of the forms users paste them (any separators, digit
// scripts, Chinese numerals, prefixes), never survive in full.
import fc from 'fast-check';
import Transport from 'winston-transport';
import { moduleLogger, rootLogger } from '../../src/logger';
import { findPersonalData, mask, maskDeep } from '../../src/privacy/mask';
import { DIGIT_SCRIPTS, embedded, maskedMobile, readDigits, toFullWidth, type Kind } from './personal-data-arbitraries';

const digit = fc.constantFrom(...'0123456789');

/** Arbitrary text rich in digits, separators and the ID-tail words: what mask() must stay stable on. */
const digitSoup = fc.string({
  unit: fc.oneof(
    { arbitrary: digit, weight: 8 },
    { arbitrary: digit.map(toFullWidth), weight: 2 },
    { arbitrary: fc.tuple(digit, fc.constantFrom(...Object.values(DIGIT_SCRIPTS))).map(([d, script]) => script(d)), weight: 3 },
    {
      arbitrary: fc.constantFrom(
        ' ',
        '-',
        '+',
        '－',
        '＋',
        '\u3000',
        'X',
        'x',
        'Ｘ',
        'a',
        '后六位',
        'last 6 ',
        '86',
        '0086',
        '是',
        ':',
        '*',
        '\n',
        '.',
        '/',
        '_',
        ',',
        '\u200b',
        '\u00ad',
        '、',
      ),
      weight: 4,
    },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), weight: 1 },
  ),
  maxLength: 80,
});

const RUNS = { numRuns: 500 };

// ---- mask and findPersonalData ----------------------------------------------------------------

describe('mask on personal data embedded in text', () => {
  it('leaves no run of 5 or more digits, no raw item, and the mobile as 138****5678', () => {
    fc.assert(
      fc.property(embedded, ({ text, items }) => {
        const masked = mask(text);
        // Read as a person would: any script, separators and invisible characters ignored.
        const read = readDigits(masked);
        expect(read).not.toMatch(/[0-9]{5,}/);
        for (const item of items) {
          expect(masked).not.toContain(item.raw);
          expect(read).not.toContain(item.value);
          if (item.kind === 'mobile') {
            expect(masked).toContain(maskedMobile(item.value));
            // The middle four digits are gone: no head + middle.
            expect(read).not.toContain(item.value.slice(0, 7));
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

  it('changes text only where findPersonalData finds something', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          embedded.map((e) => e.text),
          digitSoup,
        ),
        (text) => {
          const found = findPersonalData(text);
          const any = found.mobiles.length + found.idNumbers + found.codes > 0;
          expect(mask(text) !== text).toBe(any);
        },
      ),
      RUNS,
    );
  });

  it('never leaves a standalone run of exactly 6 digits', () => {
    fc.assert(
      fc.property(digitSoup, (text) => {
        expect(readDigits(mask(text), true)).not.toMatch(/(?<![0-9])[0-9]{6}(?![0-9])/);
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
        expect(readDigits(out)).not.toMatch(/[0-9]{5,}/);
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
          // The line's own timestamp is digits too: read everything else.
          const { timestamp: _timestamp, ...rest } = JSON.parse(line) as Record<string, unknown>;
          const read = readDigits(JSON.stringify(rest));
          expect(readDigits(JSON.stringify(rest), true)).not.toMatch(/[0-9]{5,}/);
          for (const item of items) {
            expect(line).not.toContain(item.raw);
            expect(read).not.toContain(item.value);
          }
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

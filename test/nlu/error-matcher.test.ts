import fc from 'fast-check';
import { substringEditDistance } from '../../src/nlu/error-matcher';

// natural's own search, which the matcher used before: the reference the two-row version must equal.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { LevenshteinDistanceSearch } = require('natural/lib/natural/distance/levenshtein_distance') as {
  LevenshteinDistanceSearch: (needle: string, haystack: string) => { distance: number };
};

// Few distinct characters, so strings share runs and partial matches are common; a surrogate pair too.
const text = (max: number) => fc.array(fc.constantFrom('核', '验', '失', '败', 'a', 'b', ' ', '😀'), { maxLength: max }).map((cs) => cs.join(''));

describe('substringEditDistance', () => {
  it("equals natural's LevenshteinDistanceSearch distance (best substring match) on any pair of strings", () => {
    fc.assert(
      fc.property(text(14), text(40), (needle, haystack) => {
        expect(substringEditDistance(needle, haystack)).toBe(LevenshteinDistanceSearch(needle, haystack).distance);
      }),
      { numRuns: 3000 },
    );
  });

  it('is 0 for a pattern inside the text and counts the edits of a near miss', () => {
    expect(substringEditDistance('短信核验失败', '我的短信核验失败了')).toBe(0);
    expect(substringEditDistance('短信核验失败', '我的短信核失败了')).toBe(1);
    expect(substringEditDistance('abc', '')).toBe(3);
  });
});

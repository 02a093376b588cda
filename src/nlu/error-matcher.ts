export interface ErrorPattern {
  intent: string;
  text: string;
}

export interface ErrorMatch {
  intent: string;
  pattern: string;
  /** 1 for an exact match, lower the more edits a fuzzy match needed. */
  score: number;
}

/** Share of edits a pasted message may differ by (typos, a dropped or swapped character). */
const MAX_EDIT_RATIO = 0.2;
const MIN_FUZZY_LENGTH = 8;
// Fuzzy search costs pattern length × message length per pattern: a pasted error with a typo comes
// in a short message; a long one is matched exactly only.
const MAX_FUZZY_TEXT = 300;

const compact = (s: string) => s.replace(/\s+/g, '');

// Two rows of the edit-distance table, reused by every call (matching is synchronous).
let previousRow = new Uint32Array(0);
let currentRow = new Uint32Array(0);

/**
 * The fewest insertions, deletions and substitutions (each costing 1, UTF-16 unit by unit) that
 * turn `needle` into some substring of `haystack`: natural's LevenshteinDistanceSearch(needle,
 * haystack).distance, which builds the whole table of objects per call; two rows of integers here.
 */
export function substringEditDistance(needle: string, haystack: string): number {
  const m = haystack.length;
  if (previousRow.length < m + 1) {
    previousRow = new Uint32Array(m + 1);
    currentRow = new Uint32Array(m + 1);
  }
  let prev = previousRow;
  let cur = currentRow;
  // Row 0: the match may start anywhere in the haystack, for free.
  prev.fill(0, 0, m + 1);
  for (let i = 1; i <= needle.length; i++) {
    cur[0] = i;
    const c = needle.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const substitute = prev[j - 1] + (c === haystack.charCodeAt(j - 1) ? 0 : 1);
      const insert = cur[j - 1] + 1;
      const remove = prev[j] + 1;
      cur[j] = substitute < insert ? (substitute < remove ? substitute : remove) : insert < remove ? insert : remove;
    }
    [prev, cur] = [cur, prev];
  }
  // Natural starts from needle + haystack length and takes the least cost in the last row.
  let best = needle.length + m;
  for (let j = 0; j <= m; j++) if (prev[j] < best) best = prev[j];
  return best;
}

/**
 * The official MIIT and platform error strings, recognised before the classifier: these messages
 * are pasted verbatim or nearly so, and a pattern is a far surer signal than a model.
 * Input and patterns are both in the normalizer's form (Simplified, no punctuation).
 */
export class ErrorMatcher {
  private readonly patterns: Array<ErrorPattern & { compact: string; chars: Set<string> }>;
  /** For each character, the patterns (by index) that hold it: shared characters counted in one pass over the message's. */
  private readonly holding = new Map<string, number[]>();
  private shared = new Uint16Array(0);

  constructor(patterns: ErrorPattern[], normalize: (s: string) => string) {
    this.patterns = patterns
      .map((p) => {
        const c = compact(normalize(p.text));
        return { ...p, compact: c, chars: new Set(c) };
      })
      // Longest first: the most specific message wins over its shorter core.
      .sort((a, b) => b.compact.length - a.compact.length);
    this.patterns.forEach((p, i) => {
      for (const c of p.chars) this.holding.set(c, [...(this.holding.get(c) ?? []), i]);
    });
    this.shared = new Uint16Array(this.patterns.length);
  }

  match(normalized: string): ErrorMatch | undefined {
    const text = compact(normalized);
    if (!text) return undefined;
    for (const p of this.patterns) {
      if (text.includes(p.compact)) return { intent: p.intent, pattern: p.text, score: 1 };
    }
    if (text.length > MAX_FUZZY_TEXT) return undefined;
    let best: ErrorMatch | undefined;
    // Cheap pre-filter: most of a pattern's characters must occur in the message at all.
    const shared = this.shared.fill(0);
    for (const c of new Set(text)) for (const i of this.holding.get(c) ?? []) shared[i]++;
    for (let i = 0; i < this.patterns.length; i++) {
      const p = this.patterns[i];
      if (p.compact.length < MIN_FUZZY_LENGTH || text.length < p.compact.length * (1 - MAX_EDIT_RATIO)) continue;
      if (shared[i] < p.chars.size * (1 - MAX_EDIT_RATIO)) continue;
      const distance = substringEditDistance(p.compact, text);
      const allowed = Math.floor(p.compact.length * MAX_EDIT_RATIO);
      if (distance > allowed) continue;
      const score = 1 - distance / p.compact.length;
      if (!best || score > best.score) best = { intent: p.intent, pattern: p.text, score };
    }
    return best;
  }
}

import type { Scope } from '../knowledge/knowledge-base';

const CJK = /[\u3400-\u9fff]/;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** One alternation of plain words; Latin words on word boundaries (`stems`: only at the start, so verify matches verifying), any spacing inside them. */
function pattern(words: string[], stems = false): RegExp | undefined {
  if (!words.length) return undefined;
  const alts = [...new Set(words.map((w) => w.toLowerCase()))]
    .sort((a, b) => b.length - a.length)
    .map((w) => (CJK.test(w) ? escape(w) : `\\b${escape(w).replace(/ /g, '[ -]?')}${stems ? '' : '\\b'}`));
  return new RegExp(alts.join('|'));
}

/**
 * Evidence of what a message is about, from intents/scope.yaml: a message that names another app's
 * code, another service or another licence, and none of the verification's own actors (工信部,
 * 12381, 管局, 核验...), is out of scope however much it looks like a verification question.
 */
export class ScopeDetector {
  private readonly inDomain?: RegExp;
  private readonly outOfScope?: RegExp;
  private readonly domain?: RegExp;
  private readonly review?: RegExp;
  private readonly filing?: RegExp;

  constructor(scope: Scope) {
    this.inDomain = pattern([...scope.in_domain.zh, ...scope.in_domain.en]);
    this.outOfScope = pattern(Object.values(scope.out_of_scope).flatMap((w) => [...w.zh, ...w.en]));
    this.domain = pattern([...scope.domain_words.zh, ...scope.domain_words.en], true);
    this.review = pattern([...scope.other_reviews.review.zh, ...scope.other_reviews.review.en], true);
    this.filing = pattern([...scope.other_reviews.filing.zh, ...scope.other_reviews.filing.en], true);
  }

  /** Whether the message uses any word of this bot's topics at all (small talk uses none). */
  onTopic(normalized: string): boolean {
    // A number ("170的号", "is 199 supported") is a phone prefix, a count or a time here.
    return /\d/.test(normalized) || (this.domain?.test(normalized) ?? true);
  }

  /** Whether the message names one of the verification's own actors (工信部, 12381, 管局, 核验, 初审...). */
  inDomainCue(normalized: string): boolean {
    return this.inDomain?.test(normalized) ?? false;
  }

  /**
   * A review that was rejected, with nothing of the filing named ("头像审核不通过", "code review
   * rejected"): another review (an avatar, a release, a category), not this filing's.
   */
  otherReviewRejected(normalized: string): boolean {
    return (this.review?.test(normalized) ?? false) && !(this.filing?.test(normalized) ?? true);
  }

  /** `normalized` is the normaliser's output (Simplified, lower-case, no punctuation). */
  outOfDomain(normalized: string): boolean {
    if (!this.outOfScope?.test(normalized)) return false;
    return !this.inDomain?.test(normalized);
  }
}

import type { Lang } from '../core/types';
import { charsToSimplified, charsToTraditional } from './chinese-script';

const CJK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;
// Written Cantonese: these characters are rare in Mandarin and count as zh-Hant (HK conventions).
const CANTONESE = /[唔冇咗嘅喺佢啲嘢咩揾搵嗰睇攞俾畀]|點樣|点样|點算|点算|係咪|系咪|幾耐|几耐|邊個|边个|乜嘢/u;

export interface LanguageGuess {
  lang: Lang;
  /** Which Traditional conventions a zh-Hant reply should follow. */
  variant: 'tw' | 'hk';
}

// Whether a character changes under a conversion, memoised per character: detection runs on every
// message, and a character's answer never changes (the set of CJK characters bounds the maps).
const changesToSimplified = new Map<string, boolean>();
const changesToTraditional = new Map<string, boolean>();

function countDiffering(chars: string[], convert: (s: string) => string, memo: Map<string, boolean>): number {
  let n = 0;
  for (const c of chars) {
    let changes = memo.get(c);
    if (changes === undefined) {
      changes = convert(c) !== c;
      memo.set(c, changes);
    }
    if (changes) n++;
  }
  return n;
}

/** Build the converters now, so the first user doesn't pay for it. */
export function warmUpLanguageDetection(): void {
  detectLanguage('驗證验证');
}

/**
 * zh-Hans, zh-Hant or en. Chinese when the message has at least as many CJK characters as
 * Latin words ("拿到code了" is Chinese, "the 初审 passed but no sms" is English). Traditional
 * when more of its characters exist only in Traditional than only in Simplified; Cantonese is zh-Hant.
 */
export function detectLanguage(text: string): LanguageGuess {
  const cjk = text.match(CJK_CHAR) ?? [];
  const latinWords = (text.match(LATIN_WORD) ?? []).length;
  if (cjk.length === 0 || cjk.length < latinWords) return { lang: 'en', variant: 'tw' };
  if (CANTONESE.test(text)) return { lang: 'zh-Hant', variant: 'hk' };
  const traditionalOnly = countDiffering(cjk, charsToSimplified, changesToSimplified);
  const simplifiedOnly = countDiffering(cjk, charsToTraditional, changesToTraditional);
  return { lang: traditionalOnly > simplifiedOnly ? 'zh-Hant' : 'zh-Hans', variant: 'tw' };
}

import type { Lang } from '../core/types';
import { changesToSimplified, changesToTraditional } from './chinese-script';

const CJK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/gu;
const LATIN_WORD = /[A-Za-z]{2,}/g;
// Text in quotes is usually pasted (an error message, a button): it says nothing about the writer's language.
const QUOTED = /“[^”]{0,200}”|「[^」]{0,200}」|『[^』]{0,200}』|"[^"]{0,200}"|‘[^’]{0,200}’/g;
// Written Cantonese: these characters are rare in Mandarin and count as zh-Hant (HK conventions).
const CANTONESE = /[唔冇咗嘅喺佢啲嘢咩揾搵嗰睇攞俾畀哋咁乜嚟啱冚喎噉嘥]|走先|點樣|点样|點算|点算|係咪|系咪|幾耐|几耐|邊個|边个|乜嘢|而家|琴日|頭先|今朝/u;
// Taiwan words in characters both scripts share (小程式): a Traditional writer's wording.
const TAIWAN = /程式|簡訊|軟體|網路|帳號|訊息|影片|伺服器|資訊/u;

export interface LanguageGuess {
  lang: Lang;
  /** Traditional conventions the message shows (HK for Cantonese, TW for Taiwan words); null when it shows none. */
  variant: 'tw' | 'hk' | null;
  /**
   * The message carries no evidence of its script or language: no letters ("1", a phone number),
   * or Chinese characters that are the same in both scripts ("新增接入"). The conversation's
   * language then stands.
   */
  neutral: boolean;
}

// Characters Traditional writers use as they are although OpenCC would convert them (平台, 着, 干):
// no evidence of Simplified.
const SHARED = new Set(['台', '着', '干', '晒']);

/** Build the converters now, so the first user doesn't pay for it. */
export function warmUpLanguageDetection(): void {
  detectLanguage('驗證验证');
}

/**
 * zh-Hans, zh-Hant or en. English when the message has more than half as many Latin words as
 * Chinese characters outside quotes (a Chinese character carries about half an English word's
 * meaning): "I entered my code and the page says 您的短信核验失败，请您重新验证" is English, "拿到code了"
 * Chinese. Traditional when more of its characters exist only in Traditional than only in
 * Simplified, or it is Cantonese or uses Taiwan words; neither is script-neutral.
 */
export function detectLanguage(text: string): LanguageGuess {
  if (!/\p{L}/u.test(text)) return { lang: 'zh-Hans', variant: null, neutral: true };
  const unquoted = text.replace(QUOTED, ' ');
  const cjk = text.match(CJK_CHAR) ?? [];
  const cjkUnquoted = (unquoted.match(CJK_CHAR) ?? []).length;
  const latinWords = (unquoted.match(LATIN_WORD) ?? []).length;
  if (cjk.length === 0 || (latinWords > 0 && latinWords * 2 > cjkUnquoted)) return { lang: 'en', variant: null, neutral: false };
  if (CANTONESE.test(text)) return { lang: 'zh-Hant', variant: 'hk', neutral: false };
  const taiwan = TAIWAN.test(text);
  // Characters that exist only in Traditional, and only in Simplified (table lookups, one per character).
  let traditionalOnly = 0;
  let simplifiedOnly = 0;
  for (const c of cjk) {
    if (changesToSimplified(c)) traditionalOnly++;
    if (!SHARED.has(c) && changesToTraditional(c)) simplifiedOnly++;
  }
  if (taiwan || traditionalOnly > simplifiedOnly) return { lang: 'zh-Hant', variant: taiwan ? 'tw' : null, neutral: false };
  return { lang: 'zh-Hans', variant: null, neutral: traditionalOnly === 0 && simplifiedOnly === 0 };
}

import * as OpenCC from 'opencc-js';

// Each OpenCC converter builds its own dictionary trie, and every Simplified -> Traditional one
// carries the large STPhrases table (~50 MB). So the Simplified -> Traditional step is built once
// and the Taiwan / Hong Kong conventions are small converters from Traditional on top of it.
// All are built lazily, once.
type Convert = (s: string) => string;
let twToCn: Convert | undefined;
let cnToT: Convert | undefined;
let tToTw: Convert | undefined;
let tToHk: Convert | undefined;

// Taiwan / Hong Kong words for the same things, after character conversion. OpenCC's own phrase
// step (twp -> cn) can't be used on mixed input: it also rewrites Simplified words (小程序 -> 小进程).
const TAIWAN_WORDS: Array<[RegExp, string]> = (
  [
    ['简讯', '短信'],
    ['程式', '程序'],
    ['讯息', '信息'],
    ['网路', '网络'],
    ['帐号', '账号'],
    ['帐户', '账户'],
    ['登入', '登录'],
    ['软体', '软件'],
    ['行动电话', '手机'],
    ['手机门号', '手机号'],
    ['门号', '号码'],
    ['电邮', '邮箱'],
    // OpenCC's tw -> cn takes 么 for a variant of 幺, so "在么" would become "在幺"; 苎 likewise.
    ['连结', '链接'],
    ['连线', '连接'],
    ['网域', '域名'],
    ['幺', '么'],
    ['苎', '苧'],
  ] as Array<[string, string]>
).map(([from, to]) => [new RegExp(from, 'g'), to]);

// Whether any of the words above occurs at all.
const ANY_TAIWAN_WORD = new RegExp(TAIWAN_WORDS.map(([re]) => re.source).join('|'));

/** Character-level Traditional (Taiwan and Hong Kong variants included) to Simplified. */
export function charsToSimplified(text: string): string {
  twToCn ??= OpenCC.Converter({ from: 'tw', to: 'cn' });
  return twToCn(text);
}

/** Simplified to Traditional (OpenCC's standard form, phrases included). */
export function charsToTraditional(text: string): string {
  cnToT ??= OpenCC.Converter({ from: 'cn', to: 't' });
  return cnToT(text);
}

/** Traditional to Simplified, character by character, then Taiwan words (簡訊 -> 短信, 程式 -> 程序). */
export function traditionalToSimplified(text: string): string {
  let s = charsToSimplified(text);
  // Most messages hold none of them: one scan instead of one per word. When one is there the
  // words are still replaced one after another, in order, as before (a replacement can make the next).
  if (!ANY_TAIWAN_WORD.test(s)) return s;
  for (const [re, to] of TAIWAN_WORDS) s = s.replace(re, to);
  return s;
}

/** Simplified to Traditional with Taiwan phrases (簡訊, 小程式), or Hong Kong characters for Cantonese writers. */
export function simplifiedToTraditional(text: string, variant: 'tw' | 'hk' = 'tw'): string {
  const t = charsToTraditional(text);
  if (variant === 'hk') {
    tToHk ??= OpenCC.Converter({ from: 't', to: 'hk' });
    return tToHk(t);
  }
  tToTw ??= OpenCC.Converter({ from: 't', to: 'twp' });
  return tToTw(t);
}

/** Build the converters now, so the first user doesn't pay for it. */
export function warmUpChineseScript(): void {
  traditionalToSimplified('驗證');
  simplifiedToTraditional('验证');
  simplifiedToTraditional('验证', 'hk');
}

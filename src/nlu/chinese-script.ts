import * as OpenCC from 'opencc-js';

// Building an OpenCC converter loads its dictionaries (a few hundred ms), so each is built once, lazily.
let toSimplified: ((s: string) => string) | undefined;
let toTaiwan: ((s: string) => string) | undefined;
let toHongKong: ((s: string) => string) | undefined;

// Taiwan / Hong Kong words for the same things, after character conversion. OpenCC's own phrase
// step (twp -> cn) can't be used on mixed input: it also rewrites Simplified words (小程序 -> 小进程).
const TAIWAN_WORDS: Array<[RegExp, string]> = (
  [
    ['简讯', '短信'], ['程式', '程序'], ['讯息', '信息'], ['网路', '网络'], ['帐号', '账号'], ['帐户', '账户'],
    ['登入', '登录'], ['软体', '软件'], ['行动电话', '手机'], ['手机门号', '手机号'], ['门号', '号码'], ['电邮', '邮箱'],
  ] as Array<[string, string]>
).map(([from, to]) => [new RegExp(from, 'g'), to]);

/** Traditional to Simplified, character by character, then Taiwan words (簡訊 -> 短信, 程式 -> 程序). */
export function traditionalToSimplified(text: string): string {
  toSimplified ??= OpenCC.Converter({ from: 'tw', to: 'cn' });
  let s = toSimplified(text);
  for (const [re, to] of TAIWAN_WORDS) s = s.replace(re, to);
  return s;
}

/** Simplified to Traditional with Taiwan phrases, or Hong Kong characters for Cantonese writers. */
export function simplifiedToTraditional(text: string, variant: 'tw' | 'hk' = 'tw'): string {
  if (variant === 'hk') {
    toHongKong ??= OpenCC.Converter({ from: 'cn', to: 'hk' });
    return toHongKong(text);
  }
  toTaiwan ??= OpenCC.Converter({ from: 'cn', to: 'twp' });
  return toTaiwan(text);
}

/** Build the converters now, so the first user doesn't pay for it. */
export function warmUpChineseScript(): void {
  traditionalToSimplified('驗證');
  simplifiedToTraditional('验证');
  simplifiedToTraditional('验证', 'hk');
}

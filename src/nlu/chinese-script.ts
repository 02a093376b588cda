import * as OpenCC from 'opencc-js';

// Building an OpenCC converter loads its dictionaries (a few hundred ms), so each is built once, lazily.
let toSimplified: ((s: string) => string) | undefined;
let toTaiwan: ((s: string) => string) | undefined;
let toHongKong: ((s: string) => string) | undefined;

/** Traditional (Taiwan phrases included: 簡訊 -> 短信, 程式 -> 程序) to Simplified. */
export function traditionalToSimplified(text: string): string {
  toSimplified ??= OpenCC.Converter({ from: 'twp', to: 'cn' });
  return toSimplified(text);
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

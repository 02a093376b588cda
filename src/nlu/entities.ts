import type { Platform } from '../core/types';

// Checked in order on normalized (Simplified, lower-case) text; a bare 小程序 / 网站 is the weak
// signal and counts only when no platform is named.
const PLATFORM_PATTERNS: Array<[Platform, RegExp]> = [
  ['douyin', /抖音|字节|头条|douyin|tiktok|bytedance/],
  ['tencent_cloud', /腾讯云|tencent ?cloud|qcloud/],
  ['wechat', /微信|公众平台|wechat|weixin/],
];
const WEAK_PLATFORM: Array<[Platform, RegExp]> = [
  ['tencent_cloud', /网站|website|域名|domain/],
  ['wechat', /小程序|mini ?program|miniapp/],
];

/** The platform a message names, if any. */
export function extractPlatform(normalized: string): Platform | undefined {
  for (const [platform, re] of PLATFORM_PATTERNS) if (re.test(normalized)) return platform;
  for (const [platform, re] of WEAK_PLATFORM) if (re.test(normalized)) return platform;
  return undefined;
}

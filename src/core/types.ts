/** Languages of messages and replies (api.md `lang`). */
export type Lang = 'zh-Hans' | 'zh-Hant' | 'en';
export const PLATFORMS = ['wechat', 'douyin', 'tencent_cloud'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** The one message type every channel produces; the engine never sees a channel's format. */
export interface Message {
  /** Conversation key: the JSON API's userId as given; channels prefix theirs (wechat:<OpenID>). */
  userId: string;
  text: string;
  /** When the user sent it; all time reasoning uses this. */
  timestamp: Date;
  platform?: Platform;
  channel: string;
  /** 'json' when it came through the JSON API, whatever `channel` the caller named (replies to it go to REMINDER_WEBHOOK_URL). */
  transport?: 'json';
  messageId?: string;
}

export interface Suggestion {
  intent: string;
  question: string;
}

export interface Reply {
  text: string;
  intent: string;
  confidence: number;
  /** Why the turn got its intent (the dialogue policy's rule). */
  decidedBy?: string;
  lang: Lang;
  suggestions: Suggestion[];
  /** Seeds the answer's facts come from, e.g. "000 §1". */
  sources: string[];
}

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
  /** An intent the user picked from a menu (a tapped WeChat msgmenu entry); ignored unless it exists. */
  pickedIntent?: string;
}

export interface Suggestion {
  intent: string;
  question: string;
}

/**
 * Choices a channel may show as tappable buttons (a WeChat msgmenu) in place of the text's own
 * numbered list or platform question. Choice ids are `intent:<intent id>` or `platform:<platform>`.
 */
export interface ReplyMenu {
  kind: 'did_you_mean' | 'platform';
  /** The line above the choices. */
  head: string;
  choices: { id: string; label: string }[];
  /** The line below the choices (empty: none). */
  tail: string;
  /** The reply text without the list or question the menu stands for. */
  rest: string;
  /** That list or question as plain text (what to send where a menu is refused). */
  plain: string;
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
  /** Set when the reply offers choices a channel can show as buttons. */
  menu?: ReplyMenu;
}

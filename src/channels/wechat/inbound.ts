import type { ReplyMenu } from '../../core/types';
import type { HandleMessage } from '../channel';
import { limitText } from '../message-text';
import { messageTimeOrNow } from '../message-time';

/** What a WeChat / WeCom callback asks of the bot, from its XML fields. */
export type Inbound =
  | { kind: 'text'; text: string }
  | { kind: 'welcome' }
  /** Image, video, location, voice without recognition...: ask for text. */
  | { kind: 'unsupported' }
  /** Events that need no answer (unsubscribe, menu clicks, template results). */
  | { kind: 'ignore' };

export function inboundOf(fields: Record<string, string>): Inbound {
  switch (fields.MsgType) {
    case 'text':
      return fields.Content?.trim() ? { kind: 'text', text: fields.Content } : { kind: 'unsupported' };
    case 'voice':
      // With speech recognition on, WeChat sends its transcript: treat it as typed text.
      return fields.Recognition?.trim() ? { kind: 'text', text: fields.Recognition } : { kind: 'unsupported' };
    case 'event':
      return fields.Event?.toLowerCase() === 'subscribe' || fields.Event === 'enter_agent' ? { kind: 'welcome' } : { kind: 'ignore' };
    default:
      return { kind: 'unsupported' };
  }
}

/**
 * Retries carry the same MsgId; events have none, so FromUserName + CreateTime identify them. A
 * MsgId is unique only per account and user: the key holds the account (ToUserName, and WeCom's
 * AgentID) and the sender too, so one user's MsgId can never fetch another's cached reply.
 */
export function dedupKey(channel: string, fields: Record<string, string>): string {
  const scope = `${fields.ToUserName ?? ''}:${fields.AgentID ?? ''}:${fields.FromUserName ?? ''}`;
  return fields.MsgId
    ? `${channel}:msg:${scope}:${fields.MsgId}`
    : `${channel}:evt:${scope}:${fields.CreateTime}:${fields.Event ?? ''}:${fields.EventKey ?? ''}`;
}

/** The message time from CreateTime (Unix seconds); the server clock when it is missing, bad or implausible. */
export function createTimeOf(fields: Record<string, string>): Date {
  return messageTimeOrNow(fields.CreateTime);
}

/** What the bot does with one callback: text to say (or none), and whether a human agent has the user. */
export interface InboundTurn {
  text: string | null;
  /** A handoff is active after this message: the platform's agents should get it. */
  handoff: boolean;
  /** Choices the reply offers, for channels that can show them as buttons. */
  menu?: ReplyMenu;
}

/**
 * A tapped WeChat msgmenu entry arrives as text with `bizmsgmenuid` (the id the bot gave it): an
 * intent id picks that answer whatever the text, a platform id is answered as its name (the tap's text).
 */
export function pickedIntentOf(fields: Record<string, string>): string | undefined {
  const id = fields.bizmsgmenuid;
  return id?.startsWith('intent:') ? id.slice('intent:'.length) : undefined;
}

/**
 * What to do with one WeChat / WeCom callback: the engine's answer to text (and recognised voice),
 * a welcome, a request for text, or nothing for events that need no answer. Events never reach
 * the engine, so they never go to an agent either.
 */
export async function turnFor(
  channel: 'wechat' | 'wecom',
  fields: Record<string, string>,
  handle: HandleMessage,
  phrase: (key: string) => string,
): Promise<InboundTurn> {
  const inbound = inboundOf(fields);
  if (inbound.kind === 'ignore') return { text: null, handoff: false };
  if (inbound.kind === 'welcome') return { text: phrase('channel_welcome'), handoff: false };
  if (inbound.kind === 'unsupported') return { text: phrase('channel_type_text'), handoff: false };
  const { reply, state } = await handle({
    userId: `${channel}:${fields.FromUserName}`,
    // Longer than the JSON API's 2,000 characters: answered on the first 2,000, like Douyin.
    text: limitText(inbound.text),
    timestamp: createTimeOf(fields),
    channel,
    messageId: fields.MsgId,
    pickedIntent: pickedIntentOf(fields),
  });
  return { text: reply.text, handoff: state.handoff?.active === true, menu: reply.menu };
}

/** The text part of turnFor(): what to say, or null. */
export async function replyTextFor(
  channel: 'wechat' | 'wecom',
  fields: Record<string, string>,
  handle: HandleMessage,
  phrase: (key: string) => string,
): Promise<string | null> {
  return (await turnFor(channel, fields, handle, phrase)).text;
}

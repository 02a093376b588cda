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
  return fields.MsgId ? `${channel}:msg:${scope}:${fields.MsgId}` : `${channel}:evt:${scope}:${fields.CreateTime}:${fields.Event ?? ''}`;
}

/** The message time from CreateTime (Unix seconds); the server clock when it is missing, bad or implausible. */
export function createTimeOf(fields: Record<string, string>): Date {
  return messageTimeOrNow(fields.CreateTime);
}

/**
 * What to say to one WeChat / WeCom callback: the engine's answer to text (and recognised voice),
 * a welcome, a request for text, or null for events that need no answer.
 */
export async function replyTextFor(
  channel: 'wechat' | 'wecom',
  fields: Record<string, string>,
  handle: HandleMessage,
  phrase: (key: string) => string,
): Promise<string | null> {
  const inbound = inboundOf(fields);
  if (inbound.kind === 'ignore') return null;
  if (inbound.kind === 'welcome') return phrase('channel_welcome');
  if (inbound.kind === 'unsupported') return phrase('channel_type_text');
  const { reply } = await handle({
    userId: `${channel}:${fields.FromUserName}`,
    // Longer than the JSON API's 2,000 characters: answered on the first 2,000, like Douyin.
    text: limitText(inbound.text),
    timestamp: createTimeOf(fields),
    channel,
    messageId: fields.MsgId,
  });
  return reply.text;
}

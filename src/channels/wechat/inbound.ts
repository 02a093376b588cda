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

/** Retries carry the same MsgId; events have none, so FromUserName + CreateTime identify them. */
export function dedupKey(channel: string, fields: Record<string, string>): string {
  return fields.MsgId ? `${channel}:msg:${fields.MsgId}` : `${channel}:evt:${fields.FromUserName}:${fields.CreateTime}:${fields.Event ?? ''}`;
}

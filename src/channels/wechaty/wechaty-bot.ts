import { WechatyBuilder, types, type Message as WechatyMessage, type Wechaty, type WechatyOptions } from 'wechaty';
import type { Message } from '../../core/types';
import { moduleLogger } from '../../logger';
import type { HandleMessage } from '../channel';
import { limitText } from '../message-text';

const log = moduleLogger('wechaty');

/** A puppet instance (PuppetMock in tests), typed through wechaty's own options. */
export type WechatyPuppet = Extract<NonNullable<WechatyOptions['puppet']>, object>;

export interface WechatyBotOptions {
  /** A puppet npm name (config WECHATY_PUPPET) or a puppet instance. */
  puppet: string | WechatyPuppet;
  puppetToken?: string;
  handle: HandleMessage;
  /** At most one reply per contact in this window, so two bots can't answer each other in a loop. */
  minIntervalMs?: number;
  maxPerMinute?: number;
  now?: () => number;
}

// Wechaty replays recent history on login: anything older than this was sent before we started.
const MAX_AGE_S = 60;
const MINUTE_MS = 60_000;

/** Per-contact limit: a minimum gap between replies and a cap per rolling minute. */
function contactThrottle(minIntervalMs: number, maxPerMinute: number, now: () => number): (contactId: string) => boolean {
  const recent = new Map<string, number[]>();
  return (contactId) => {
    const t = now();
    const times = (recent.get(contactId) ?? []).filter((s) => t - s < MINUTE_MS);
    const last = times[times.length - 1];
    const allowed = times.length < maxPerMinute && (last === undefined || t - last >= minIntervalMs);
    if (allowed) times.push(t);
    // Forget contacts that have been quiet for a minute so the map doesn't grow with every sender.
    if (times.length > 0) recent.set(contactId, times);
    else recent.delete(contactId);
    return allowed;
  };
}

/** A personal WeChat account (through a wechaty puppet) as a channel of the engine. */
export function createWechatyBot(options: WechatyBotOptions): Wechaty {
  const { puppet, puppetToken, handle, minIntervalMs = 3000, maxPerMinute = 12, now = Date.now } = options;
  const allow = contactThrottle(minIntervalMs, maxPerMinute, now);

  const bot =
    typeof puppet === 'string'
      ? WechatyBuilder.build({
          name: 'beian-bot',
          // The config holds any module name; wechaty resolves it with require() and fails clearly if missing.
          puppet: puppet as Extract<WechatyOptions['puppet'], string>,
          puppetOptions: puppetToken ? { token: puppetToken } : undefined,
        })
      : WechatyBuilder.build({ name: 'beian-bot', puppet });

  async function onMessage(message: WechatyMessage): Promise<void> {
    if (message.self() || message.type() !== types.Message.Text || message.age() > MAX_AGE_S) return;
    const talker = message.talker();
    const room = message.room();
    // In a group the bot speaks only when spoken to, and the "@bot" is not part of the question.
    if (room && !(await message.mentionSelf())) return;
    const text = limitText((room ? await message.mentionText() : message.text()).trim());
    if (!text) return;
    if (!allow(talker.id)) {
      log.debug('throttled', { method: 'onMessage', contactId: talker.id });
      return;
    }
    const internal: Message = {
      userId: `wechaty:${talker.id}`,
      text,
      timestamp: message.date(),
      channel: 'wechaty',
      messageId: message.id,
    };
    const { reply } = await handle(internal);
    // A person has the user (handoff): the bot says nothing.
    if (!reply.text) return;
    if (room) await room.say(reply.text, talker);
    else await message.say(reply.text);
    log.info('replied', { method: 'onMessage', userId: internal.userId, intent: reply.intent, room: Boolean(room) });
  }

  bot.on('message', (message) => {
    // An error here must not reach wechaty: log who it was for, never what they wrote.
    onMessage(message).catch((err: unknown) => {
      log.error('message handling failed', { method: 'onMessage', contactId: safeTalkerId(message), error: describe(err) });
    });
  });
  // Errors of the bot itself are reported by whoever runs it (WechatySupervisor: one clear line,
  // throttled); an 'error' event with no listener would throw, so this one only notes it.
  bot.on('error', (err) => {
    log.debug('wechaty error', { method: 'onError', error: err instanceof Error ? err.message : String(err) });
  });
  return bot;
}

function safeTalkerId(message: WechatyMessage): string | undefined {
  try {
    return message.talker().id;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

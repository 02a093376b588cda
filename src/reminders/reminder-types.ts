import type { Lang } from '../core/types';
import type { ReminderKind } from './reminder-plan';

/**
 * How a reminder reaches a user: the channel their messages came on. `wecom_kf` (微信客服) is the
 * extension point for its own issue: no sender ships for it yet, so `canDeliver('wecom_kf')` is false
 * until a deployment passes one in `createReminders(config, { senders: { wecom_kf } })`.
 */
export const REMINDER_CHANNELS = ['webhook', 'wechat', 'wecom', 'douyin', 'wechaty', 'wecom_kf'] as const;
export type ReminderChannel = (typeof REMINDER_CHANNELS)[number];

/** A Message's `channel` -> the reminder channel: the chat platforms by name, everything else (the JSON API) the webhook. */
export function reminderChannelOf(channel: string): ReminderChannel {
  return (REMINDER_CHANNELS as readonly string[]).includes(channel) ? (channel as ReminderChannel) : 'webhook';
}

/** Recorded at scheduling time: where the reminder goes and what the platform needs to address it. */
export interface DeliveryInfo {
  channel: ReminderChannel;
  /** Douyin's IM API answers inside a conversation: the ids of the user's last message. */
  douyin?: { conversationId: string; accountOpenId: string; serverMessageId: string };
}

/** What the reminder status in state can be (api.md `state.reminder`). */
export type ReminderStatus = 'offered' | 'scheduled' | 'sent' | 'cancelled';

/**
 * The part of a user's conversation state the fire step reads. The engine's ConversationState is
 * expected to carry these fields (`handoff` and `reminder` once those features land).
 */
export interface ReminderStateView {
  stage: string;
  smsReceivedAt: string | null;
  attemptsUsed: number;
  /** The tries the rules allow (intents/rules.yaml), so a state with none left gets no reminder. */
  attemptsAllowed: number;
  lang: Lang | null;
  handoff?: { active: boolean } | null;
  reminder?: { at: string; status: ReminderStatus } | null;
}

/** One scheduled reminder, as the scheduler stores it (JSON-safe: it lives in Redis with BullMQ). */
export interface ReminderJob {
  userKey: string;
  index: number;
  kind: ReminderKind;
  /** ISO 8601: when it is due. */
  at: string;
  /** ISO 8601: the SMS time it was planned for; a different one in state means it is stale. */
  smsReceivedAt: string;
  deadline: string;
  delivery: DeliveryInfo;
  /** ISO 8601 times of every reminder planned with it, so the fire step can tell what comes next. */
  planned: string[];
}

import type { Lang } from '../core/types';
import type { DeliveryInfo } from './reminder-types';

/** What the sender may need beyond the text: the webhook posts deadline and lang, Douyin needs the conversation. */
export interface ProactiveContext {
  lang?: Lang | null;
  deadline?: Date | null;
  delivery?: DeliveryInfo;
}

/**
 * `sent`: the platform accepted it. `skipped`: deliberately not sent (a platform rule: outside the
 * 48 h window, quota used, daily limit; or not addressable). `failed`: tried and the platform or the
 * network said no. Reasons are short snake_case words: they become metric labels.
 */
export type SendResult = { status: 'sent' } | { status: 'skipped'; reason: string } | { status: 'failed'; reason: string };

/** Sends a message the user did not just ask for, on one platform. Never throws: failures are results. */
export interface ProactiveSender {
  send(userKey: string, text: string, context?: ProactiveContext): Promise<SendResult>;
}

/** The platform's id for the user: the part of the conversation key after the channel prefix ("wechat:<OpenID>"). */
export function platformUserId(userKey: string, prefix: string): string | null {
  return userKey.startsWith(`${prefix}:`) && userKey.length > prefix.length + 1 ? userKey.slice(prefix.length + 1) : null;
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

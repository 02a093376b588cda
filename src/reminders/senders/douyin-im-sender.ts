import { DouyinApiError, type DouyinApiClient } from '../../channels/douyin/douyin-api-client';
import type { ClaimStore } from '../../state/claim-store';
import { platformUserId, type ProactiveContext, type ProactiveSender, type SendResult } from '../proactive-sender';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Douyin: the IM send API, in the conversation of the user's last message (recorded at scheduling
 * time), at most one proactive message per user in any 24 h (Douyin limits what an account sends
 * unasked). The day's slot is claimed before sending, shared across instances with Redis.
 */
export class DouyinImSender implements ProactiveSender {
  constructor(
    private readonly client: Pick<DouyinApiClient, 'sendText'>,
    private readonly claims: ClaimStore,
  ) {}

  async send(userKey: string, text: string, context: ProactiveContext = {}): Promise<SendResult> {
    const openId = platformUserId(userKey, 'douyin');
    const conversation = context.delivery?.douyin;
    if (!openId || !conversation) return { status: 'skipped', reason: 'not_addressable' };
    if (!(await this.claims.claim(`douyin-proactive:${userKey}`, DAY_MS))) return { status: 'skipped', reason: 'daily_limit' };
    try {
      await this.client.sendText({
        toUserId: openId,
        fromUserId: conversation.accountOpenId,
        conversationId: conversation.conversationId,
        serverMessageId: conversation.serverMessageId,
        text,
      });
      return { status: 'sent' };
    } catch (err) {
      if (err instanceof DouyinApiError) return { status: 'failed', reason: err.code !== undefined ? `err_${err.code}` : `http_${err.status ?? 'error'}` };
      return { status: 'failed', reason: 'network' };
    }
  }
}

import { WecomApiError, type WecomApiClient } from '../../channels/wecom/wecom-api-client';
import { platformUserId, type ProactiveSender, type SendResult } from '../proactive-sender';

// WeCom's frequency limits (per app, per member): "not now", not broken.
const RATE_LIMITED = new Set([45009, 45033]);

/** WeCom app: message/send to the member (UserID from the conversation key "wecom:<UserID>"). */
export class WecomAppSender implements ProactiveSender {
  constructor(private readonly client: Pick<WecomApiClient, 'sendText'>) {}

  async send(userKey: string, text: string): Promise<SendResult> {
    const userId = platformUserId(userKey, 'wecom');
    if (!userId) return { status: 'skipped', reason: 'not_addressable' };
    try {
      await this.client.sendText(userId, text);
      return { status: 'sent' };
    } catch (err) {
      if (err instanceof WecomApiError && err.errcode !== undefined) {
        return RATE_LIMITED.has(err.errcode) ? { status: 'skipped', reason: 'rate_limited' } : { status: 'failed', reason: `errcode_${err.errcode}` };
      }
      return { status: 'failed', reason: 'network' };
    }
  }
}

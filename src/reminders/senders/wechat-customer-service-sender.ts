import { WECHAT_OUTSIDE_WINDOW, WECHAT_QUOTA_USED, WechatApiError, type WechatApiClient } from '../../channels/wechat/wechat-api-client';
import type { ServiceWindow } from '../../state/service-window';
import { platformUserId, type ProactiveSender, type SendResult } from '../proactive-sender';

/**
 * WeChat Official Account: the customer-service message API, only within the 48 h after the
 * user's last message and within the messages that message allows (the ServiceWindow, which the
 * channel feeds with every inbound message). Outside it nothing is sent.
 */
export class WechatCustomerServiceSender implements ProactiveSender {
  constructor(
    private readonly client: Pick<WechatApiClient, 'sendText'>,
    private readonly window: ServiceWindow,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(userKey: string, text: string): Promise<SendResult> {
    const openId = platformUserId(userKey, 'wechat');
    if (!openId) return { status: 'skipped', reason: 'not_addressable' };
    const decision = await this.window.tryConsume(userKey, this.now());
    if (!decision.allowed) return { status: 'skipped', reason: decision.reason };
    try {
      await this.client.sendText(openId, text);
      return { status: 'sent' };
    } catch (err) {
      if (!(err instanceof WechatApiError)) return { status: 'failed', reason: 'network' };
      if (err.errcode === WECHAT_OUTSIDE_WINDOW) return { status: 'skipped', reason: 'outside_window' };
      if (err.errcode === WECHAT_QUOTA_USED) return { status: 'skipped', reason: 'quota_exhausted' };
      return { status: 'failed', reason: `errcode_${err.errcode}` };
    }
  }
}

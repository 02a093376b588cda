import { moduleLogger } from '../../logger';
import { AccessTokenCache, TOKEN_ERRORS } from '../access-token-cache';

const log = moduleLogger('wechat-api');

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  errcode?: number;
  errmsg?: string;
}

/**
 * The WeChat Official Account server API: access_token (cached until 5 minutes before it expires,
 * one request shared by concurrent callers) and customer-service text messages, used when a reply
 * can't be given within WeChat's 5 s passive-reply window.
 */
export class WechatApiClient {
  private readonly tokens: AccessTokenCache;

  constructor(private readonly options: { appId: string; appSecret: string; baseUrl: string; fetch?: typeof fetch; now?: () => number }) {
    this.tokens = new AccessTokenCache(
      () => this.fetchToken(),
      () => this.options.now?.() ?? Date.now(),
    );
  }

  private get fetch(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  async accessToken(force = false): Promise<string> {
    return this.tokens.get(force);
  }

  private async fetchToken(): Promise<{ token: string; expiresInS?: number }> {
    const url = new URL('/cgi-bin/token', this.options.baseUrl);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.options.appId, secret: this.options.appSecret }).toString();
    const res = await this.fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as TokenResponse;
    if (!body.access_token) throw new WechatApiError('token request', body.errcode ?? res.status);
    return { token: body.access_token, expiresInS: body.expires_in };
  }

  /** Send a text through the customer-service message API (allowed within 48 h of the user's message). */
  async sendText(openId: string, content: string): Promise<void> {
    await this.post('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'text', text: { content } }, 'custom send');
  }

  /**
   * Send a menu message (msgmenu): the user taps a choice, which comes back as a text message with
   * `bizmsgmenuid` set to the choice's id. Unverified accounts get errcode 40200 (WechatApiError).
   */
  async sendMenu(openId: string, menu: { head: string; choices: { id: string; label: string }[]; tail: string }): Promise<void> {
    const msgmenu = { head_content: menu.head, list: menu.choices.map((c) => ({ id: c.id, content: c.label })), tail_content: menu.tail };
    await this.post('/cgi-bin/message/custom/send', { touser: openId, msgtype: 'msgmenu', msgmenu }, 'menu send');
  }

  /** Show "typing…" to the user for up to 15 s (customer-service API; costs none of the user's messages). */
  async typing(openId: string): Promise<void> {
    await this.post('/cgi-bin/message/custom/typing', { touser: openId, command: 'Typing' }, 'typing');
  }

  /** POST with the access token, refreshing it once if WeChat says it expired. */
  private async post(path: string, payload: unknown, what: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL(path, this.options.baseUrl);
      url.searchParams.set('access_token', token);
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { errcode?: number };
      if (!body.errcode) return;
      if (!TOKEN_ERRORS.has(body.errcode) || attempt > 0) throw new WechatApiError(what, body.errcode);
      log.warn('access token rejected, refreshing', { errcode: body.errcode });
    }
  }
}

/** errcodes of the customer-service API that mean "not now" rather than "broken": the 48 h window closed, the quota used. */
export const WECHAT_OUTSIDE_WINDOW = 45015;
export const WECHAT_QUOTA_USED = 45047;

/** WeChat refused a call; `errcode` says why (the message keeps "errcode N" for log readers). */
export class WechatApiError extends Error {
  constructor(
    what: string,
    readonly errcode: number,
  ) {
    super(`WeChat ${what} failed: errcode ${errcode}`);
    this.name = 'WechatApiError';
  }
}

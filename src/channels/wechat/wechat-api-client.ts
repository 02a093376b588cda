import { moduleLogger } from '../../logger';

const log = moduleLogger('wechat-api');

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  errcode?: number;
  errmsg?: string;
}

// access_token expired or invalid: fetch a new one and retry once.
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);

/**
 * The WeChat Official Account server API: access_token (cached until 5 minutes before it expires,
 * one request shared by concurrent callers) and customer-service text messages, used when a reply
 * can't be given within WeChat's 5 s passive-reply window.
 */
export class WechatApiClient {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(private readonly options: { appId: string; appSecret: string; baseUrl: string; fetch?: typeof fetch; now?: () => number }) {}

  private get fetch(): typeof fetch {
    return this.options.fetch ?? fetch;
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt > this.now()) return this.token.value;
    this.pending ??= this.fetchToken().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async fetchToken(): Promise<string> {
    const url = new URL('/cgi-bin/token', this.options.baseUrl);
    url.search = new URLSearchParams({ grant_type: 'client_credential', appid: this.options.appId, secret: this.options.appSecret }).toString();
    const res = await this.fetch(url, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as TokenResponse;
    if (!body.access_token) throw new Error(`WeChat token request failed: errcode ${body.errcode ?? res.status}`);
    const ttlMs = Math.max(60, (body.expires_in ?? 7200) - 300) * 1000;
    this.token = { value: body.access_token, expiresAt: this.now() + ttlMs };
    return body.access_token;
  }

  /** Send a text through the customer-service message API (allowed within 48 h of the user's message). */
  async sendText(openId: string, content: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL('/cgi-bin/message/custom/send', this.options.baseUrl);
      url.searchParams.set('access_token', token);
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ touser: openId, msgtype: 'text', text: { content } }),
        signal: AbortSignal.timeout(5000),
      });
      const body = (await res.json()) as { errcode?: number };
      if (!body.errcode) return;
      if (!TOKEN_ERRORS.has(body.errcode) || attempt > 0) throw new Error(`WeChat custom send failed: errcode ${body.errcode}`);
      log.warn('access token rejected, refreshing', { errcode: body.errcode });
    }
  }
}

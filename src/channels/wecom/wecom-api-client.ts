import { moduleLogger } from '../../logger';
import { AccessTokenCache, TOKEN_ERRORS } from '../access-token-cache';

const log = moduleLogger('wecom-api');

/** A failed WeCom API call; carries the errcode only, never the secret, the token or the text. */
export class WecomApiError extends Error {
  constructor(
    message: string,
    readonly errcode: number | undefined,
  ) {
    super(message);
    this.name = 'WecomApiError';
  }
}

export interface WecomApiClientOptions {
  corpId: string;
  /** The app's Secret (each app has its own token). */
  secret: string;
  /** The app's AgentId (message/send); unused by the 微信客服 API. */
  agentId?: number;
  /** WECOM_API_BASE, default https://qyapi.weixin.qq.com */
  baseUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

interface WecomResponse {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
  invaliduser?: string;
}

/**
 * The WeCom (企业微信) app API: gettoken (cached until 5 minutes before it expires, one request
 * shared by concurrent callers) and message/send, the app message to a member by UserID.
 */
export class WecomApiClient {
  private readonly tokens: AccessTokenCache;

  constructor(private readonly options: WecomApiClientOptions) {
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
    const url = new URL('/cgi-bin/gettoken', this.options.baseUrl);
    url.search = new URLSearchParams({ corpid: this.options.corpId, corpsecret: this.options.secret }).toString();
    const res = await this.fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
    const body = (await res.json().catch(() => ({}))) as WecomResponse;
    if (!body.access_token) throw new WecomApiError(`WeCom gettoken failed: errcode ${body.errcode ?? `HTTP ${res.status}`}`, body.errcode);
    return { token: body.access_token, expiresInS: body.expires_in };
  }

  /**
   * A POST to any WeCom API path with the access token (refreshed and retried once when WeCom
   * says it expired). Returns the body when errcode is 0; throws WecomApiError otherwise.
   */
  async call<T extends object>(path: string, payload: object): Promise<T & WecomResponse> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL(path, this.options.baseUrl);
      url.searchParams.set('access_token', token);
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const body = (await res.json().catch(() => ({}))) as T & WecomResponse;
      if (body.errcode === 0) return body;
      if (body.errcode === undefined || !TOKEN_ERRORS.has(body.errcode) || attempt > 0) {
        throw new WecomApiError(`WeCom ${path} failed: errcode ${body.errcode ?? `HTTP ${res.status}`}`, body.errcode);
      }
      log.warn('access token rejected, refreshing', { method: 'call', path, errcode: body.errcode });
    }
  }

  /** A text app message to one member (touser = their UserID). */
  async sendText(userId: string, content: string): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.accessToken(attempt > 0);
      const url = new URL('/cgi-bin/message/send', this.options.baseUrl);
      url.searchParams.set('access_token', token);
      const res = await this.fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ touser: userId, msgtype: 'text', agentid: this.options.agentId, text: { content }, safe: 0 }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      const body = (await res.json().catch(() => ({}))) as WecomResponse;
      if (body.errcode === 0) {
        // A member outside the app's visible range is reported here, with errcode 0.
        if (body.invaliduser) throw new WecomApiError('WeCom message/send: recipient invalid', 81013);
        return;
      }
      if (body.errcode === undefined || !TOKEN_ERRORS.has(body.errcode) || attempt > 0) {
        throw new WecomApiError(`WeCom message/send failed: errcode ${body.errcode ?? `HTTP ${res.status}`}`, body.errcode);
      }
      log.warn('access token rejected, refreshing', { method: 'sendText', errcode: body.errcode });
    }
  }
}

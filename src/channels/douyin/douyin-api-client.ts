import { moduleLogger } from '../../logger';

const log = moduleLogger('douyin');

export interface DouyinApiClientOptions {
  clientKey: string;
  clientSecret: string;
  /** e.g. https://open.douyin.com (config DOUYIN_API_BASE). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per request; Douyin's API normally answers within a second. */
  timeoutMs?: number;
  now?: () => number;
}

export interface DouyinSendText {
  /** The user (C side) the reply goes to: the event's from_user_id. */
  toUserId: string;
  /** The account's own open_id: the event's to_user_id. */
  fromUserId: string;
  conversationId: string;
  /** The server_message_id of the message being answered. */
  serverMessageId: string;
  text: string;
}

/** A failed Douyin API call; carries codes only, never the secret, the token or message text. */
export class DouyinApiError extends Error {
  constructor(
    message: string,
    readonly code: number | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'DouyinApiError';
  }
}

// Refresh this long before Douyin says the token expires, so a request never carries a dying token.
const REFRESH_MARGIN_MS = 5 * 60 * 1000;
// err_no for an invalid / expired access-token: refresh once and retry.
const AUTH_ERRORS = new Set([28001003, 28001008]);

interface CachedToken {
  token: string;
  refreshAt: number;
}

/** The two Douyin open-platform calls the channel needs: the client token and sending an IM text. */
export class DouyinApiClient {
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private cached: CachedToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: DouyinApiClientOptions) {
    let base = options.baseUrl;
    while (base.endsWith('/')) base = base.slice(0, -1); // linear, where /\/+$/ is quadratic on many slashes
    this.baseUrl = base;
    this.fetchFn = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** The client_credential token, cached until 5 minutes before expiry; concurrent callers share one request. */
  async clientToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return this.cached.token;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  async sendText(message: DouyinSendText): Promise<void> {
    const token = await this.clientToken();
    try {
      await this.postMessage(token, message);
    } catch (err) {
      if (!(err instanceof DouyinApiError) || !isAuthError(err)) throw err;
      log.warn('douyin token rejected, refreshing', { method: 'sendText', code: err.code, status: err.status });
      // Only drop the token that failed: a concurrent call may already have fetched a new one.
      if (this.cached?.token === token) this.cached = undefined;
      await this.postMessage(await this.clientToken(), message);
    }
  }

  private async fetchToken(): Promise<string> {
    const { status, body } = await this.post('/oauth/client_token/', {
      client_key: this.options.clientKey,
      client_secret: this.options.clientSecret,
      grant_type: 'client_credential',
    });
    const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
    const code = data ? Number(data.error_code ?? 0) : undefined;
    if (status < 200 || status >= 300 || !data || code !== 0 || typeof data.access_token !== 'string' || !data.access_token) {
      throw new DouyinApiError(`douyin client_token failed: HTTP ${status}, error_code ${code ?? 'none'}`, code, status);
    }
    const expiresInS = Number(data.expires_in);
    const lifetimeMs = Number.isFinite(expiresInS) && expiresInS > 0 ? expiresInS * 1000 : 0;
    this.cached = { token: data.access_token, refreshAt: this.now() + Math.max(0, lifetimeMs - REFRESH_MARGIN_MS) };
    log.info('douyin client token refreshed', { method: 'clientToken', expiresInS });
    return data.access_token;
  }

  private async postMessage(token: string, m: DouyinSendText): Promise<void> {
    const { status, body } = await this.post(
      `/im/send/msg/?open_id=${encodeURIComponent(m.fromUserId)}`,
      {
        msg_id: m.serverMessageId,
        conversation_id: m.conversationId,
        to_user_id: m.toUserId,
        content: { msg_type: 1, text: { text: m.text } },
      },
      { 'access-token': token },
    );
    const errNo = isRecord(body) && body.err_no !== undefined ? Number(body.err_no) : undefined;
    if (status < 200 || status >= 300 || (errNo !== undefined && errNo !== 0)) {
      throw new DouyinApiError(`douyin im/send/msg failed: HTTP ${status}, err_no ${errNo ?? 'none'}`, errNo, status);
    }
  }

  private async post(path: string, payload: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const res = await this.fetchFn(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, body };
  }
}

const isAuthError = (err: DouyinApiError) => err.status === 401 || (err.code !== undefined && AUTH_ERRORS.has(err.code));

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

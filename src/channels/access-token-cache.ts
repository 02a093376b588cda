/** Errcodes meaning the access_token expired or is invalid (WeChat and WeCom alike): refresh once, retry. */
export const TOKEN_ERRORS: ReadonlySet<number> = new Set([40001, 40014, 42001]);

export interface FetchedToken {
  token: string;
  /** Seconds the platform says the token lives (7200 when it doesn't say). */
  expiresInS?: number;
}

/**
 * A platform access_token (WeChat OA, WeCom app, WeCom kf), cached until 5 minutes before it
 * expires, with one request shared by concurrent callers: the platforms rate-limit gettoken.
 */
export class AccessTokenCache {
  private token?: { value: string; expiresAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly fetchToken: () => Promise<FetchedToken>,
    private readonly now: () => number = Date.now,
  ) {}

  async get(force = false): Promise<string> {
    if (!force && this.token && this.token.expiresAt > this.now()) return this.token.value;
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async refresh(): Promise<string> {
    const { token, expiresInS } = await this.fetchToken();
    const ttlMs = Math.max(60, (expiresInS ?? 7200) - 300) * 1000;
    this.token = { value: token, expiresAt: this.now() + ttlMs };
    return token;
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { moduleLogger } from '../../logger';
import { throttledWarning } from '../../throttled-warning';

/** What the supervisor needs of a Wechaty bot. */
export interface SupervisedBot {
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'login', listener: () => void): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface WechatySupervisorOptions<B extends SupervisedBot> {
  /** A fresh bot for each attempt (the caller attaches its own listeners). */
  create: () => B;
  /** Where the one clear line per outage goes (the terminal). */
  print: (line: string) => void;
  /** Wait before attempt n (1, 2, ...): 5 s doubling up to 5 minutes by default. */
  delayMs?: (attempt: number) => number;
  wait?: (ms: number) => Promise<void>;
}

// Errors that mean "WeChat's servers can't be reached from here", however deep the puppet wraps them.
const NETWORK = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up|timeout of \d+ms exceeded/;

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));
export const isNetworkError = (err: unknown) =>
  NETWORK.test(describe(err)) ||
  (err instanceof Error && typeof (err as { code?: unknown }).code === 'string' && NETWORK.test((err as Error & { code: string }).code));

/**
 * Runs a Wechaty bot and keeps it running. Without a network the wechat4u puppet retries at once
 * and emits an error (with a stack) on every try, hundreds a minute; here the first network error
 * stops that bot, prints one line saying what is wrong and when the next try is, waits (5 s,
 * doubling up to 5 minutes), then starts a fresh bot. Other errors are logged as one line each,
 * at most once a minute per message.
 */
export class WechatySupervisor<B extends SupervisedBot> {
  private readonly log = moduleLogger('wechaty');
  private readonly warn = throttledWarning(this.log);
  private bot?: B;
  private attempt = 0;
  private retrying = false;
  private stopped = false;

  constructor(private readonly o: WechatySupervisorOptions<B>) {}

  private delay(attempt: number): number {
    return this.o.delayMs?.(attempt) ?? Math.min(5000 * 2 ** (attempt - 1), 300_000);
  }

  /** Starts the first bot; resolves once it has started (or has failed and a retry is scheduled). */
  async start(): Promise<void> {
    const bot = this.o.create();
    this.bot = bot;
    bot.on('login', () => {
      this.attempt = 0;
    });
    bot.on('error', (err) => this.onError(bot, err));
    try {
      await bot.start();
    } catch (err) {
      this.onError(bot, err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.bot?.stop();
  }

  private onError(bot: B, err: unknown): void {
    // Errors of a bot already given up on, or while one retry is pending, add nothing.
    if (this.stopped || bot !== this.bot || this.retrying) return;
    if (!isNetworkError(err)) {
      this.warn('wechaty error', { method: 'onError', error: describe(err) });
      return;
    }
    this.retrying = true;
    this.attempt++;
    const ms = this.delay(this.attempt);
    this.o.print(`Cannot reach WeChat (${describe(err)}): is this machine online? Trying again in ${Math.round(ms / 1000)} s.`);
    void (async () => {
      await bot.stop().catch(() => undefined);
      await (this.o.wait ?? sleep)(ms);
      this.retrying = false;
      if (!this.stopped) await this.start();
    })();
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { outgoingSignatureHeaders } from '../../channels/signatures';
import { type ProactiveContext, type ProactiveSender, type SendResult } from '../proactive-sender';

export interface WebhookReminderSenderOptions {
  /** REMINDER_WEBHOOK_URL */
  url: string;
  /** REMINDER_WEBHOOK_SECRET (default WEBHOOK_SECRET); unset: the request goes unsigned. */
  secret?: string;
  /** Retries after the first attempt, on 5xx and network errors (never on 4xx). */
  retries?: number;
  /** First backoff; doubles each retry, with up to 25 % jitter. */
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
  sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Reminders for JSON API users: POST { userId, text, deadline, lang } to the deployment's receiver,
 * signed like the JSON webhook (api.md): X-Signature-Timestamp and
 * X-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>.
 */
export class WebhookReminderSender implements ProactiveSender {
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<unknown>;

  constructor(private readonly options: WebhookReminderSenderOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => sleep(ms));
  }

  async send(userKey: string, text: string, context: ProactiveContext = {}): Promise<SendResult> {
    const body = JSON.stringify({ userId: userKey, text, deadline: context.deadline ? context.deadline.toISOString() : null, lang: context.lang ?? null });
    const retries = this.options.retries ?? 3;
    let reason = 'error';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        const base = (this.options.backoffMs ?? 1000) * 2 ** (attempt - 1);
        await this.sleep(base + Math.random() * base * 0.25);
      }
      try {
        const res = await this.fetchFn(this.options.url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...outgoingSignatureHeaders(this.options.secret, body, this.options.now?.() ?? Date.now()) },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
        });
        await res.body?.cancel().catch(() => undefined);
        if (res.ok) return { status: 'sent' };
        // The receiver said the request itself is wrong (bad signature, unknown user): resending won't help.
        if (res.status < 500) return { status: 'failed', reason: 'http_4xx' };
        reason = 'http_5xx';
      } catch (err) {
        reason = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'network';
      }
    }
    return { status: 'failed', reason };
  }
}

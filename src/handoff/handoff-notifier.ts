import { setTimeout as sleep } from 'node:timers/promises';
import { outgoingSignatureHeaders } from '../channels/signatures';
import type { Config } from '../config';
import type { HandoffEvent } from '../core/dialogue-engine';
import { moduleLogger } from '../logger';
import type { Metrics } from '../metrics';
import type { ClaimStore } from '../state/claim-store';

const log = moduleLogger('handoff');

/** A notification is claimed for this long: every instance that sees the same handoff skips it. */
const CLAIM_TTL_MS = 24 * 3600_000;
/** The group robot refuses markdown content over 4,096 bytes. */
const ROBOT_MAX_BYTES = 4096;

export interface HandoffNotifierOptions {
  /** HANDOFF_WEBHOOK_URL: the handoff's case POSTed as JSON. */
  webhookUrl?: string;
  /** HANDOFF_WEBHOOK_SECRET, default WEBHOOK_SECRET; unset: unsigned. */
  webhookSecret?: string;
  /** HANDOFF_WECOM_ROBOT_KEY: the WeCom group robot's webhook key. */
  wecomRobotKey?: string;
  /** WECOM_API_BASE (the robot's host). */
  wecomApiBase: string;
  /** Shared by every instance with Redis: what makes each notification go out once. */
  claims: ClaimStore;
  metrics?: Metrics;
  retries?: number;
  backoffMs?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Target = 'webhook' | 'wecom_robot';

/**
 * Tells agents a user is waiting for them, with the case already written up: a signed JSON POST
 * and/or a markdown message to a WeCom group (how many Chinese support teams run their queue).
 * Each notification is claimed first, so it goes out once per handoff across instances. Never throws.
 */
export class HandoffNotifier {
  private readonly fetchFn: typeof fetch;

  constructor(private readonly options: HandoffNotifierOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  get configured(): boolean {
    return Boolean(this.options.webhookUrl || this.options.wecomRobotKey);
  }

  /** Sends what the event calls for; resolves when every target has been tried. */
  async notify(event: HandoffEvent): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    if (this.options.webhookUrl) jobs.push(this.once('webhook', event, () => this.postWebhook(event)));
    // The group hears of new handoffs only: an end needs no one to act.
    if (this.options.wecomRobotKey && event.kind === 'started') jobs.push(this.once('wecom_robot', event, () => this.postRobot(event)));
    await Promise.all(jobs);
  }

  private async once(target: Target, event: HandoffEvent, send: () => Promise<boolean | 'retry'>): Promise<void> {
    const key = `handoff:${target}:${event.kind}:${event.userKey}:${event.handoff.since}`;
    try {
      if (!(await this.options.claims.claim(key, CLAIM_TTL_MS))) return;
    } catch (err) {
      // Without the shared claim a second instance might send it too; one duplicate beats none.
      log.warn('handoff claim unavailable', { method: 'notify', target, error: (err as Error).message });
    }
    const ok = await this.withRetries(send);
    this.options.metrics?.handoffNotifications.inc({ target, outcome: ok ? 'sent' : 'failed' });
    if (ok) log.info('handoff notified', { method: 'notify', target, userId: event.userKey, kind: event.kind });
    else log.warn('handoff notification failed', { method: 'notify', target, userId: event.userKey, kind: event.kind });
  }

  /** Retries on 5xx and network errors with doubling backoff; a 4xx is final. */
  private async withRetries(send: () => Promise<boolean | 'retry'>): Promise<boolean> {
    const retries = this.options.retries ?? 2;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.options.backoffMs ?? 1000) * 2 ** (attempt - 1));
      const result = await send().catch(() => 'retry' as const);
      if (result !== 'retry') return result;
    }
    return false;
  }

  private async post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.fetchFn(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
  }

  private async postWebhook(event: HandoffEvent): Promise<boolean | 'retry'> {
    const body = JSON.stringify(
      event.kind === 'started'
        ? { event: 'handoff.started', userId: event.userKey, at: event.at.toISOString(), handoff: event.view }
        : {
            event: 'handoff.ended',
            userId: event.userKey,
            at: event.at.toISOString(),
            handoff: { active: false, reason: event.handoff.reason, since: event.handoff.since, by: event.handoff.by, endedBy: event.endReason },
          },
    );
    const res = await this.post(this.options.webhookUrl!, body, outgoingSignatureHeaders(this.options.webhookSecret, body));
    await res.body?.cancel().catch(() => undefined);
    if (res.ok) return true;
    return res.status >= 500 ? 'retry' : false;
  }

  private async postRobot(event: HandoffEvent): Promise<boolean | 'retry'> {
    const url = new URL('/cgi-bin/webhook/send', this.options.wecomApiBase);
    url.searchParams.set('key', this.options.wecomRobotKey!);
    const res = await this.post(url.toString(), JSON.stringify({ msgtype: 'markdown', markdown: { content: robotMarkdown(event) } }));
    if (res.status >= 500) return 'retry';
    const body = (await res.json().catch(() => ({}))) as { errcode?: number };
    // 45009: the robot's 20-a-minute limit; worth another try after the backoff.
    if (body.errcode === 45009) return 'retry';
    return body.errcode === 0;
  }
}

/** The summary as WeCom markdown: a title line, then each line quoted; cut to the robot's limit. */
export function robotMarkdown(event: HandoffEvent): string {
  const [head, ...rest] = (event.view?.summary ?? `handoff ${event.userKey}`).split('\n');
  // The user's own words must not add tags (<font>, <@userid>) or links: those characters go full-width.
  const escape = (s: string) => s.replace(/[<>[\]]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  let out = `### <font color="warning">${escape(head)}</font>\n${rest.map((l) => `> ${escape(l)}`).join('\n')}`;
  while (Buffer.byteLength(out, 'utf8') > ROBOT_MAX_BYTES) out = out.slice(0, Math.floor(out.length * 0.9));
  return out;
}

/** The notifier HANDOFF_WEBHOOK_URL / HANDOFF_WECOM_ROBOT_KEY call for; undefined when neither is set. */
export function handoffNotifierFrom(
  config: Pick<Config, 'HANDOFF_WEBHOOK_URL' | 'HANDOFF_WEBHOOK_SECRET' | 'WEBHOOK_SECRET' | 'HANDOFF_WECOM_ROBOT_KEY' | 'WECOM_API_BASE'>,
  deps: { claims: ClaimStore; metrics?: Metrics; fetch?: typeof fetch },
): HandoffNotifier | undefined {
  if (!config.HANDOFF_WEBHOOK_URL && !config.HANDOFF_WECOM_ROBOT_KEY) return undefined;
  return new HandoffNotifier({
    webhookUrl: config.HANDOFF_WEBHOOK_URL,
    webhookSecret: config.HANDOFF_WEBHOOK_SECRET ?? config.WEBHOOK_SECRET,
    wecomRobotKey: config.HANDOFF_WECOM_ROBOT_KEY,
    wecomApiBase: config.WECOM_API_BASE,
    ...deps,
  });
}

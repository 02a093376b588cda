import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What operators watch (/metrics, Prometheus text). One registry per app, so tests can build many. */
export class Metrics {
  // prom-client calls this before reading the metrics it is given to: every waiting figure goes in first.
  private readonly collect = () => this.flushPending();
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'beian_http_requests_total',
    help: 'HTTP requests by channel and status code',
    labelNames: ['channel', 'status'],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly intents = new Counter({
    name: 'beian_intents_total',
    help: 'Replies by intent id',
    labelNames: ['intent'],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly decisions = new Counter({
    name: 'beian_decisions_total',
    help: 'Turns by the dialogue policy rule that decided their intent',
    labelNames: ['decided_by'],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly fallbacks = new Counter({
    name: 'beian_fallbacks_total',
    help: 'Fallback replies by reason',
    labelNames: ['reason'],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly classification = new Histogram({
    name: 'beian_classification_seconds',
    help: 'Time to understand one message (normalize, patterns, classify)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly reply = new Histogram({
    name: 'beian_reply_seconds',
    help: 'Time for a whole turn: understand, load and save state, compose the reply',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
    collect: this.collect,
  });
  readonly storeErrors = new Counter({
    name: 'beian_store_errors_total',
    help: 'Failed state, dedup or rate-limit store operations',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'beian_rate_limited_total',
    help: 'Messages refused by a rate limit (scope: user or global)',
    labelNames: ['channel', 'scope'],
    registers: [this.registry],
  });
  readonly stateEvictions = new Counter({
    name: 'beian_state_evictions_total',
    help: 'Conversations evicted from the memory store to stay within STATE_MAX_KEYS (least recently used first)',
    registers: [this.registry],
  });
  readonly handoffsStarted = new Counter({
    name: 'beian_handoffs_started_total',
    help: 'Conversations handed to a human agent, by reason (requested, fallbacks)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly handoffsEnded = new Counter({
    name: 'beian_handoffs_ended_total',
    help: 'Handoffs that ended, by how (released by an agent, user, timeout)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly handoffDuration = new Histogram({
    name: 'beian_handoff_duration_seconds',
    help: 'How long users stayed with a human agent',
    buckets: [60, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600],
    registers: [this.registry],
  });
  readonly handoffNotifications = new Counter({
    name: 'beian_handoff_notifications_total',
    help: 'Handoff notifications to agents, by target (webhook, wecom_robot) and outcome',
    labelNames: ['target', 'outcome'],
    registers: [this.registry],
  });

  // A request's and a turn's figures (its understanding time, then its reply time, intent and rule) wait here and
  // go to prom-client in batches: when /metrics is read (the collect hooks above, so a scrape sees
  // every turn) or every FLUSH_AT entries. One call per figure into prom-client's label hashing per
  // turn cost more on a busy server than a batch does.
  private pending: Pending[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** One HTTP request answered (beian_http_requests_total). */
  requested(channel: string, status: string): void {
    this.queue({ channel, status });
  }

  /** Seconds to understand one message (beian_classification_seconds). */
  understood(seconds: number): void {
    this.queue({ classification: seconds });
  }

  /** One answered turn: beian_reply_seconds, beian_intents_total, beian_decisions_total and, for a fallback, beian_fallbacks_total. */
  answered(figures: TurnFigures): void {
    this.queue(figures);
  }

  /** Figures not yet handed to prom-client (at most a batch). */
  get waiting(): number {
    return this.pending.length;
  }

  private queue(entry: Pending): void {
    this.pending.push(entry);
    if (this.pending.length >= FLUSH_AT) this.flushPending();
  }

  flushPending(): void {
    const pending = this.pending;
    this.pending = [];
    for (const e of pending) {
      if ('classification' in e) {
        this.classification.observe(e.classification);
        continue;
      }
      if ('status' in e) {
        this.requests.inc({ channel: e.channel, status: e.status });
        continue;
      }
      this.reply.observe(e.seconds);
      this.intents.inc({ intent: e.intent });
      this.decisions.inc({ decided_by: e.decidedBy });
      if (e.fallback) this.fallbacks.inc({ reason: e.decidedBy });
    }
  }
}

const FLUSH_AT = 256;
type Pending = { classification: number } | { channel: string; status: string } | TurnFigures;

export interface TurnFigures {
  /** The whole turn, in seconds. */
  seconds: number;
  intent: string;
  decidedBy: string;
  /** The reply is the fallback (counted by its rule in beian_fallbacks_total). */
  fallback: boolean;
}

import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What operators watch (/metrics, Prometheus text). One registry per app, so tests can build many. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'beian_http_requests_total',
    help: 'HTTP requests by channel and status code',
    labelNames: ['channel', 'status'],
    registers: [this.registry],
  });
  readonly intents = new Counter({ name: 'beian_intents_total', help: 'Replies by intent id', labelNames: ['intent'], registers: [this.registry] });
  readonly decisions = new Counter({
    name: 'beian_decisions_total',
    help: 'Turns by the dialogue policy rule that decided their intent',
    labelNames: ['decided_by'],
    registers: [this.registry],
  });
  readonly fallbacks = new Counter({ name: 'beian_fallbacks_total', help: 'Fallback replies by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly classification = new Histogram({
    name: 'beian_classification_seconds',
    help: 'Time to understand one message (normalize, patterns, classify)',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });
  readonly reply = new Histogram({
    name: 'beian_reply_seconds',
    help: 'Time for a whole turn: understand, load and save state, compose the reply',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
    registers: [this.registry],
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

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

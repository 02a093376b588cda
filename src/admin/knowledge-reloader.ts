import type Redis from 'ioredis';
import type { DialogueEngine } from '../core/dialogue-engine';
import { FALLBACK } from '../core/intent-ids';
import { loadKnowledgeBase, type KnowledgeBase } from '../knowledge/knowledge-base';
import { moduleLogger } from '../logger';
import { Nlu, type NluOptions, type Parse } from '../nlu/nlu';
import { applyOverlay, emptyOverlay, questionKey, type KnowledgeOverlay, type OverlayStore } from './knowledge-overlay';

const log = moduleLogger('knowledge');

/**
 * The NLU with the questions taught from the console recognised as taught: the classifier learns
 * them as variants (so similar phrasings move too), and the very question taught always gets the
 * intent it was taught, whatever the scope detector or the margin would say.
 */
export class TaughtNlu extends Nlu {
  private readonly taught: Map<string, string>;

  constructor(kb: KnowledgeBase, options: NluOptions | undefined, overlay: KnowledgeOverlay) {
    super(kb, options);
    this.taught = new Map(overlay.variants.filter((v) => kb.intents.has(v.intent)).map((v) => [questionKey(v.text), v.intent]));
  }

  override parseMany(...args: Parameters<Nlu['parseMany']>): Parse[] {
    const parsed = super.parseMany(...args);
    if (!this.taught.size) return parsed;
    return parsed.map((p, k) => this.asTaught(args[0][k].text, p));
  }

  private asTaught(text: string, parsed: Parse): Parse {
    const intent = this.taught.get(questionKey(text));
    if (!intent) return parsed;
    if (intent === FALLBACK) return { ...parsed, intent, confidence: 1, source: 'out_of_scope', candidates: [] };
    return { ...parsed, intent, confidence: 1, source: 'classifier', candidates: parsed.candidates.filter((c) => c.intent !== intent) };
  }
}

export interface ReloadResult {
  intents: number;
  taught: number;
  ms: number;
  issues: string[];
}

export interface KnowledgeReloaderOptions {
  intentsDir: string;
  nlu?: NluOptions;
  overlay: OverlayStore;
  /** The engine around a newly built NLU (the composition root adds its stores, metrics, options). */
  buildEngine: (nlu: Nlu) => DialogueEngine;
}

/**
 * Holds the serving engine and replaces it: intents/ and the overlay are read and validated, a new
 * NLU is trained beside the old one (which keeps answering), then swapped in. A broken intents/
 * leaves the old engine serving and the error reported.
 */
export class KnowledgeReloader {
  private current?: DialogueEngine;
  private currentNlu?: Nlu;
  private issues: string[] = [];
  private running?: Promise<ReloadResult>;
  private queued?: Promise<ReloadResult>;

  constructor(private readonly options: KnowledgeReloaderOptions) {}

  get engine(): DialogueEngine | undefined {
    return this.current;
  }

  get nlu(): Nlu | undefined {
    return this.currentNlu;
  }

  /** Validation results of the last load (overlay entries skipped and why). */
  get validation(): string[] {
    return this.issues;
  }

  get overlayStore(): OverlayStore {
    return this.options.overlay;
  }

  /**
   * Rebuilds and swaps; resolves once the new engine serves. Reloads asked for while one runs are
   * folded into one more run after it, so the latest data always ends up serving.
   */
  reload(reason = 'request'): Promise<ReloadResult> {
    if (this.running) {
      this.queued ??= this.running
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          return this.reload(reason);
        });
      return this.queued;
    }
    this.running = this.build(reason).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async build(reason: string): Promise<ReloadResult> {
    const started = performance.now();
    let overlay: KnowledgeOverlay;
    try {
      overlay = await this.options.overlay.load();
    } catch (err) {
      // At start, an unreadable overlay (Redis away) must not keep the bot from answering.
      if (this.current) throw err;
      log.warn('knowledge overlay unreadable: starting without it', { where: this.options.overlay.where, error: (err as Error).message });
      overlay = emptyOverlay();
    }
    // Let waiting requests run between the steps: training takes the event loop for a while.
    await new Promise((resolve) => setImmediate(resolve));
    const base = loadKnowledgeBase(this.options.intentsDir);
    const { kb, issues } = applyOverlay(base, overlay);
    await new Promise((resolve) => setImmediate(resolve));
    const nlu = new TaughtNlu(kb, this.options.nlu, overlay);
    const engine = this.options.buildEngine(nlu);
    this.current = engine;
    this.currentNlu = nlu;
    this.issues = issues;
    const result = { intents: kb.intents.size, taught: overlay.variants.length, ms: Math.round(performance.now() - started), issues };
    log.info('knowledge loaded', { reason, model: nlu.modelSource, intents: result.intents, taught: result.taught, ms: result.ms, issues: issues.length });
    return result;
  }
}

/** Tells every instance to reload: through Redis pub/sub when configured, else only this one. */
export interface ReloadBus {
  publish(): Promise<void>;
  close(): Promise<void>;
}

export const RELOAD_CHANNEL = 'beian:knowledge:reload';

/**
 * Each instance subscribes with its own connection (a subscribed connection can do nothing else)
 * and reloads when another instance announces a change; its own announcements it ignores.
 */
export function redisReloadBus(redis: Redis, onReload: () => void): ReloadBus {
  const id = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const sub = redis.duplicate();
  sub.on('error', (err: Error) => log.warn('reload subscription error', { error: err.message }));
  sub.on('message', (_channel: string, from: string) => {
    if (from !== id) onReload();
  });
  sub.subscribe(RELOAD_CHANNEL).catch((err: Error) => log.warn('reload subscription failed', { error: err.message }));
  return {
    publish: async () => {
      await redis.publish(RELOAD_CHANNEL, id);
    },
    close: async () => {
      sub.disconnect();
    },
  };
}

export const localReloadBus: ReloadBus = { publish: async () => undefined, close: async () => undefined };

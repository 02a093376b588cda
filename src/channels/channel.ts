import type { Router } from 'express';
import type { Config } from '../config';
import type { DialogueEngine, EngineResult } from '../core/dialogue-engine';
import type { Message } from '../core/types';
import type { ConversationStore } from '../state/conversation-store';
import type { CursorStore } from '../state/cursor-store';
import type { IdempotencyStore } from '../state/idempotency-store';
import type { ServiceWindow } from '../state/service-window';
import type { RateLimitResult } from '../state/rate-limiter';
import type { DouyinApiClient } from './douyin/douyin-api-client';
import type { WechatApiClient } from './wechat/wechat-api-client';

export interface HandleOptions {
  /** Over the rate limit, throw RateLimitedError (the JSON API answers 429) instead of replying politely. */
  refuseWhenLimited?: boolean;
  /** The channel label of the rate-limit metric (default: the message's channel). */
  metricChannel?: string;
}

/**
 * What every channel calls: the engine's turn for one internal Message, with what applies to every
 * channel around it (rate limits, metrics, the unanswered log), like middleware on an adapter.
 */
export type HandleMessage = (message: Message, options?: HandleOptions) => Promise<EngineResult>;

/** Thrown by HandleMessage with `refuseWhenLimited` when the user or the deployment is over its budget. */
export class RateLimitedError extends Error {
  constructor(readonly limit: RateLimitResult) {
    super('rate limited');
    this.name = 'RateLimitedError';
  }
}

/** What the app gives every channel when it mounts it. */
export interface ChannelDeps {
  config: Config;
  handle: HandleMessage;
  /** The engine once trained (the app mounts channels behind a readiness check). */
  engine: () => DialogueEngine;
  store: ConversationStore;
  idempotency: IdempotencyStore;
  cursors: CursorStore;
  /** Bilingual canned text from intents/_dialogue.yaml. */
  phrase: (key: string) => string;
  /** WeChat's customer-service window (48 h, 5 messages per user message), shared with the reminders. */
  serviceWindow?: ServiceWindow;
  /** Tests point platform API clients at local fakes and wait on background work. */
  wechatApi?: WechatApiClient;
  douyinApi?: DouyinApiClient;
  onDouyinProcessed?: (work: Promise<void>) => void;
  onWecomKfProcessed?: (work: Promise<void>) => void;
  /** After DELETE /api/v1/conversations/:userId: cancels the user's reminders (never throws). */
  onForget?: (userId: string) => Promise<unknown>;
}

/**
 * One channel: a name, whether the deployment configured it, and its router (mounted at `path`).
 * Adding a platform is one folder exporting one of these and one entry in the app's list.
 */
export interface ChannelModule {
  name: string;
  path: string;
  isConfigured(config: Config): boolean;
  mount(deps: ChannelDeps): Router;
}

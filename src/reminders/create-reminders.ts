import type { Registry } from 'prom-client';
import { DouyinApiClient } from '../channels/douyin/douyin-api-client';
import { WechatApiClient } from '../channels/wechat/wechat-api-client';
import { WecomApiClient } from '../channels/wecom/wecom-api-client';
import type { Config } from '../config';
import { moduleLogger } from '../logger';
import { MemoryClaimStore, type ClaimStore } from '../state/claim-store';
import { RedisClaimStore } from '../state/redis-claim-store';
import { newRedisClient } from '../state/redis-client';
import { RedisServiceWindow } from '../state/redis-service-window';
import { MemoryServiceWindow, type ServiceWindow } from '../state/service-window';
import type * as BullmqModule from './bullmq-reminder-scheduler';
import { createReminderFirer, type FireOutcome, type FireReminderDeps } from './fire-reminder';
import { InProcessReminderScheduler } from './in-process-reminder-scheduler';
import { describeError, type ProactiveSender } from './proactive-sender';
import { ReminderMetrics } from './reminder-metrics';
import { planReminders, type PlannedReminder } from './reminder-plan';
import type { ReminderScheduler } from './reminder-scheduler';
import type { DeliveryInfo, ReminderChannel, ReminderJob } from './reminder-types';
import { DouyinImSender } from './senders/douyin-im-sender';
import { WebhookReminderSender } from './senders/webhook-reminder-sender';
import { WechatCustomerServiceSender } from './senders/wechat-customer-service-sender';
import { WechatySender, type SayToContact } from './senders/wechaty-sender';
import { WecomAppSender } from './senders/wecom-app-sender';

const log = moduleLogger('reminders');

export type RemindersConfig = Pick<
  Config,
  | 'REDIS_URL'
  | 'REMINDERS'
  | 'REMINDER_BEFORE'
  | 'REMINDER_AT_RESEND'
  | 'REMINDER_QUIET_HOURS'
  | 'REMINDER_WEBHOOK_URL'
  | 'REMINDER_WEBHOOK_SECRET'
  | 'REMINDER_WEBHOOK_RETRIES'
  | 'WEBHOOK_SECRET'
  | 'WECHAT_APPID'
  | 'WECHAT_APP_SECRET'
  | 'WECHAT_API_BASE'
  | 'WECOM_CORP_ID'
  | 'WECOM_SECRET'
  | 'WECOM_AGENT_ID'
  | 'WECOM_API_BASE'
  | 'DOUYIN_CLIENT_KEY'
  | 'DOUYIN_CLIENT_SECRET'
  | 'DOUYIN_API_BASE'
>;

export interface RemindersDeps {
  loadState: FireReminderDeps['loadState'];
  renderReminder: FireReminderDeps['renderReminder'];
  saveReminderStatus: FireReminderDeps['saveReminderStatus'];
  /** The app's metrics registry (Metrics.registry). */
  registry: Registry;
  /** The wechaty runner's `contact.say` (wechatyContactSay(bot)); only that process delivers wechaty reminders. */
  wechatySay?: SayToContact;
  /** Senders added or replaced: `wecom_kf` (微信客服) when its issue lands, fakes in tests. */
  senders?: Partial<Record<ReminderChannel, ProactiveSender>>;
  /** The channel clients, when the app already has them (shared token caches). */
  wechatClient?: Pick<WechatApiClient, 'sendText'>;
  douyinClient?: Pick<DouyinApiClient, 'sendText'>;
  wecomClient?: Pick<WecomApiClient, 'sendText'>;
  /** Shared stores; by default Redis ones with REDIS_URL, else in memory. */
  serviceWindow?: ServiceWindow;
  claims?: ClaimStore;
  /** false: schedule and list only, no worker fires anything here (the CLI). */
  worker?: boolean;
  /** Redis key prefix of the BullMQ queues (tests). */
  queuePrefix?: string;
  fetch?: typeof fetch;
  now?: () => Date;
}

export type ScheduleOutcome =
  { status: 'scheduled'; at: string; jobs: ReminderJob[] } | { status: 'not_scheduled'; reason: 'off' | 'no_sender' | 'nothing_due' | 'error' };

/** What the dialogue engine uses: plan, schedule, cancel; the rest is wiring. */
export interface Reminders {
  readonly mode: Config['REMINDERS'];
  readonly scheduler: ReminderScheduler;
  /** WeChat's 48 h / 5 messages window: the channel records each inbound message here. */
  readonly serviceWindow: ServiceWindow;
  /** Whether this instance has a sender for the channel (offer a reminder only then). */
  canDeliver(channel: ReminderChannel): boolean;
  /** The reminder times for an SMS time, now (the server clock) by default. */
  plan(smsReceivedAt: Date, now?: Date): PlannedReminder[];
  /** Plans and schedules, replacing the user's pending reminders; never throws. */
  scheduleFor(userKey: string, request: { smsReceivedAt: Date; delivery: DeliveryInfo }): Promise<ScheduleOutcome>;
  /** Removes the user's pending reminders (verified, reviewed, forget-me, handoff, opt-out); never throws. */
  cancel(userKey: string): Promise<number>;
  /** Every inbound message on a channel with a service window opens it (a no-op elsewhere). */
  recordInbound(userKey: string, channel: ReminderChannel, at: Date): Promise<void>;
  /** The fire step the scheduler runs when a reminder is due (exposed for tests and tools). */
  fire(job: ReminderJob): Promise<FireOutcome>;
  close(): Promise<void>;
}

function buildSenders(
  config: RemindersConfig,
  deps: RemindersDeps,
  window: ServiceWindow,
  claims: ClaimStore,
): Partial<Record<ReminderChannel, ProactiveSender>> {
  const senders: Partial<Record<ReminderChannel, ProactiveSender>> = {};
  if (config.REMINDER_WEBHOOK_URL) {
    const secret = config.REMINDER_WEBHOOK_SECRET ?? config.WEBHOOK_SECRET;
    if (!secret) log.warn('REMINDER_WEBHOOK_URL set without REMINDER_WEBHOOK_SECRET or WEBHOOK_SECRET: reminders are posted unsigned');
    senders.webhook = new WebhookReminderSender({ url: config.REMINDER_WEBHOOK_URL, secret, retries: config.REMINDER_WEBHOOK_RETRIES, fetch: deps.fetch });
  }
  const wechat =
    deps.wechatClient ??
    (config.WECHAT_APPID && config.WECHAT_APP_SECRET
      ? new WechatApiClient({ appId: config.WECHAT_APPID, appSecret: config.WECHAT_APP_SECRET, baseUrl: config.WECHAT_API_BASE, fetch: deps.fetch })
      : undefined);
  if (wechat) senders.wechat = new WechatCustomerServiceSender(wechat, window, deps.now);
  const wecom =
    deps.wecomClient ??
    (config.WECOM_CORP_ID && config.WECOM_SECRET && config.WECOM_AGENT_ID
      ? new WecomApiClient({
          corpId: config.WECOM_CORP_ID,
          secret: config.WECOM_SECRET,
          agentId: config.WECOM_AGENT_ID,
          baseUrl: config.WECOM_API_BASE,
          fetch: deps.fetch,
        })
      : undefined);
  if (wecom) senders.wecom = new WecomAppSender(wecom);
  const douyin =
    deps.douyinClient ??
    (config.DOUYIN_CLIENT_KEY && config.DOUYIN_CLIENT_SECRET
      ? new DouyinApiClient({
          clientKey: config.DOUYIN_CLIENT_KEY,
          clientSecret: config.DOUYIN_CLIENT_SECRET,
          baseUrl: config.DOUYIN_API_BASE,
          fetch: deps.fetch,
        })
      : undefined);
  if (douyin) senders.douyin = new DouyinImSender(douyin, claims);
  if (deps.wechatySay) senders.wechaty = new WechatySender(deps.wechatySay);
  // wecom_kf (微信客服): no built-in sender yet; its issue passes one through deps.senders.
  return { ...senders, ...deps.senders };
}

// bullmq takes ~0.2 s to load: only deployments with Redis pay for it.
function loadBullmq(): typeof BullmqModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./bullmq-reminder-scheduler') as typeof BullmqModule;
}

/**
 * The reminder machinery of one instance: BullMQ on Redis when REDIS_URL is set (shared, survives
 * restarts, a worker here), else in-process timers (lost on restart). REMINDERS=off schedules nothing.
 */
export function createReminders(config: RemindersConfig, deps: RemindersDeps): Reminders {
  const now = deps.now ?? (() => new Date());
  const metrics = new ReminderMetrics(deps.registry);
  // Claims and windows are checked in the message path: fail fast while Redis is away.
  const redis = config.REDIS_URL ? newRedisClient(config.REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 2000 }) : undefined;
  redis?.on('error', (err: Error) => log.debug('reminder redis error', { error: err.message }));
  const claims = deps.claims ?? (redis ? new RedisClaimStore(redis) : new MemoryClaimStore());
  const serviceWindow = deps.serviceWindow ?? (redis ? new RedisServiceWindow(redis) : new MemoryServiceWindow());
  const senders = buildSenders(config, deps, serviceWindow, claims);
  const fire = createReminderFirer({ ...deps, senders, claims, metrics, now });
  const settings = { before: config.REMINDER_BEFORE, atResend: config.REMINDER_AT_RESEND, quietHours: config.REMINDER_QUIET_HOURS };
  const working = deps.worker !== false && config.REMINDERS !== 'off';
  const channels = Object.keys(senders) as ReminderChannel[];
  const scheduler: ReminderScheduler = config.REDIS_URL
    ? new (loadBullmq().BullmqReminderScheduler)({ redisUrl: config.REDIS_URL, onDue: working ? fire : undefined, channels, prefix: deps.queuePrefix })
    : new InProcessReminderScheduler(fire, () => now().getTime());
  log.info('reminders ready', { mode: config.REMINDERS, scheduler: scheduler.kind, channels });

  const plan = (smsReceivedAt: Date, at: Date = now()) => planReminders(smsReceivedAt, at, settings);
  return {
    mode: config.REMINDERS,
    scheduler,
    serviceWindow,
    canDeliver: (channel) => Boolean(senders[channel]),
    plan,
    async scheduleFor(userKey, { smsReceivedAt, delivery }) {
      if (config.REMINDERS === 'off') return { status: 'not_scheduled', reason: 'off' };
      if (!senders[delivery.channel]) return { status: 'not_scheduled', reason: 'no_sender' };
      try {
        const planned = plan(smsReceivedAt);
        if (!planned.length) {
          await scheduler.cancel(userKey);
          return { status: 'not_scheduled', reason: 'nothing_due' };
        }
        const jobs = await scheduler.schedule(userKey, { smsReceivedAt, plan: planned, delivery });
        metrics.scheduled.inc({ channel: delivery.channel }, jobs.length);
        log.info('reminders scheduled', { method: 'scheduleFor', userKey, channel: delivery.channel, at: jobs.map((j) => j.at) });
        return { status: 'scheduled', at: jobs[0].at, jobs };
      } catch (err) {
        log.warn('reminder not scheduled', { method: 'scheduleFor', userKey, error: describeError(err) });
        return { status: 'not_scheduled', reason: 'error' };
      }
    },
    async cancel(userKey) {
      try {
        const removed = await scheduler.cancel(userKey);
        if (removed) {
          metrics.cancelled.inc(removed);
          log.info('reminders cancelled', { method: 'cancel', userKey, removed });
        }
        return removed;
      } catch (err) {
        // The fire step re-reads the state, so a reminder that survives this still won't go out.
        log.warn('reminder not cancelled', { method: 'cancel', userKey, error: describeError(err) });
        return 0;
      }
    },
    async recordInbound(userKey, channel, at) {
      if (channel !== 'wechat') return;
      await serviceWindow.recordInbound(userKey, at).catch((err: unknown) => {
        log.warn('service window not recorded', { method: 'recordInbound', userKey, error: describeError(err) });
      });
    },
    fire,
    async close() {
      await scheduler.close();
      if (!deps.claims) await claims.close();
      if (!deps.serviceWindow) await serviceWindow.close();
      await redis?.quit().catch(() => undefined);
    },
  };
}

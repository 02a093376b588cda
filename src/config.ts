import path from 'node:path';
import { z } from 'zod';
import { parseServiceHours } from './handoff/service-hours';
import { parseQuietHours, parseReminderOffsets } from './reminders/reminder-settings';

/** The confidence threshold and margin when the environment sets none (also Nlu's defaults). */
export const NLU_DEFAULTS = { threshold: 0.35, margin: 0.03 };

// An unset key and an empty one (KEY= in a .env file) both mean "not configured".
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());

// Read once from the environment; every key is documented in .env.example.
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly']).default('info'),
  INTENTS_DIR: z.string().default(path.resolve(__dirname, '..', 'intents')),
  // Below this top-1 confidence, or with the top two closer than the margin, the reply is fallback.
  NLU_CONFIDENCE_THRESHOLD: z.coerce.number().min(0).max(1).default(NLU_DEFAULTS.threshold),
  NLU_MARGIN: z.coerce.number().min(0).max(1).default(NLU_DEFAULTS.margin),
  STATE_TTL_S: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /** Without Redis: at most this many users' state in memory, the least recently active evicted first (0 = no limit). */
  STATE_MAX_KEYS: z.coerce.number().int().min(0).default(100_000),
  /** When set (redis://host:6379/0), state, dedup keys and rate-limit counters live in Redis. */
  REDIS_URL: optional,
  /** Messages per user per minute; more get 429 on the JSON API and a polite text on chat channels. */
  RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(30),
  /**
   * Messages per second across all users (the deployment's, through Redis; else this instance's);
   * 429 / a polite text beyond. Callers choose user ids, so the per-user limit alone bounds nothing. 0 = off.
   */
  RATE_LIMIT_GLOBAL_PER_S: z.coerce.number().int().min(0).default(0),
  /** Where unanswered questions are counted without Redis (with REDIS_URL they go to Redis). */
  UNANSWERED_LOG: z.string().default('data/unanswered.jsonl'),
  /** The unanswered log file is rotated to <file>.1 at this size (so at most about twice this on disk). */
  UNANSWERED_LOG_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(5 * 1024 * 1024),
  /** With Redis, the unanswered counts keep the this many most frequent questions. */
  UNANSWERED_MAX_QUESTIONS: z.coerce.number().int().positive().default(10_000),
  /** When set, every /api/v1 request needs Authorization: Bearer <token>. */
  API_TOKEN: optional,
  BODY_LIMIT: z.string().default('64kb'),
  /** Turns on the console (/console) and the admin API (/api/v1/admin); API_TOKEN does too when this is unset. */
  CONSOLE_TOKEN: optional,
  /** Questions taught from the console, as a reviewable YAML file (in Redis instead when REDIS_URL is set). */
  KNOWLEDGE_OVERLAY: z.string().default('data/knowledge-overlay.yaml'),

  // Channels: each starts only when its keys are set.
  /** When set, POST /api/v1/messages needs X-Signature-Timestamp and X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>." + body>. */
  WEBHOOK_SECRET: optional,
  /** Reject signed requests (JSON webhook, platform callbacks) whose timestamp is further than this from now (0 = off). */
  WEBHOOK_MAX_SKEW_S: z.coerce.number().int().min(0).default(300),
  WECHAT_TOKEN: optional,
  WECHAT_APPID: optional,
  WECHAT_APP_SECRET: optional,
  WECHAT_ENCODING_AES_KEY: optional,
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  /** WeChat gives up after 5 s: past this, answer "success" and send the reply via the customer-service API. */
  WECHAT_REPLY_TIMEOUT_MS: z.coerce.number().int().positive().default(4500),
  /** With the AppSecret: a reply not ready after this long shows "typing…" first (0: never). */
  WECHAT_TYPING_AFTER_MS: z.coerce.number().int().nonnegative().default(1500),
  WECOM_TOKEN: optional,
  WECOM_CORP_ID: optional,
  WECOM_ENCODING_AES_KEY: optional,
  /** WeCom 微信客服 at /wecom-kf: the corp, the 微信客服 Secret, the callback's Token and EncodingAESKey. */
  WECOM_KF_CORP_ID: optional,
  WECOM_KF_SECRET: optional,
  WECOM_KF_TOKEN: optional,
  WECOM_KF_ENCODING_AES_KEY: optional,
  /** A handed-over kf user goes to this servicer (service_state 3); unset: the queue (service_state 2). */
  WECOM_KF_SERVICER_USERID: optional,
  DOUYIN_CLIENT_KEY: optional,
  DOUYIN_CLIENT_SECRET: optional,
  DOUYIN_API_BASE: z.string().url().default('https://open.douyin.com'),
  WECHATY_PUPPET: z.string().default('wechaty-puppet-wechat4u'),
  WECHATY_PUPPET_TOKEN: optional,

  // Deadline reminders (src/reminders/).
  /** offer: offered, scheduled when the user accepts; always: scheduled without asking; off. */
  REMINDERS: z.enum(['offer', 'always', 'off']).default('offer'),
  /** Durations before the deadline (2h, 90m, 30s, 1h30m; a list like 6h,1h sends several), parsed to ms. */
  REMINDER_BEFORE: z.preprocess((v) => (v === '' ? undefined : v), z.string().default('2h')).transform(parsedWith(parseReminderOffsets)),
  /** Also remind at MIIT's automatic resend, 12 h after the SMS, if still unverified. */
  REMINDER_AT_RESEND: flag(false),
  /** Beijing-time range with no reminders (moved earlier); empty: none. */
  REMINDER_QUIET_HOURS: z.string().default('23:00-07:00').transform(parsedWith(parseQuietHours)),
  /** Where JSON API users' reminders are POSTed; unset: they get none. */
  REMINDER_WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** Signs reminder POSTs; default WEBHOOK_SECRET. */
  REMINDER_WEBHOOK_SECRET: optional,
  /** Retries of a reminder POST after a 5xx or network error (backoff 1 s, 2 s, 4 s, ...). */
  REMINDER_WEBHOOK_RETRIES: z.coerce.number().int().min(0).max(10).default(3),
  /** WeCom app send API (reminders): the app's Secret and AgentId, with WECOM_CORP_ID. */
  WECOM_SECRET: optional,
  WECOM_AGENT_ID: z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().int().positive().optional()),
  WECOM_API_BASE: z.string().url().default('https://qyapi.weixin.qq.com'),

  // Handoff to a human agent (src/handoff/).
  /** On chat.human and after HANDOFF_AFTER_FALLBACKS fallbacks the bot steps back for a person; off: chat.human gets a static text. */
  HANDOFF_ENABLED: flag(true),
  /** Consecutive fallbacks that hand the user over (0 = never). */
  HANDOFF_AFTER_FALLBACKS: z.coerce.number().int().min(0).default(2),
  /** A handoff with no message from the user for this long ends; the bot answers again. */
  HANDOFF_TIMEOUT_MIN: z.coerce.number().positive().default(30),
  /** When agents answer, Beijing time ("Mon-Fri 09:00-18:00; Sat 10:00-16:00"); unset: always staffed. */
  HANDOFF_HOURS: z
    .preprocess((v) => (v === '' ? undefined : v), z.string().optional())
    .transform((v, ctx) => (v === undefined ? undefined : parsedWith(parseServiceHours)(v, ctx))),
  /** The language of the case summary agents read. */
  HANDOFF_LANG: z.enum(['zh-Hans', 'zh-Hant', 'en']).default('zh-Hans'),
  /** Agents are notified of each handoff here (POST JSON, signed like the JSON webhook). */
  HANDOFF_WEBHOOK_URL: z.preprocess((v) => (v === '' ? undefined : v), z.string().url().optional()),
  /** Signs handoff POSTs; default WEBHOOK_SECRET. */
  HANDOFF_WEBHOOK_SECRET: optional,
  /** A WeCom group robot (群机器人) webhook key: each handoff is posted to that group as markdown. */
  HANDOFF_WECOM_ROBOT_KEY: optional,
  /** WeChat OA: hand users to this customer-service account (TransInfo/KfAccount, "kf2001@gh_xxx"); unset: any. */
  WECHAT_KF_ACCOUNT: optional,
});

/** A zod transform that runs a parser and turns its error into a config issue naming the value. */
function parsedWith<T>(parse: (text: string) => T) {
  return (value: string, ctx: z.RefinementCtx): T => {
    try {
      return parse(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
      return z.NEVER;
    }
  };
}

/** true / false (also 1 / 0, yes / no, on / off); unset or empty: the default. */
function flag(defaultValue: boolean) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toLowerCase() || undefined : v),
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
      .optional()
      .transform((v) => (v === undefined ? defaultValue : ['true', '1', 'yes', 'on'].includes(v))),
  );
}

export type Config = z.infer<typeof schema>;

// Secure mode needs the AppID to decrypt; with the key alone the channel would have to accept
// plaintext, which the key is there to prevent.
const checked = schema.refine((c) => !c.WECHAT_ENCODING_AES_KEY || c.WECHAT_APPID, {
  path: ['WECHAT_APPID'],
  message: 'required when WECHAT_ENCODING_AES_KEY is set (secure mode decrypts with it)',
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = checked.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  return parsed.data;
}

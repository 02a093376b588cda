import type Redis from 'ioredis';
import { WECHAT_SERVICE_WINDOW, type ServiceWindow, type ServiceWindowDecision, type ServiceWindowRules } from './service-window';

// Both in Lua so a check and its decrement are one step: two instances can't both take the last message.
const RECORD = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
if at and at >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'left', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]))
return 1`;
// Up to ARGV[3] messages (0 to peek): how many were granted (or are left), -1 outside the window.
const TAKE = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local now = tonumber(ARGV[1])
if not at or now - at >= tonumber(ARGV[2]) or now < at then return -1 end
local left = tonumber(redis.call('HGET', KEYS[1], 'left')) or 0
if left < 0 then left = 0 end
local wanted = tonumber(ARGV[3])
if wanted == 0 then return left end
local granted = math.min(wanted, left)
if granted > 0 then redis.call('HINCRBY', KEYS[1], 'left', -granted) end
return granted`;

/** Service windows shared by every instance (a message on one, a reminder sent by another). */
export class RedisServiceWindow implements ServiceWindow {
  constructor(
    private readonly redis: Redis,
    private readonly rules: ServiceWindowRules = WECHAT_SERVICE_WINDOW,
    private readonly prefix = 'beian:svcwin:',
  ) {}

  async recordInbound(userKey: string, at: Date): Promise<void> {
    await this.redis.eval(RECORD, 1, this.prefix + userKey, at.getTime(), this.rules.messagesPerInbound, this.rules.windowMs);
  }

  async tryConsume(userKey: string, now: Date): Promise<ServiceWindowDecision> {
    const granted = await this.grant(userKey, now, 1);
    if (granted > 0) return { allowed: true };
    return { allowed: false, reason: granted < 0 ? 'outside_window' : 'quota_exhausted' };
  }

  async remaining(userKey: string, now: Date): Promise<number> {
    return Math.max(0, await this.grant(userKey, now, 0));
  }

  async take(userKey: string, now: Date, wanted: number): Promise<number> {
    return wanted <= 0 ? 0 : Math.max(0, await this.grant(userKey, now, Math.floor(wanted)));
  }

  private async grant(userKey: string, now: Date, wanted: number): Promise<number> {
    return Number(await this.redis.eval(TAKE, 1, this.prefix + userKey, now.getTime(), this.rules.windowMs, wanted));
  }

  async close(): Promise<void> {}
}

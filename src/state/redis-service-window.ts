import type Redis from 'ioredis';
import { WECHAT_SERVICE_WINDOW, type ServiceWindow, type ServiceWindowDecision, type ServiceWindowRules } from './service-window';

// Both in Lua so a check and its decrement are one step: two instances can't both take the last message.
const RECORD = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
if at and at >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'at', ARGV[1], 'left', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[3]))
return 1`;
const CONSUME = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local now = tonumber(ARGV[1])
if not at or now - at >= tonumber(ARGV[2]) or now < at then return 'outside_window' end
local left = tonumber(redis.call('HGET', KEYS[1], 'left'))
if not left or left <= 0 then return 'quota_exhausted' end
redis.call('HINCRBY', KEYS[1], 'left', -1)
return 'ok'`;
// Up to ARGV[3] messages (0 to peek): returns how many the window still has, or granted.
const TAKE = `
local at = tonumber(redis.call('HGET', KEYS[1], 'at'))
local now = tonumber(ARGV[1])
if not at or now - at >= tonumber(ARGV[2]) or now < at then return 0 end
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
    const result = await this.redis.eval(CONSUME, 1, this.prefix + userKey, now.getTime(), this.rules.windowMs);
    if (result === 'ok') return { allowed: true };
    return { allowed: false, reason: result === 'quota_exhausted' ? 'quota_exhausted' : 'outside_window' };
  }

  async remaining(userKey: string, now: Date): Promise<number> {
    return Number(await this.redis.eval(TAKE, 1, this.prefix + userKey, now.getTime(), this.rules.windowMs, 0));
  }

  async take(userKey: string, now: Date, wanted: number): Promise<number> {
    if (wanted <= 0) return 0;
    return Number(await this.redis.eval(TAKE, 1, this.prefix + userKey, now.getTime(), this.rules.windowMs, Math.floor(wanted)));
  }

  async close(): Promise<void> {}
}

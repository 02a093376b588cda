import type { Config } from '../config';
import { moduleLogger } from '../logger';
import { newRedisClient } from '../state/redis-client';
import { throttledWarning } from '../throttled-warning';
import { FileOverlayStore, RedisOverlayStore, type OverlayStore } from './knowledge-overlay';
import { localReloadBus, redisReloadBus, type ReloadBus } from './knowledge-reloader';
import { MemoryTurnStats, RedisTurnStats, type TurnStats } from './turn-stats';

const log = moduleLogger('admin');

export interface AdminBackends {
  overlay: OverlayStore;
  stats: TurnStats;
  /** Announces reloads to the other instances; `onReload` runs when another one announces. */
  bus(onReload: () => void): ReloadBus;
  close(): Promise<void>;
}

/** The overlay, the daily counters and the reload announcements: in Redis when REDIS_URL is set, else local. */
export function createAdminBackends(config: Pick<Config, 'REDIS_URL' | 'KNOWLEDGE_OVERLAY'>): AdminBackends {
  if (!config.REDIS_URL) {
    return { overlay: new FileOverlayStore(config.KNOWLEDGE_OVERLAY), stats: new MemoryTurnStats(), bus: () => localReloadBus, close: async () => undefined };
  }
  // Unlike the per-message stores, these few commands (start-up, teaching) may wait for the connection.
  const redis = newRedisClient(config.REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 2000, connectTimeout: 2000 });
  const warn = throttledWarning(log, 10_000);
  redis.on('error', (err: Error) => warn('redis error (admin)', { error: err.message }));
  const buses: ReloadBus[] = [];
  return {
    overlay: new RedisOverlayStore(redis),
    stats: new RedisTurnStats(redis),
    bus: (onReload) => {
      const bus = redisReloadBus(redis, onReload);
      buses.push(bus);
      return bus;
    },
    close: async () => {
      await Promise.all(buses.map((b) => b.close()));
      redis.disconnect();
    },
  };
}

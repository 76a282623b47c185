import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * A Redis connection for BullMQ. Workers need `maxRetriesPerRequest: null` (a blocking command
 * must wait out a Redis restart); producers fail fast instead (`enableOfflineQueue: false`), since
 * anything they could not queue is rebuilt from SQLite by the reconciler.
 */
export function redisConnection(url: string, role: 'worker' | 'producer', log: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
    // Reconnect forever, with a growing delay (Redis down must not stop the intake).
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 8), 10_000),
    lazyConnect: false,
  });
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) log.warn({ event: 'redis.error', role, err: err.message }, 'Redis connection problem');
    down = true;
  });
  redis.on('ready', () => {
    if (down) log.info({ event: 'redis.ready', role }, 'Redis connection back');
    down = false;
  });
  return redis;
}

/** BullMQ needs `maxmemory-policy noeviction`: with eviction, Redis may silently drop jobs. */
export async function checkEvictionPolicy(redis: Redis, log: Logger): Promise<void> {
  try {
    const res = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = res[1];
    if (policy && policy !== 'noeviction')
      log.warn(
        { event: 'redis.eviction-policy', policy },
        `Redis maxmemory-policy is ${policy}; set it to noeviction, or jobs may be lost (they are rebuilt from SQLite)`,
      );
  } catch {
    // CONFIG may be disabled (managed Redis): nothing to check.
  }
}

import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Quotas } from '../../app/ports';

/**
 * Quotas in Redis, shared by every instance: requests per second with rate-limiter-flexible (a fixed one-second
 * window per partner), rows per day as a counter per partner and day that expires two days later.
 */
export function createRedisQuotas(redis: Redis, keyPrefix: string): Quotas {
  const limiters = new Map<number, RateLimiterRedis>();
  const limiter = (points: number): RateLimiterRedis => {
    let found = limiters.get(points);
    if (!found) {
      found = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}rps:${points}`, points, duration: 1 });
      limiters.set(points, found);
    }
    return found;
  };
  const rowsKey = (partnerId: string, day: string): string => `${keyPrefix}rows:${partnerId}:${day}`;
  return {
    takeRequest: async (partnerId, policy) => {
      try {
        await limiter(policy.requestsPerSecond).consume(partnerId, 1);
        return { allowed: true, retryAfterSeconds: 0 };
      } catch (error) {
        if (error instanceof RateLimiterRes) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        throw error;
      }
    },
    rowsUsed: async (partnerId, day) => Number((await redis.get(rowsKey(partnerId, day))) ?? 0),
    addRows: async (partnerId, day, rows) => {
      await redis.multi().incrby(rowsKey(partnerId, day), rows).expire(rowsKey(partnerId, day), 2 * 86_400).exec();
    },
  };
}

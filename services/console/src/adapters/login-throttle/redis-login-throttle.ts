import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { LoginThrottle, LoginThrottleLimits } from '../../app/ports';

export interface RedisLoginThrottleOptions extends LoginThrottleLimits {
  redis: Pick<Redis, 'eval' | 'hmget' | 'del'>;
  /** Prefix of the console's keys; a pair's failures are `<prefix>login-failures:<sha256>`. */
  prefix: string;
  now?: () => number;
}

/**
 * One failure counted in one step: a window older than `windowMs` (by the console's clock, which tests pin) starts
 * again, and the key expires with its window so Redis drops it without a sweep.
 */
const COUNT_FAILURE = `
local first = tonumber(redis.call('HGET', KEYS[1], 'firstAt'))
if first and tonumber(ARGV[1]) - first >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
  first = nil
end
if not first then
  redis.call('HSET', KEYS[1], 'firstAt', ARGV[1], 'count', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return redis.call('HINCRBY', KEYS[1], 'count', 1)`;

/**
 * The login throttle in Redis, beside the sessions: every console instance counts the same failures, so n instances
 * behind a balancer allow what one does. The key is a hash of the username and address, so neither is stored.
 */
export function createRedisLoginThrottle(options: RedisLoginThrottleOptions): LoginThrottle {
  const now = options.now ?? Date.now;
  const keyOf = (username: string, address: string): string =>
    `${options.prefix}login-failures:${createHash('sha256').update(`${username.toLowerCase()}\u0000${address}`).digest('hex')}`;
  return {
    async retryAfterMs(username, address) {
      const [firstAt, count] = await options.redis.hmget(keyOf(username, address), 'firstAt', 'count');
      if (firstAt === null || count === null || Number(count) < options.maxFailures) return 0;
      return Math.max(0, Number(firstAt) + options.windowMs - now());
    },
    async failed(username, address) {
      await options.redis.eval(COUNT_FAILURE, 1, keyOf(username, address), String(now()), String(options.windowMs));
    },
    async succeeded(username, address) {
      await options.redis.del(keyOf(username, address));
    },
  };
}

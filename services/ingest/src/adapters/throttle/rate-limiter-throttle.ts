import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthAttempt, DeviceThrottle } from '../../app/ports';

export interface ThrottleLimits {
  /** Frames or requests a second per peer address, before authentication (0: unlimited). */
  addressPerSecond: number;
  /** Frames or observations a second per device, after authentication (0: unlimited), and the burst above it. */
  devicePerSecond: number;
  deviceBurst: number;
  /** Failed authentications allowed within `failureWindowSeconds`: per address, per (address, MN), per MN. */
  failuresPerAddress: number;
  failuresPerAddressAndMn: number;
  failuresPerMn: number;
  failureWindowSeconds: number;
  /** How long an address that authenticated a device stays exempt from that MN's own failure limit. */
  trustedAddressSeconds: number;
}

export const DEFAULT_THROTTLE_LIMITS: Readonly<ThrottleLimits> = {
  addressPerSecond: 2_000,
  devicePerSecond: 20,
  deviceBurst: 200,
  failuresPerAddress: 30,
  failuresPerAddressAndMn: 10,
  failuresPerMn: 100,
  failureWindowSeconds: 900,
  trustedAddressSeconds: 7 * 24 * 3600,
};

/**
 * A rate with a burst, counted in this process: rate-limiter-flexible's fixed window of `burst` points per
 * `burst / rate` seconds, which allows the average rate and lets a device that was quiet send its burst at once.
 */
function perSecond(perSecondRate: number, burst: number, keyPrefix: string): RateLimiterMemory | undefined {
  if (perSecondRate <= 0) return undefined;
  return new RateLimiterMemory({ keyPrefix, points: Math.max(1, Math.round(Math.max(perSecondRate, burst))), duration: Math.max(1, Math.round(burst / perSecondRate)) });
}

async function admits(limiter: RateLimiterAbstract | undefined, key: string): Promise<boolean> {
  if (!limiter) return true;
  try {
    await limiter.consume(key);
    return true;
  } catch (error) {
    // RLF rejects with its result (no points left); a store error would reject with an Error — never from memory.
    if (error instanceof Error) throw error;
    return false;
  }
}

/**
 * Throttling for ingest's device surfaces with rate-limiter-flexible. Failure counts are in Redis (so every
 * ingest instance sees the same) with an in-memory insurance limiter when Redis is away, so a Redis outage
 * neither opens the door to guessing nor stops devices; frame rates are counted per instance.
 */
export function createRateLimiterThrottle(options: { redis: Redis; prefix: string; limits?: Partial<ThrottleLimits> }): DeviceThrottle {
  const limits = { ...DEFAULT_THROTTLE_LIMITS, ...options.limits };
  const failures = (name: string, points: number): RateLimiterRedis =>
    new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}auth-fail:${name}`,
      points,
      duration: limits.failureWindowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `auth-fail:${name}`, points, duration: limits.failureWindowSeconds }),
    });
  const byAddress = failures('address', limits.failuresPerAddress);
  const byAddressAndMn = failures('address-mn', limits.failuresPerAddressAndMn);
  const byMn = failures('mn', limits.failuresPerMn);
  const trusted = failures('trusted', 1);
  const addressRate = perSecond(limits.addressPerSecond, limits.addressPerSecond, 'address-rate');
  const deviceRate = perSecond(limits.devicePerSecond, limits.deviceBurst, 'device-rate');

  const pairKey = ({ address, mn }: AuthAttempt): string => `${address}|${mn}`;
  const exhausted = async (limiter: RateLimiterRedis, key: string): Promise<boolean> => {
    const state = await limiter.get(key);
    return state !== null && state.consumedPoints >= limiter.points;
  };
  return {
    admitAddress: (address) => admits(addressRate, address),
    admitDevice: (mn) => admits(deviceRate, mn),
    authenticationBlocked: async (attempt) => {
      const [address, pair, mn, isTrusted] = await Promise.all([
        exhausted(byAddress, attempt.address),
        exhausted(byAddressAndMn, pairKey(attempt)),
        exhausted(byMn, attempt.mn),
        // "Trusted" is a marker with one point: consumed once, on a success from this address for this MN.
        exhausted(trusted, pairKey(attempt)),
      ]);
      return address || pair || (mn && !isTrusted);
    },
    authenticationFailed: async (attempt) => {
      await Promise.all([byAddress.penalty(attempt.address), byAddressAndMn.penalty(pairKey(attempt)), byMn.penalty(attempt.mn)]);
    },
    authenticationSucceeded: async (attempt) => {
      await Promise.all([byAddressAndMn.delete(pairKey(attempt)), trusted.set(pairKey(attempt), 1, limits.trustedAddressSeconds)]);
    },
  };
}

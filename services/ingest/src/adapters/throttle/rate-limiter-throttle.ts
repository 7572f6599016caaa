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
 * Throttling for ingest's device surfaces with rate-limiter-flexible. An address's failed checks are counted
 * after them (devices behind one gateway address must not use up its count by connecting at once); a pair's and
 * an MN's attempts before them, atomically, and given back on success. Every ingest instance shares the counts
 * in Redis; an in-memory insurance limiter takes over while Redis is away, so a Redis outage neither opens the
 * door to guessing nor stops devices. Frame rates are counted per instance.
 */
export function createRateLimiterThrottle(options: { redis: Redis; prefix: string; limits?: Partial<ThrottleLimits> }): DeviceThrottle {
  const limits = { ...DEFAULT_THROTTLE_LIMITS, ...options.limits };
  const attempts = (name: string, points: number): RateLimiterRedis =>
    new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix: `${options.prefix}auth:${name}`,
      points,
      duration: limits.failureWindowSeconds,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: `auth:${name}`, points, duration: limits.failureWindowSeconds }),
    });
  const byAddress = attempts('address', limits.failuresPerAddress);
  const byAddressAndMn = attempts('address-mn', limits.failuresPerAddressAndMn);
  const byMn = attempts('mn', limits.failuresPerMn);
  const trusted = attempts('trusted', 1);
  const addressRate = perSecond(limits.addressPerSecond, limits.addressPerSecond, 'address-rate');
  const deviceRate = perSecond(limits.devicePerSecond, limits.deviceBurst, 'device-rate');

  const pairKey = ({ address, mn }: AuthAttempt): string => `${address}|${mn}`;
  const isTrusted = async (attempt: AuthAttempt): Promise<boolean> => {
    // "Trusted" is a marker of one point, set on a success from this address for this MN.
    const state = await trusted.get(pairKey(attempt));
    return state !== null && state.consumedPoints >= 1;
  };
  return {
    admitAddress: (address) => admits(addressRate, address),
    admitDevice: (mn) => admits(deviceRate, mn),
    admitAuthentication: async (attempt) => {
      const exempt = await isTrusted(attempt);
      const [addressState, pair, mn] = await Promise.all([
        byAddress.get(attempt.address),
        admits(byAddressAndMn, pairKey(attempt)),
        exempt ? Promise.resolve(true) : admits(byMn, attempt.mn),
      ]);
      const addressBlocked = addressState !== null && addressState.consumedPoints >= byAddress.points;
      return !addressBlocked && pair && mn;
    },
    authenticationFailed: async (attempt) => {
      await byAddress.penalty(attempt.address);
    },
    authenticationSucceeded: async (attempt) => {
      const exempt = await isTrusted(attempt);
      await Promise.all([
        exempt ? Promise.resolve() : byMn.reward(attempt.mn),
        byAddressAndMn.delete(pairKey(attempt)),
        trusted.set(pairKey(attempt), 1, limits.trustedAddressSeconds),
      ]);
    },
  };
}

import type { LoginThrottle, LoginThrottleLimits } from '../ports';

/** The use-case tests' login throttle: a map of (username, address) → failures since the first, on a given clock. */
export function createFakeLoginThrottle(options: LoginThrottleLimits & { now: () => number }): LoginThrottle & { failures: Map<string, { count: number; firstAt: number }> } {
  const failures = new Map<string, { count: number; firstAt: number }>();
  const keyOf = (username: string, address: string): string => `${username.toLowerCase()}|${address}`;
  const live = (key: string) => {
    const entry = failures.get(key);
    return entry && options.now() - entry.firstAt < options.windowMs ? entry : undefined;
  };
  return {
    failures,
    retryAfterMs: async (username, address) => {
      const entry = live(keyOf(username, address));
      return entry && entry.count >= options.maxFailures ? entry.firstAt + options.windowMs - options.now() : 0;
    },
    failed: async (username, address) => {
      const key = keyOf(username, address);
      const entry = live(key);
      failures.set(key, entry ? { ...entry, count: entry.count + 1 } : { count: 1, firstAt: options.now() });
    },
    succeeded: async (username, address) => {
      failures.delete(keyOf(username, address));
    },
  };
}

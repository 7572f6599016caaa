import type { LoginThrottle, LoginThrottleLimits } from '../../app/ports';

/**
 * The login throttle of one instance, in memory (SESSION_STORE=memory: one console). Bounded, so a flood of names
 * cannot grow memory without end.
 */
export function createMemoryLoginThrottle(options: LoginThrottleLimits & { maxEntries?: number; now?: () => number }): LoginThrottle {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 10_000;
  const failures = new Map<string, { count: number; firstAt: number }>();
  const keyOf = (username: string, address: string): string => `${username.toLowerCase()}\u0000${address}`;
  const live = (key: string) => {
    const entry = failures.get(key);
    if (entry && now() - entry.firstAt >= options.windowMs) {
      failures.delete(key);
      return undefined;
    }
    return entry;
  };
  return {
    async retryAfterMs(username, address) {
      const entry = live(keyOf(username, address));
      return entry && entry.count >= options.maxFailures ? entry.firstAt + options.windowMs - now() : 0;
    },
    async failed(username, address) {
      const key = keyOf(username, address);
      const entry = live(key);
      if (entry) entry.count += 1;
      else {
        if (failures.size >= maxEntries) failures.delete(failures.keys().next().value as string);
        failures.set(key, { count: 1, firstAt: now() });
      }
    },
    async succeeded(username, address) {
      failures.delete(keyOf(username, address));
    },
  };
}

/**
 * Slows password guessing: after `maxFailures` failed logins for one username from one address within `windowMs`,
 * that pair is refused until the window has passed. Keyed by username and address together, so a stranger cannot
 * lock a colleague out from elsewhere; bounded, so a flood of names cannot grow memory without end.
 */
export function createLoginThrottle(options: { maxFailures: number; windowMs: number; maxEntries?: number; now?: () => number }) {
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
    /** Milliseconds until this pair may try again, or 0. */
    retryAfterMs(username: string, address: string): number {
      const entry = live(keyOf(username, address));
      return entry && entry.count >= options.maxFailures ? entry.firstAt + options.windowMs - now() : 0;
    },
    failed(username: string, address: string): void {
      const key = keyOf(username, address);
      const entry = live(key);
      if (entry) entry.count += 1;
      else {
        if (failures.size >= maxEntries) failures.delete(failures.keys().next().value as string);
        failures.set(key, { count: 1, firstAt: now() });
      }
    },
    succeeded(username: string, address: string): void {
      failures.delete(keyOf(username, address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;

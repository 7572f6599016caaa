import { describe, expect, it } from 'vitest';
import type { LoginThrottle } from '../ports';

/** A throttle under test with these limits, reading this clock. */
export type MakeLoginThrottle = (options: { maxFailures: number; windowMs: number; now: () => number }) => Promise<LoginThrottle> | LoginThrottle;

/** What every login throttle does: the memory one in unit tests, Redis's against a real server. */
export function describeLoginThrottleContract(name: string, make: MakeLoginThrottle): void {
  describe(`login throttle contract: ${name}`, () => {
    it('refuses a username from an address after maxFailures until the window since the first failure has passed', async () => {
      let now = 1_000_000;
      const throttle = await make({ maxFailures: 3, windowMs: 60_000, now: () => now });
      for (let attempt = 0; attempt < 2; attempt += 1) await throttle.failed('Dispatcher', '10.0.0.7');
      expect(await throttle.retryAfterMs('dispatcher', '10.0.0.7')).toBe(0);
      now += 10_000;
      await throttle.failed('dispatcher', '10.0.0.7');
      expect(await throttle.retryAfterMs('DISPATCHER', '10.0.0.7')).toBe(50_000);
      // Another address, or another username, is not held up.
      expect(await throttle.retryAfterMs('dispatcher', '10.0.0.8')).toBe(0);
      expect(await throttle.retryAfterMs('commander', '10.0.0.7')).toBe(0);
      now += 50_000;
      expect(await throttle.retryAfterMs('dispatcher', '10.0.0.7')).toBe(0);
      // A failure after the window starts a new count.
      await throttle.failed('dispatcher', '10.0.0.7');
      expect(await throttle.retryAfterMs('dispatcher', '10.0.0.7')).toBe(0);
    });

    it('forgets the failures of a pair once it logs in', async () => {
      const now = 2_000_000;
      const throttle = await make({ maxFailures: 2, windowMs: 60_000, now: () => now });
      await throttle.failed('analyst', '10.0.0.9');
      await throttle.succeeded('analyst', '10.0.0.9');
      await throttle.failed('analyst', '10.0.0.9');
      expect(await throttle.retryAfterMs('analyst', '10.0.0.9')).toBe(0);
      await throttle.failed('analyst', '10.0.0.9');
      expect(await throttle.retryAfterMs('analyst', '10.0.0.9')).toBe(60_000);
    });
  });
}

import { describe, expect, it } from 'vitest';
import { createMemoryLoginThrottle } from './memory-login-throttle';
import { describeLoginThrottleContract } from '../../app/testing/login-throttle.contract';

describeLoginThrottleContract('memory', (options) => createMemoryLoginThrottle(options));

describe('the login throttle in memory', () => {
  it('forgets the oldest pair when it holds maxEntries', async () => {
    const throttle = createMemoryLoginThrottle({ maxFailures: 1, windowMs: 60_000, maxEntries: 2, now: () => 0 });
    await throttle.failed('a', '10.0.0.1');
    await throttle.failed('b', '10.0.0.1');
    await throttle.failed('c', '10.0.0.1');
    expect(await throttle.retryAfterMs('a', '10.0.0.1')).toBe(0);
    expect(await throttle.retryAfterMs('c', '10.0.0.1')).toBe(60_000);
  });
});

import { describe, expect, it } from 'vitest';
import { createDependencyHealth } from './dependency-health';

describe('createDependencyHealth', () => {
  it('is healthy only when every dependency answers, and names the one that does not', async () => {
    const health = createDependencyHealth(
      [
        { name: 'kafka', check: async () => undefined },
        {
          name: 'redis',
          check: async () => {
            throw new Error('connection refused');
          },
        },
      ],
      { cacheMs: 0 },
    );
    expect(await health.report()).toEqual({ status: 'degraded', checks: { kafka: { ok: true }, redis: { ok: false, error: 'connection refused' } } });
  });

  it('counts a dependency that does not answer in time as down', async () => {
    const health = createDependencyHealth([{ name: 'postgres', check: () => new Promise<void>(() => undefined) }], { timeoutMs: 20, cacheMs: 0 });
    expect(await health.report()).toEqual({ status: 'degraded', checks: { postgres: { ok: false, error: 'no answer within 20 ms' } } });
  });

  it('asks the dependencies at most once per cache period', async () => {
    let calls = 0;
    const health = createDependencyHealth([{ name: 'kafka', check: async () => void (calls += 1) }], { cacheMs: 60_000 });
    await Promise.all([health.report(), health.report(), health.report()]);
    expect(calls).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { createLogger } from '@ecogrid/telemetry';
import { conditionCheck, createDependencyHealth, DependencyDown } from './dependency-health';

const logger = createLogger({ service: 'health-test', level: 'silent' });

describe('createDependencyHealth', () => {
  it('is ready only when every dependency answers, and names the one that does not without its error text', async () => {
    const health = createDependencyHealth(
      [
        { name: 'kafka', check: async () => undefined },
        {
          name: 'postgres',
          check: async () => {
            throw new Error('password authentication failed for user "ecogrid" at 10.0.0.7:5432');
          },
        },
      ],
      { logger, cacheMs: 0 },
    );
    const report = await health.report();
    expect(report).toEqual({ status: 'not_ready', checks: { kafka: { ok: true }, postgres: { ok: false, reason: 'unreachable' } } });
    expect(JSON.stringify(report)).not.toContain('10.0.0.7');
  });

  it('passes on the reason a check names, and counts a dependency that does not answer in time as down', async () => {
    const health = createDependencyHealth(
      [
        { name: 'postgres', check: () => new Promise<void>(() => undefined) },
        conditionCheck('registry', 'not_caught_up', () => false, 'the registry view is still reading its topics'),
        {
          name: 'consumer',
          check: async () => {
            throw new DependencyDown('not_in_group', 'the readings consumer has not joined its group');
          },
        },
      ],
      { logger, timeoutMs: 20, cacheMs: 0 },
    );
    expect(await health.report()).toEqual({
      status: 'not_ready',
      checks: { postgres: { ok: false, reason: 'timeout' }, registry: { ok: false, reason: 'not_caught_up' }, consumer: { ok: false, reason: 'not_in_group' } },
    });
  });

  it('asks the dependencies at most once per cache period', async () => {
    let calls = 0;
    const health = createDependencyHealth([{ name: 'kafka', check: async () => void (calls += 1) }], { logger, cacheMs: 60_000 });
    await Promise.all([health.report(), health.report(), health.report()]);
    expect(calls).toBe(1);
  });
});

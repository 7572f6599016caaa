import { describe, expect, it } from 'vitest';
import { earlyWarningPolicies, earlyWarningRules, loadConfig } from './config';
import { DEFAULT_EARLY_WARNING_POLICY, DEFAULT_HOURLY_EARLY_WARNING_POLICY } from './domain/early-warning/early-warning-policy';

const minimal = { DATABASE_URL: 'postgres://127.0.0.1/ecogrid', KAFKA_BROKERS: '127.0.0.1:9092', STAFF_TOKEN_SECRET: 'a-test-secret-of-at-least-32-characters!!', INCIDENT_CHAIN_KEY: 'an-incident-timeline-key' };

describe('early-warning configuration', () => {
  it('defaults to 60 min ahead for minute data and 6 h for hourly data, with the documented policies', () => {
    const policies = earlyWarningPolicies(loadConfig(minimal));
    expect(policies['2051']).toEqual({ stepMs: 60_000, policy: DEFAULT_EARLY_WARNING_POLICY });
    expect(policies['2061']).toEqual({ stepMs: 3_600_000, policy: DEFAULT_HOURLY_EARLY_WARNING_POLICY });
    expect(earlyWarningRules(loadConfig(minimal))).toEqual({ waterSourceRadiusM: 1_000, toxicGasRadiusM: 1_000, riverClass: 3 });
  });

  it('takes its settings from the environment', () => {
    const config = loadConfig({ ...minimal, EARLY_WARNING_MINUTE_HORIZON_MIN: '30', EARLY_WARNING_HOUR_HORIZON_H: '12', EARLY_WARNING_RAISE_PROBABILITY: '0.7', EARLY_WARNING_RIVER_CLASS: '4' });
    const policies = earlyWarningPolicies(config);
    expect(policies['2051']?.policy).toMatchObject({ horizonSteps: 30, raiseProbability: 0.7 });
    expect(policies['2061']?.policy).toMatchObject({ horizonSteps: 12, raiseProbability: 0.7 });
    expect(earlyWarningRules(config).riverClass).toBe(4);
  });

  it('refuses a clear probability that is not below the raise probability (no hysteresis left)', () => {
    expect(() => loadConfig({ ...minimal, EARLY_WARNING_RAISE_PROBABILITY: '0.3', EARLY_WARNING_CLEAR_PROBABILITY: '0.4' })).toThrow(/clearProbability must lie in \[0, raiseProbability\)/);
    expect(() => loadConfig({ ...minimal, EARLY_WARNING_RIVER_CLASS: '6' })).toThrow();
  });
});

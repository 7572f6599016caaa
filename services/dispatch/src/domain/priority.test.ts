import { describe, expect, it } from 'vitest';
import { caseTypeOfAlert, decidePriority } from './priority';
import { DEADLINE_POLICY_V1 } from './deadline-policy.v1';
import { formatCaseId, localDay } from './case-id';
import { stepTimers, validatePolicy } from './deadline-policy';

describe('priority', () => {
  it('follows the alert severity, then the case type floor, then nearby sensitive targets', () => {
    expect(decidePriority({ caseType: 'air_emission_exceedance', severity: 'minor', nearbySensitiveTargets: [] }, DEADLINE_POLICY_V1).priority).toBe('normal');
    expect(decidePriority({ caseType: 'air_emission_exceedance', severity: 'major', nearbySensitiveTargets: [] }, DEADLINE_POLICY_V1).priority).toBe('high');
    expect(decidePriority({ caseType: 'hazardous_waste', nearbySensitiveTargets: [] }, DEADLINE_POLICY_V1).priority).toBe('high');
    const near = decidePriority({ caseType: 'water_discharge_exceedance', severity: 'major', nearbySensitiveTargets: [{ id: 'DW-1', kind: 'drinking_water_source' }] }, DEADLINE_POLICY_V1);
    expect(near.priority).toBe('urgent');
    expect(near.reasons.join(' ')).toContain('drinking_water_source:DW-1');
    expect(decidePriority({ caseType: 'noise', severity: 'critical', nearbySensitiveTargets: [{ id: 'S', kind: 'school' }] }, DEADLINE_POLICY_V1).priority).toBe('urgent');
  });

  it('derives the case type of an alert from the factor and whether an enterprise emits it', () => {
    expect(caseTypeOfAlert('a21026', '91140800MA0GRID01X')).toBe('air_emission_exceedance');
    expect(caseTypeOfAlert('a34004', undefined)).toBe('ambient_air_anomaly');
    expect(caseTypeOfAlert('w01018', 'X')).toBe('water_discharge_exceedance');
    expect(caseTypeOfAlert('LA', undefined)).toBe('monitoring_exceedance');
  });
});

describe('deadlines', () => {
  it('uses the case type override, else the default of the priority, scaled for tests', () => {
    const start = new Date('2026-11-29T00:00:00Z');
    expect(stepTimers(DEADLINE_POLICY_V1, 'straw_burning', 'high', 'arrive', start).deadline).toEqual(new Date(start.getTime() + 30 * 60_000));
    const urgent = stepTimers(DEADLINE_POLICY_V1, 'noise', 'urgent', 'accept', start);
    expect(urgent.deadline).toEqual(new Date(start.getTime() + 15 * 60_000));
    expect(urgent.remindAt).toEqual(new Date(start.getTime() + 12 * 60_000));
    expect(urgent.secondEscalationAt).toEqual(new Date(start.getTime() + 22.5 * 60_000));
    expect(stepTimers(DEADLINE_POLICY_V1, 'noise', 'urgent', 'accept', start, 0.001).deadline).toEqual(new Date(start.getTime() + 900));
  });

  it('ships a valid policy and refuses a broken one', () => {
    expect(validatePolicy(DEADLINE_POLICY_V1)).toEqual([]);
    const broken = { ...DEADLINE_POLICY_V1, remindAtFraction: 1.5, defaults: { ...DEADLINE_POLICY_V1.defaults, low: { accept: 0, arrive: 1, handle: 1, verify: 1 } } };
    expect(validatePolicy(broken)).toEqual(['remindAtFraction must lie strictly between 0 and 1', 'defaults.low.accept must be a positive number of minutes']);
  });
});

describe('case ids', () => {
  it('numbers cases per local (UTC+8) day', () => {
    expect(localDay(new Date('2026-11-29T15:59:59Z'))).toBe('20261129');
    expect(localDay(new Date('2026-11-29T16:00:00Z'))).toBe('20261130');
    expect(formatCaseId('YH', '20261129', 123)).toBe('YH-20261129-000123');
    expect(() => formatCaseId('YH', '20261129', 0)).toThrow();
  });
});

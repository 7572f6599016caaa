import { describe, expect, it } from 'vitest';
import { newDeviceState, type DeviceState } from './device-state';
import { alertIdOf } from './episode';
import { evaluateObservation } from './evaluate-observation';
import type { DeviceProfile, Measurement, Observation } from './model';
import type { Emitted, EvaluationContext, SensitiveTargetLookup } from './rule-runner';
import { compileRuleset } from './rules/compiled-ruleset';
import { DEFAULT_RULESET } from './rules/default-ruleset';
import { parseRuleset, type RulesetInput } from './rules/ruleset';
import { sweepDevice } from './sweep-device';

const T0 = Date.parse('2026-11-29T02:00:00Z');
const MIN = 60_000;

const cems: DeviceProfile = {
  mn: 'CEMS0001',
  kind: 'FLUE_GAS_CEMS',
  enabled: true,
  enterpriseUscc: '914403001922038216',
  cellId: 'cell-7',
  townshipCode: '140802001',
  location: { lon: 111.0, lat: 35.0 },
  factors: [
    { factorCode: 'a21026', unit: 'mg/m³', limit: 35, limitOnConverted: true },
    { factorCode: 'a34013', unit: 'mg/m³', limit: 10, limitOnConverted: false },
    { factorCode: 'a19001', unit: '%', limitOnConverted: false },
  ],
};

function context(device: DeviceProfile | undefined, overrides: Partial<RulesetInput> = {}, targets: SensitiveTargetLookup = () => []): EvaluationContext {
  return { rules: compileRuleset(parseRuleset({ ...DEFAULT_RULESET, ...overrides })), device, targetsNear: targets };
}

function obs(mn: string, minute: number, measurements: Array<Partial<Measurement> & { factorCode: string; value: number }>, command = '2011'): Observation {
  const dataTime = T0 + minute * MIN;
  return {
    id: `${mn}:${command}:${new Date(dataTime).toISOString()}`,
    deviceMn: mn,
    command,
    dataTime,
    receivedTime: dataTime + 1_000,
    measurements: measurements.map((m) => ({ kind: 'Rtd', flag: 'N', unit: '', ...m })),
    enterpriseUscc: '',
    cellId: '',
    townshipCode: '',
  };
}

function run(state: DeviceState, ctx: EvaluationContext, ...observations: Observation[]): Emitted {
  const out: Emitted = { alerts: [], aqi: [] };
  for (const observation of observations) evaluateObservation(state, observation, ctx, out);
  return out;
}

const so2 = (value: number, flag = 'N') => ({ factorCode: 'a21026', kind: 'ZsRtd' as const, value, flag });

describe('toxic gases at an air station (limits registered for the device)', () => {
  const monitor: DeviceProfile = {
    ...cems,
    mn: 'GAS0001',
    kind: 'MICRO_AIR_STATION',
    enterpriseUscc: '',
    factors: [
      { factorCode: 'a21028', unit: 'mg/m³', limit: 0.06, limitOnConverted: false },
      { factorCode: 'a34004', unit: 'µg/m³', limitOnConverted: false },
    ],
  };

  it('raises toxic-gas-limit on H2S above its registered limit, named 硫化氢, and clears after two readings under it', () => {
    const ctx = context(monitor);
    const h2s = (value: number) => ({ factorCode: 'a21028', value });
    const out = run(newDeviceState('GAS0001'), ctx, obs('GAS0001', 0, [h2s(0.01)]), obs('GAS0001', 1, [h2s(0.19)]), obs('GAS0001', 2, [h2s(0.02)]), obs('GAS0001', 3, [h2s(0.02)]));
    expect(out.alerts.map((alert) => [alert.state, alert.ruleId, alert.factorCode, alert.severity])).toEqual([
      ['raised', 'toxic-gas-limit', 'a21028', 'critical'],
      ['cleared', 'toxic-gas-limit', 'a21028', 'critical'],
    ]);
    expect(out.alerts[0]).toMatchObject({ kind: 'emission_limit', value: 0.19, limit: 0.06, deviceMn: 'GAS0001' });
    expect(out.alerts[0]?.summary).toContain('硫化氢');
    // A monitor has no discharge permit: its limit is the one the bureau registered.
    expect(out.alerts[0]).toMatchObject({ limitSource: 'registered', summary: '硫化氢浓度超过登记限值' });
  });

  it('leaves an air station without registered limits to the ambient rules', () => {
    const out = run(newDeviceState('GAS0001'), context({ ...monitor, factors: [{ factorCode: 'a21028', unit: 'mg/m³', limitOnConverted: false }] }), obs('GAS0001', 0, [{ factorCode: 'a21028', value: 5 }]));
    expect(out.alerts).toEqual([]);
  });
});

describe('emission limit (permit limits from the registry)', () => {
  it('raises on the converted value above the permit limit, names the enterprise, cell and limit, and keeps the evidence', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    const out = run(state, ctx, obs('CEMS0001', 0, [{ factorCode: 'a21026', value: 20 }, so2(30)]), obs('CEMS0001', 1, [{ factorCode: 'a21026', value: 20 }, so2(41.7)]));
    expect(out.alerts).toHaveLength(1);
    const [raised] = out.alerts;
    expect(raised).toMatchObject({
      state: 'raised',
      kind: 'emission_limit',
      ruleId: 'emission-limit-realtime',
      ruleVersion: '1',
      severity: 'minor',
      deviceMn: 'CEMS0001',
      enterpriseUscc: '914403001922038216',
      cellId: 'cell-7',
      factorCode: 'a21026',
      value: 41.7,
      limit: 35,
      valueKind: 'ZsRtd',
      limitSource: 'permit',
      summary: '二氧化硫折算浓度超过排污许可限值',
      sequence: 1,
      exceedanceMultiple: 0.19,
    });
    expect(raised?.alertId).toBe(alertIdOf('emission-limit-realtime', 'CEMS0001', 'a21026', T0 + MIN));
    expect(raised?.evidence).toEqual([{ observationId: `CEMS0001:2011:${new Date(T0 + MIN).toISOString()}`, dataTime: T0 + MIN, value: 41.7, flag: 'N', valueKind: 'ZsRtd', command: '2011', matched: true }]);
  });

  it('compares the measured (not converted) value where the limit is not on converted concentration', () => {
    const state = newDeviceState('CEMS0001');
    const out = run(state, context(cems), obs('CEMS0001', 0, [{ factorCode: 'a34013', kind: 'ZsRtd', value: 50 }, { factorCode: 'a34013', value: 9 }]));
    expect(out.alerts).toEqual([]);
    const next = run(state, context(cems), obs('CEMS0001', 1, [{ factorCode: 'a34013', kind: 'ZsRtd', value: 5 }, { factorCode: 'a34013', value: 11 }]));
    expect(next.alerts.map((a) => [a.factorCode, a.valueKind, a.state])).toEqual([['a34013', 'Rtd', 'raised']]);
  });

  it('a value equal to the limit complies', () => {
    expect(run(newDeviceState('CEMS0001'), context(cems), obs('CEMS0001', 0, [so2(35)])).alerts).toEqual([]);
  });

  it('updates when the severity rises (double the limit → critical, 15 min → major) and clears after three readings within the limit', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    const raised = run(state, ctx, obs('CEMS0001', 0, [so2(40)]));
    const steady = run(state, ctx, obs('CEMS0001', 1, [so2(41)]), obs('CEMS0001', 2, [so2(40)]));
    expect(steady.alerts).toEqual([]);
    const doubled = run(state, ctx, obs('CEMS0001', 3, [so2(71)]));
    expect(doubled.alerts).toMatchObject([{ state: 'updated', severity: 'critical', sequence: 2, value: 71, peakValue: 71, exceedanceMultiple: 1.03, escalationReasons: ['multiple>=1:critical'] }]);
    const normal = run(state, ctx, obs('CEMS0001', 4, [so2(30)]), obs('CEMS0001', 5, [so2(31)]));
    expect(normal.alerts).toEqual([]);
    const cleared = run(state, ctx, obs('CEMS0001', 6, [so2(32)]));
    expect(cleared.alerts).toHaveLength(1);
    expect(cleared.alerts[0]).toMatchObject({ state: 'cleared', sequence: 3, alertId: raised.alerts[0]?.alertId, severity: 'critical' });
    expect(cleared.alerts[0]?.evidence.map((e) => [e.value, e.matched])).toEqual([
      [71, true],
      [30, false],
      [31, false],
      [32, false],
    ]);
    expect(state.episodes).toEqual({});

    const longRun = newDeviceState('CEMS0001');
    run(longRun, ctx, obs('CEMS0001', 0, [so2(40)]));
    expect(run(longRun, ctx, obs('CEMS0001', 14, [so2(40)])).alerts).toEqual([]);
    expect(run(longRun, ctx, obs('CEMS0001', 15, [so2(40)])).alerts).toMatchObject([{ state: 'updated', severity: 'major', escalationReasons: ['duration>=15min:major'] }]);
  });

  it('republishes as updated when the value grows 20 % past the last published value', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    run(state, ctx, obs('CEMS0001', 0, [so2(40)]));
    expect(run(state, ctx, obs('CEMS0001', 1, [so2(48)])).alerts).toEqual([]);
    expect(run(state, ctx, obs('CEMS0001', 2, [so2(48.1)])).alerts).toMatchObject([{ state: 'updated', severity: 'minor', value: 48.1 }]);
  });

  it('M (maintenance) and C (calibration) readings neither raise nor clear; D/F/B are not valid measurements', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    expect(run(state, ctx, obs('CEMS0001', 0, [so2(90, 'M')]), obs('CEMS0001', 1, [so2(90, 'C')]), obs('CEMS0001', 2, [so2(90, 'D')])).alerts.filter((a) => a.kind === 'emission_limit')).toEqual([]);
    run(state, ctx, obs('CEMS0001', 3, [so2(50)]));
    const during = run(state, ctx, obs('CEMS0001', 4, [so2(1, 'M')]), obs('CEMS0001', 5, [so2(1, 'C')]), obs('CEMS0001', 6, [so2(1, 'M')]));
    expect(during.alerts).toEqual([]);
    expect(Object.values(state.episodes).some((episode) => episode.open !== undefined)).toBe(true);
    // T (above the measuring range) is compared: the true value is at least the range.
    expect(run(newDeviceState('CEMS0001'), ctx, obs('CEMS0001', 0, [so2(60, 'T')])).alerts.map((a) => a.kind)).toEqual(['emission_limit']);
  });

  it('skips a re-sent real-time reading and one behind the newest (real-time data has no lateness window)', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    const first = obs('CEMS0001', 0, [so2(50)]);
    const out: Emitted = { alerts: [], aqi: [] };
    expect(evaluateObservation(state, first, ctx, out)).toBe('evaluated');
    expect(evaluateObservation(state, { ...first }, ctx, out)).toBe('duplicate');
    expect(evaluateObservation(state, obs('CEMS0001', -1, [so2(50)]), ctx, out)).toBe('too_late');
    expect(out.alerts).toHaveLength(1);
    expect(Object.values(state.episodes)[0]?.count).toBe(1);
  });

  it('raises severity when a sensitive target lies within its radius, and records the target ids', () => {
    const school = { id: 'target-school-1', kind: 'SCHOOL' as const, distanceM: 320 };
    const farSchool = { id: 'target-school-2', kind: 'SCHOOL' as const, distanceM: 800 };
    const water = { id: 'target-water-1', kind: 'DRINKING_WATER_SOURCE' as const, distanceM: 1500 };
    const asked: number[] = [];
    const ctx = context(cems, {}, (_point, radius, kinds) => {
      asked.push(radius);
      expect(kinds).toEqual(expect.arrayContaining(['SCHOOL' as const, 'NATURE_RESERVE' as const, 'DRINKING_WATER_SOURCE' as const]));
      return [school, farSchool, water];
    });
    const out = run(newDeviceState('CEMS0001'), ctx, obs('CEMS0001', 0, [so2(40)]));
    expect(asked).toEqual([2000]);
    expect(out.alerts[0]).toMatchObject({ severity: 'major', baseSeverity: 'minor', nearbyTargetIds: ['target-school-1', 'target-water-1'] });
    expect(out.alerts[0]?.escalationReasons).toEqual(['near:SCHOOL:target-school-1@320m', 'near:DRINKING_WATER_SOURCE:target-water-1@1500m']);
    const noTargets = run(newDeviceState('CEMS0001'), context(cems, {}, () => [farSchool]), obs('CEMS0001', 0, [so2(40)]));
    expect(noTargets.alerts[0]).toMatchObject({ severity: 'minor', nearbyTargetIds: [] });
  });

  it('needs the registry: an unknown device gets no limit alerts', () => {
    expect(run(newDeviceState('CEMS0001'), context(undefined), obs('CEMS0001', 0, [so2(400)])).alerts).toEqual([]);
  });
});

describe('late and back-filled data', () => {
  // Minute data (2051) compares the minute mean: ZsAvg where the permit limit is on the converted value.
  const so2Avg = (value: number, flag = 'N') => ({ factorCode: 'a21026', kind: 'ZsAvg' as const, value, flag });
  const minuteData = (minute: number, value: number) => obs('CEMS0001', minute, [so2Avg(value)], '2051');

  it('tells a duplicate from a late reading and from one older than the 48-hour window', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    const out: Emitted = { alerts: [], aqi: [] };
    for (const minute of [0, 1, 2, 10, 11]) expect(evaluateObservation(state, minuteData(minute, 20), ctx, out)).toBe('evaluated');
    expect(evaluateObservation(state, minuteData(11, 20), ctx, out)).toBe('duplicate');
    expect(evaluateObservation(state, minuteData(1, 20), ctx, out)).toBe('duplicate');
    expect(evaluateObservation(state, minuteData(5, 20), ctx, out)).toBe('late_evaluated');
    expect(evaluateObservation(state, minuteData(5, 20), ctx, out)).toBe('duplicate');
    // Before the device's first reading, within the window: never evaluated, so late.
    expect(evaluateObservation(state, minuteData(-600, 20), ctx, out)).toBe('late_evaluated');
    expect(evaluateObservation(state, minuteData(11 - 48 * 60, 20), ctx, out)).toBe('too_late');
    expect(evaluateObservation(state, minuteData(12 - 48 * 60, 20), ctx, out)).toBe('late_evaluated');
    expect(out.alerts).toEqual([]);
    // The ring moves with the newest minute: a day later, minute 5 is still known, and two days later it is gone.
    expect(evaluateObservation(state, minuteData(24 * 60, 20), ctx, out)).toBe('evaluated');
    expect(evaluateObservation(state, minuteData(5, 20), ctx, out)).toBe('duplicate');
    expect(evaluateObservation(state, minuteData(6, 20), ctx, out)).toBe('late_evaluated');
    expect(evaluateObservation(state, minuteData(48 * 60 + 5, 20), ctx, out)).toBe('evaluated');
    expect(evaluateObservation(state, minuteData(5, 20), ctx, out)).toBe('too_late');
    expect(evaluateObservation(state, minuteData(24 * 60 + 1, 20), ctx, out)).toBe('late_evaluated');
    expect(evaluateObservation(state, minuteData(24 * 60, 20), ctx, out)).toBe('duplicate');
    // Hourly data keeps 48 hours too, and survives a checkpoint as JSON.
    const reloaded = JSON.parse(JSON.stringify(state)) as DeviceState;
    const hourly = (hour: number) => obs('CEMS0001', hour * 60, [so2Avg(20)], '2061');
    expect(evaluateObservation(reloaded, hourly(10), ctx, out)).toBe('evaluated');
    expect(evaluateObservation(reloaded, hourly(12), ctx, out)).toBe('evaluated');
    expect(evaluateObservation(reloaded, hourly(11), ctx, out)).toBe('late_evaluated');
    expect(evaluateObservation(JSON.parse(JSON.stringify(reloaded)) as DeviceState, hourly(11), ctx, out)).toBe('duplicate');
    expect(evaluateObservation(reloaded, hourly(12 - 48), ctx, out)).toBe('too_late');
  });

  it('treats everything before the newest data time of a state checkpointed without rings as evaluated', () => {
    const ctx = context(cems);
    const state = newDeviceState('CEMS0001');
    run(state, ctx, minuteData(0, 20), minuteData(10, 20));
    delete state.evaluated;
    const out: Emitted = { alerts: [], aqi: [] };
    expect(evaluateObservation(state, minuteData(5, 80), ctx, out)).toBe('duplicate');
    expect(evaluateObservation(state, minuteData(11, 20), ctx, out)).toBe('evaluated');
    expect(out.alerts).toEqual([]);
  });

  it('raises one alert marked late for an exceedance in back-filled minutes, cleared at once, without touching the live episode', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    // Live: real-time data in an episode above the limit, and minute data up to minute 40 after a gap.
    const live = run(state, ctx, obs('CEMS0001', 0, [so2(50)]), minuteData(0, 20), minuteData(40, 20));
    expect(live.alerts.map((a) => a.state)).toEqual(['raised']);
    const episodes = JSON.stringify(state.episodes);
    // Back-fill of the gap: minute 15 above the limit at more than twice it.
    const backfill = [10, 11, 12, 13, 14, 15, 16].map((minute) => minuteData(minute, minute === 15 ? 80 : 30));
    const out = run(state, ctx, ...backfill);
    const dataTime = T0 + 15 * MIN;
    const id = alertIdOf('emission-limit-realtime', 'CEMS0001', 'a21026|2051|late', dataTime);
    expect(out.alerts).toHaveLength(2);
    const [raised, cleared] = out.alerts;
    expect(raised).toMatchObject({
      alertId: id,
      sequence: 1,
      state: 'raised',
      late: true,
      kind: 'emission_limit',
      ruleId: 'emission-limit-realtime',
      factorCode: 'a21026',
      value: 80,
      peakValue: 80,
      limit: 35,
      valueKind: 'ZsAvg',
      limitSource: 'permit',
      exceedanceMultiple: 1.29,
      severity: 'critical',
      baseSeverity: 'minor',
      openedAt: dataTime,
      changedAt: dataTime,
      enterpriseUscc: '914403001922038216',
      summary: '补传/迟到数据超标：二氧化硫折算浓度超过排污许可限值（数据时间 2026-11-29 10:15）',
    });
    expect(raised?.evidence).toEqual([{ observationId: `CEMS0001:2051:${new Date(dataTime).toISOString()}`, dataTime, value: 80, flag: 'N', valueKind: 'ZsAvg', command: '2051', matched: true }]);
    expect(cleared).toMatchObject({ alertId: id, sequence: 2, state: 'cleared', late: true, openedAt: dataTime, changedAt: dataTime });
    expect(JSON.stringify(state.episodes)).toBe(episodes);
    expect(state.lastDataTime['2051']).toBe(T0 + 40 * MIN);
    // Re-sent: nothing. Evaluated again from the same state (a crash before the checkpoint): the same events.
    expect(run(state, ctx, ...backfill).alerts).toEqual([]);
    const before = newDeviceState('CEMS0001');
    run(before, ctx, obs('CEMS0001', 0, [so2(50)]), minuteData(0, 20), minuteData(40, 20));
    expect(run(before, ctx, ...backfill).alerts).toEqual(out.alerts);
  });

  it('judges late hourly data against the hourly rule, and suppressed flags raise nothing', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    run(state, ctx, obs('CEMS0001', 0, [so2Avg(20)], '2061'), obs('CEMS0001', 120, [so2Avg(20)], '2061'));
    const out = run(state, ctx, obs('CEMS0001', 60, [so2Avg(40)], '2061'));
    expect(out.alerts.map((a) => [a.ruleId, a.state, a.late, a.severity])).toEqual([
      ['emission-limit-hourly', 'raised', true, 'major'],
      ['emission-limit-hourly', 'cleared', true, 'major'],
    ]);
    run(state, ctx, obs('CEMS0001', 240, [so2Avg(20)], '2061'));
    const maintenance: Emitted = { alerts: [], aqi: [] };
    expect(evaluateObservation(state, obs('CEMS0001', 180, [so2Avg(90, 'M')], '2061'), ctx, maintenance)).toBe('late_evaluated');
    expect(maintenance.alerts).toEqual([]);
  });
});

describe('data-quality flags and duration', () => {
  const o2 = (flag: string, value = 8) => ({ factorCode: 'a19001', value, flag });

  it('raises after three consecutive D readings, one alert per factor and flag, and clears after two normal readings', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    expect(run(state, ctx, obs('CEMS0001', 0, [o2('D')]), obs('CEMS0001', 1, [o2('D')])).alerts).toEqual([]);
    const raised = run(state, ctx, obs('CEMS0001', 2, [o2('D')]));
    expect(raised.alerts).toMatchObject([{ state: 'raised', kind: 'data_quality', dataFlag: 'D', factorCode: 'a19001', summary: expect.stringContaining('故障') }]);
    expect(raised.alerts[0]?.evidence).toHaveLength(3);
    expect(run(state, ctx, obs('CEMS0001', 3, [o2('N')])).alerts).toEqual([]);
    expect(run(state, ctx, obs('CEMS0001', 4, [o2('N')])).alerts).toMatchObject([{ state: 'cleared', dataFlag: 'D' }]);
  });

  it('raises after ten minutes of a flag even with fewer readings, and a break in the run starts over', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    expect(run(state, ctx, obs('CEMS0001', 0, [o2('F')]), obs('CEMS0001', 9, [o2('F')])).alerts).toEqual([]);
    expect(run(state, ctx, obs('CEMS0001', 10, [o2('F')])).alerts).toMatchObject([{ state: 'raised', dataFlag: 'F' }]);
    const broken = newDeviceState('CEMS0001');
    expect(run(broken, ctx, obs('CEMS0001', 0, [o2('B')]), obs('CEMS0001', 1, [o2('B')]), obs('CEMS0001', 2, [o2('N')]), obs('CEMS0001', 3, [o2('B')])).alerts).toEqual([]);
  });

  it('raises D, F, B and T each as their own alert; M and C raise nothing', () => {
    for (const flag of ['D', 'F', 'B', 'T']) {
      const state = newDeviceState('CEMS0001');
      const out = run(state, context(cems), ...[0, 1, 2].map((minute) => obs('CEMS0001', minute, [o2(flag)])));
      expect(out.alerts.map((a) => [a.kind, a.dataFlag])).toEqual([['data_quality', flag]]);
    }
    for (const flag of ['M', 'C']) {
      expect(run(newDeviceState('CEMS0001'), context(cems), ...[0, 1, 2, 3].map((minute) => obs('CEMS0001', minute, [o2(flag)]))).alerts).toEqual([]);
    }
  });
});

describe('sudden jump', () => {
  it('raises when a value changes by more than the relative and absolute thresholds within the gap, with both readings as evidence', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    const out = run(state, ctx, obs('CEMS0001', 0, [{ factorCode: 'a01012', value: 20 }]), obs('CEMS0001', 1, [{ factorCode: 'a01012', value: 60 }]), obs('CEMS0001', 2, [{ factorCode: 'a01012', value: 300 }]));
    expect(out.alerts).toMatchObject([{ state: 'raised', kind: 'sudden_jump', factorCode: 'a01012', value: 300, limit: 180 }]);
    expect(out.alerts[0]?.evidence.map((e) => e.value)).toEqual([60, 300]);
    const gap = newDeviceState('CEMS0001');
    expect(run(gap, ctx, obs('CEMS0001', 0, [{ factorCode: 'a01012', value: 20 }]), obs('CEMS0001', 11, [{ factorCode: 'a01012', value: 900 }])).alerts).toEqual([]);
  });
});

describe('device offline', () => {
  const clock = (minute: number, startedMinute = -120) => ({ now: T0 + minute * MIN, startedAt: T0 + startedMinute * MIN });

  it('raises once after 30 silent minutes with an id from the last observation, and clears on the next reading', () => {
    const state = newDeviceState('CEMS0001');
    const ctx = context(cems);
    run(state, ctx, obs('CEMS0001', 0, [so2(10)]));
    const early: Emitted = { alerts: [], aqi: [] };
    sweepDevice(state, ctx, clock(30), early);
    expect(early.alerts).toEqual([]);
    const late: Emitted = { alerts: [], aqi: [] };
    sweepDevice(state, ctx, clock(31), late);
    sweepDevice(state, ctx, clock(32), late);
    expect(late.alerts).toMatchObject([{ state: 'raised', kind: 'device_offline', ruleId: 'device-offline', severity: 'major', limit: 30, lastSeen: T0 }]);
    expect(late.alerts[0]?.alertId).toBe(alertIdOf('device-offline', 'CEMS0001', '', T0));
    expect(late.alerts[0]?.evidence.map((e) => e.observationId)).toEqual([`CEMS0001:2011:${new Date(T0).toISOString()}`]);
    // A restart that lost the in-memory state but reloaded the checkpoint sees the alert open: no second raise.
    const reloaded = JSON.parse(JSON.stringify(state)) as DeviceState;
    const again: Emitted = { alerts: [], aqi: [] };
    sweepDevice(reloaded, ctx, clock(40), again);
    expect(again.alerts).toEqual([]);
    const back = run(reloaded, ctx, obs('CEMS0001', 41, [so2(10)]));
    expect(back.alerts).toMatchObject([{ state: 'cleared', kind: 'device_offline', sequence: 2, alertId: late.alerts[0]?.alertId }]);
  });

  it('waits a full window after start-up before calling anyone offline, and ignores disabled devices', () => {
    const state = newDeviceState('CEMS0001');
    run(state, context(cems), obs('CEMS0001', 0, [so2(10)]));
    const out: Emitted = { alerts: [], aqi: [] };
    sweepDevice(state, context(cems), clock(60, 40), out);
    sweepDevice(state, context({ ...cems, enabled: false }), clock(90, 0), out);
    expect(out.alerts).toEqual([]);
    sweepDevice(state, context(cems), clock(70, 40), out);
    expect(out.alerts).toHaveLength(1);
  });
});

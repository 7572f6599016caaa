import { describe, expect, it } from 'vitest';
import { computeAqi } from '@ecogrid/standards';
import { newDeviceState, type DeviceState } from './device-state';
import { evaluateObservation } from './evaluate-observation';
import type { DeviceProfile, Observation } from './model';
import type { Emitted, EvaluationContext } from './rule-runner';
import { compileRuleset } from './rules/compiled-ruleset';
import { DEFAULT_RULESET } from './rules/default-ruleset';
import { parseRuleset } from './rules/ruleset';
import { sweepDevice } from './sweep-device';

const station: DeviceProfile = {
  mn: 'AIR0001',
  kind: 'NATIONAL_AIR_STATION',
  enabled: true,
  enterpriseUscc: '',
  cellId: 'cell-1',
  townshipCode: '140802001',
  location: { lon: 111.0, lat: 35.0 },
  factors: ['a21026', 'a21004', 'a34002', 'a34004', 'a05024'].map((factorCode) => ({ factorCode, unit: 'µg/m³', limitOnConverted: false })).concat([{ factorCode: 'a21005', unit: 'mg/m³', limitOnConverted: false }]),
};
const ctx: EvaluationContext = { rules: compileRuleset(parseRuleset(DEFAULT_RULESET)), device: station, targetsNear: () => [] };

const HOUR = 3_600_000;
const MIN = 60_000;

type Values = Record<string, number>;
const SIX: Values = { a21026: 10, a21004: 40, a34002: 80, a34004: 50, a21005: 0.8, a05024: 120 };

function observation(time: number, command: string, values: Values, kind = command === '2011' ? 'Rtd' : 'Avg', flag = 'N'): Observation {
  return {
    id: `AIR0001:${command}:${new Date(time).toISOString()}`,
    deviceMn: 'AIR0001',
    command,
    dataTime: time,
    receivedTime: time,
    measurements: Object.entries(values).map(([factorCode, value]) => ({ factorCode, kind: kind as 'Avg', value, flag, unit: '' })),
    enterpriseUscc: '',
    cellId: '',
    townshipCode: '',
  };
}

function feed(state: DeviceState, ...observations: Observation[]): Emitted {
  const out: Emitted = { alerts: [], aqi: [] };
  for (const item of observations) evaluateObservation(state, item, ctx, out);
  return out;
}

describe('hourly AQI per station', () => {
  it('computes an hour from the station hourly data (2061) under HJ 633-2026 for a 2026 hour, as computeAqi would', () => {
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const out = feed(newDeviceState('AIR0001'), observation(hour, '2061', SIX));
    expect(out.aqi).toHaveLength(1);
    const expected = computeAqi({ version: 'HJ633-2026', report: 'hourly', concentrations: { SO2_1h: 10, NO2_1h: 40, PM10_1h: 80, PM25_1h: 50, CO_1h: 0.8, O3_1h: 120 } });
    expect(out.aqi[0]).toMatchObject({
      stationMn: 'AIR0001',
      hourStart: hour,
      aqi: expected.aqi,
      standard: 'HJ 633-2026',
      source: 'hourly_data',
      complete: true,
      publishable: true,
      revision: 1,
      cellId: 'cell-1',
      primaryPollutants: expected.primaryPollutants,
      category: expected.category?.name,
    });
    // PM2.5 50 µg/m³ under the 2026 breakpoints (35 → 50, 60 → 100) is the maximum: 80.
    expect(out.aqi[0]?.aqi).toBe(80);
    expect(out.aqi[0]?.indexes.map((index) => index.indicator)).toEqual(['SO2_1h', 'NO2_1h', 'PM10_1h', 'CO_1h', 'O3_1h', 'PM25_1h']);
  });

  it('chooses HJ 633-2012 for an hour before 2026-03-01 (China time), where PM needs 24-hour moving means', () => {
    // 2026-02-28T16:00Z is 2026-03-01 00:00 in China: the first 2026 hour. One hour earlier is still 2012.
    const last2012 = Date.parse('2026-02-28T15:00:00Z');
    const first2026 = Date.parse('2026-02-28T16:00:00Z');
    const state = newDeviceState('AIR0001');
    const early = feed(state, observation(last2012, '2061', SIX));
    expect(early.aqi[0]).toMatchObject({ standard: 'HJ 633-2012', complete: false, publishable: false });
    expect(early.aqi[0]?.missingIndicators).toEqual(expect.arrayContaining(['PM10_24h', 'PM25_24h', 'O3_8h']));
    expect(feed(state, observation(first2026, '2061', SIX)).aqi[0]).toMatchObject({ standard: 'HJ 633-2026', complete: true });
  });

  it('rates 2012 hours with 24-hour PM means once 20 hours exist', () => {
    const state = newDeviceState('AIR0001');
    const start = Date.parse('2025-11-29T00:00:00Z');
    let last: Emitted = { alerts: [], aqi: [] };
    for (let hour = 0; hour < 20; hour += 1) last = feed(state, observation(start + hour * HOUR, '2061', { ...SIX, a34004: 50 + hour }));
    const pm25 = last.aqi[0]?.indexes.find((index) => index.indicator === 'PM25_24h');
    expect(pm25?.concentration).toBe(59.5);
    expect(last.aqi[0]).toMatchObject({ standard: 'HJ 633-2012', complete: true, publishable: true });
  });

  it('aggregates real-time data: an hour with 45 covered minutes is closed by the next hour\'s first reading', () => {
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const state = newDeviceState('AIR0001');
    const minutes = Array.from({ length: 45 }, (_, minute) => observation(hour + minute * MIN, '2011', { ...SIX, a34004: minute % 2 === 0 ? 40 : 60 }));
    expect(feed(state, ...minutes).aqi).toEqual([]);
    const closed = feed(state, observation(hour + HOUR, '2011', SIX));
    expect(closed.aqi).toHaveLength(1);
    expect(closed.aqi[0]).toMatchObject({ hourStart: hour, source: 'aggregated_realtime', revision: 1 });
    // Mean 49.78 µg/m³, rounded to an integer by GB/T 8170 before rating (HJ 633-2026 §4.2.2).
    expect(closed.aqi[0]?.indexes.find((index) => index.pollutant === 'PM2.5')?.concentration).toBe(50);
    // The station's own hourly data for the same hour arrives later: it replaces the aggregate as revision 2.
    const revised = feed(state, observation(hour, '2061', SIX));
    expect(revised.aqi[0]).toMatchObject({ hourStart: hour, source: 'hourly_data', revision: 2 });
    expect(feed(state, observation(hour + 30 * MIN, '2061', SIX)).aqi).toEqual([]);
  });

  it('does not publish an aggregated hour with fewer than 45 covered minutes, nor count flagged values', () => {
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const state = newDeviceState('AIR0001');
    feed(state, ...Array.from({ length: 44 }, (_, minute) => observation(hour + minute * MIN, '2011', SIX)));
    feed(state, ...Array.from({ length: 10 }, (_, minute) => observation(hour + (44 + minute) * MIN, '2011', SIX, 'Rtd', 'M')));
    expect(feed(state, observation(hour + HOUR, '2011', SIX)).aqi).toEqual([]);
  });

  it('the sweep closes an hour ten minutes after its end when no later reading came', () => {
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const state = newDeviceState('AIR0001');
    feed(state, ...Array.from({ length: 50 }, (_, minute) => observation(hour + minute * MIN, '2011', SIX)));
    const early: Emitted = { alerts: [], aqi: [] };
    sweepDevice(state, ctx, { now: hour + HOUR + 9 * MIN, startedAt: hour }, early);
    expect(early.aqi).toEqual([]);
    const due: Emitted = { alerts: [], aqi: [] };
    sweepDevice(state, ctx, { now: hour + HOUR + 10 * MIN, startedAt: hour }, due);
    expect(due.aqi).toMatchObject([{ hourStart: hour, source: 'aggregated_realtime' }]);
  });
});

describe('hourly AQI from late data', () => {
  const hour = Date.parse('2026-11-29T02:00:00Z');
  const PM: Values = { a34002: 80, a34004: 50 };
  const minutes = (from: number, to: number, command: string, values: Values): Observation[] =>
    Array.from({ length: to - from }, (_, index) => observation(hour + (from + index) * MIN, command, values));

  it('an hour published short of pollutants is republished as the next revision when back-filled minutes complete it', () => {
    const state = newDeviceState('AIR0001');
    // Live: every pollutant for half an hour, then only PM (the gas analysers' link was down).
    feed(state, ...minutes(0, 30, '2011', SIX), ...minutes(30, 60, '2011', PM));
    const closed = feed(state, observation(hour + HOUR, '2011', SIX), observation(hour + HOUR, '2051', SIX));
    expect(closed.aqi).toMatchObject([{ hourStart: hour, revision: 1, source: 'aggregated_realtime', complete: false }]);
    expect(closed.aqi[0]?.indexes.map((index) => index.pollutant)).toEqual(['PM10', 'PM2.5']);
    // Back-fill of the stored minute data: the gases reach 45 covered minutes at the 15th late minute.
    const backfill = minutes(30, 60, '2051', SIX);
    const out: Emitted = { alerts: [], aqi: [] };
    const outcomes = backfill.map((item) => evaluateObservation(state, item, ctx, out));
    expect(new Set(outcomes)).toEqual(new Set(['late_evaluated']));
    expect(out.aqi).toHaveLength(1);
    expect(out.aqi[0]).toMatchObject({ hourStart: hour, revision: 2, source: 'aggregated_realtime', complete: true });
    expect(out.aqi[0]?.indexes.find((index) => index.pollutant === 'SO2')?.concentration).toBe(10);
    expect(out.alerts).toEqual([]);
    // Sent again: duplicates, nothing republished.
    expect(feed(state, ...backfill).aqi).toEqual([]);
    // The station's own hourly data for the hour is the next revision.
    const own = feed(state, observation(hour, '2061', SIX));
    expect(own.aqi).toMatchObject([{ hourStart: hour, revision: 3, source: 'hourly_data' }]);
    expect(feed(state, observation(hour, '2061', SIX)).aqi).toEqual([]);
  });

  it('an hour closed with too few minutes is published once back-filled minutes complete it, and a re-evaluation gives the same', () => {
    const live = (state: DeviceState): Emitted => feed(state, ...minutes(0, 20, '2011', SIX), ...minutes(0, 20, '2051', SIX), observation(hour + HOUR, '2011', SIX), observation(hour + HOUR, '2051', SIX));
    const state = newDeviceState('AIR0001');
    expect(live(state).aqi).toEqual([]);
    const backfill = minutes(20, 60, '2051', SIX);
    const out = feed(state, ...backfill);
    expect(out.aqi).toMatchObject([{ hourStart: hour, revision: 1, source: 'aggregated_realtime', complete: true }]);
    expect(state.station?.incomplete?.[String(hour)]).toBeUndefined();
    const again = newDeviceState('AIR0001');
    live(again);
    expect(feed(again, ...backfill).aqi).toEqual(out.aqi);
  });

  it('late hourly data publishes its hour without judging the ambient episodes, which run in hour order', () => {
    const state = newDeviceState('AIR0001');
    feed(state, observation(hour, '2061', SIX), observation(hour + 2 * HOUR, '2061', SIX));
    const out = feed(state, observation(hour + HOUR, '2061', { ...SIX, a21026: 600 }));
    expect(out.aqi).toMatchObject([{ hourStart: hour + HOUR, revision: 1, source: 'hourly_data' }]);
    expect(out.alerts).toEqual([]);
    expect(state.episodes).toEqual({});
  });
});

describe('ambient limits (GB 3095 by averaging period)', () => {
  it('raises on an hourly SO2 mean above the grade II 1-hour limit and clears on the next compliant hour', () => {
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const state = newDeviceState('AIR0001');
    const raised = feed(state, observation(hour, '2061', { ...SIX, a21026: 520 }));
    expect(raised.alerts).toMatchObject([
      { state: 'raised', kind: 'ambient_limit', ruleId: 'ambient-1h', factorCode: 'a21026', averagingPeriod: '1h', limit: 500, value: 520, limitSource: 'GB3095-2026 transition grade II', exceedanceMultiple: 0.04 },
    ]);
    expect(feed(state, observation(hour + HOUR, '2061', SIX)).alerts).toMatchObject([{ state: 'cleared', ruleId: 'ambient-1h' }]);
  });

  it('judges daily data (2031) against the 24-hour limits, with the 2026 PM2.5 limit of 60', () => {
    const day = Date.parse('2026-11-28T16:00:00Z');
    const out = feed(newDeviceState('AIR0001'), observation(day, '2031', { a34004: 61, a34002: 100 }));
    expect(out.alerts).toMatchObject([{ ruleId: 'ambient-24h', factorCode: 'a34004', averagingPeriod: '24h', limit: 60, severity: 'major' }]);
  });

  it('raises on the O3 8-hour moving mean once 6 hours exist', () => {
    const start = Date.parse('2026-07-01T00:00:00Z');
    const state = newDeviceState('AIR0001');
    const out: Emitted = { alerts: [], aqi: [] };
    for (let hour = 0; hour < 6; hour += 1) {
      const step = feed(state, observation(start + hour * HOUR, '2061', { ...SIX, a05024: 170 }));
      out.alerts.push(...step.alerts);
    }
    expect(out.alerts.map((alert) => [alert.ruleId, alert.averagingPeriod, alert.state])).toEqual([['ambient-8h', '8h', 'raised']]);
    expect(out.alerts[0]?.limit).toBe(160);
  });

  it('converts a station configured in mg/m³ before comparing', () => {
    const milligrams: DeviceProfile = { ...station, factors: [{ factorCode: 'a21026', unit: 'mg/m³', limitOnConverted: false }] };
    const out: Emitted = { alerts: [], aqi: [] };
    evaluateObservation(newDeviceState('AIR0001'), observation(Date.parse('2026-11-29T02:00:00Z'), '2061', { a21026: 0.52 }), { ...ctx, device: milligrams }, out);
    expect(out.alerts).toMatchObject([{ value: 520, limit: 500 }]);
  });
});

import { describe, expect, it } from 'vitest';
import { classifyDevice, type DeviceFacts } from './monitored-series';

const riverStation: DeviceFacts = {
  mn: '140802SZ019090768E746266',
  kind: 'water_station',
  // As the Yanhu demo registers the 姚暹渠曾家营 section: COD, NH3-N, TP with the section's limits, pH, DO, temperature.
  factors: [
    { code: 'w01018', unit: 'mg/L', limit: 40 },
    { code: 'w21003', unit: 'mg/L', limit: 2 },
    { code: 'w21011', unit: 'mg/L', limit: 0.4 },
    { code: 'w01001', unit: '' },
    { code: 'w01009', unit: 'mg/L' },
    { code: 'w01010', unit: 'C' },
  ],
};

describe('classifyDevice', () => {
  it('watches a river section against its registry limits, and DO and pH against GB 3838', () => {
    const watched = classifyDevice(riverStation);
    expect(watched?.seriesKind).toBe('river_section');
    expect(watched?.factors.map((factor) => [factor.code, factor.limit, factor.limitSource])).toEqual([
      ['w01018', { kind: 'upper', value: 40 }, '登记限值'],
      ['w21003', { kind: 'upper', value: 2 }, '登记限值'],
      ['w21011', { kind: 'upper', value: 0.4 }, '登记限值'],
      ['w01001', { kind: 'range', low: 6, high: 9 }, 'GB 3838-2002 III 类'],
      ['w01009', { kind: 'lower', value: 5 }, 'GB 3838-2002 III 类'],
    ]);
  });

  it('uses the configured class where the registry has no limit', () => {
    const bare: DeviceFacts = { ...riverStation, factors: [{ code: 'w01018', unit: 'mg/L' }, { code: 'w01009', unit: 'mg/L' }] };
    expect(classifyDevice(bare, { waterSourceRadiusM: 1_000, toxicGasRadiusM: 1_000, riverClass: 4 })?.factors.map((factor) => factor.limit)).toEqual([
      { kind: 'upper', value: 30 },
      { kind: 'lower', value: 3 },
    ]);
  });

  it('holds a water source to class II in a 一级保护区, class III otherwise, whatever looser limit the registry has', () => {
    const atSource = (firstGradeZone: boolean): DeviceFacts => ({ ...riverStation, drinkingWaterSource: { id: 'DWS01-1', name: '东孙坞', firstGradeZone, distanceM: 120 } });
    const first = classifyDevice(atSource(true));
    expect(first).toMatchObject({ seriesKind: 'water_source', relatedTargetId: 'DWS01-1' });
    expect(first?.factors.find((factor) => factor.code === 'w21003')?.limit).toEqual({ kind: 'upper', value: 0.5 });
    expect(first?.factors.find((factor) => factor.code === 'w01009')?.limit).toEqual({ kind: 'lower', value: 6 });
    const second = classifyDevice(atSource(false));
    expect(second?.factors.find((factor) => factor.code === 'w01018')).toMatchObject({ limit: { kind: 'upper', value: 20 }, limitSource: 'GB 3838-2002 III 类' });
  });

  it('treats a water station beyond the source radius as a river section', () => {
    expect(classifyDevice({ ...riverStation, drinkingWaterSource: { id: 'DWS01-1', name: '东孙坞', firstGradeZone: true, distanceM: 1_500 } })?.seriesKind).toBe('river_section');
  });

  it('watches an air station near a risk source for toxic gases, in the units it sends', () => {
    const watched = classifyDevice({
      mn: '140802WZ00322CE0C12BF793',
      kind: 'air_station',
      factors: [
        { code: 'a34004', unit: 'ug/m3' },
        { code: 'a21026', unit: 'ug/m3' },
        { code: 'a21004', unit: 'ug/m3' },
        { code: 'a21005', unit: 'mg/m3' },
        { code: 'a24088', unit: 'mg/m3' },
      ],
      riskSource: { id: 'RSK02', name: '危化品库', distanceM: 480 },
    });
    expect(watched?.seriesKind).toBe('toxic_gas');
    expect(watched?.factors.map((factor) => [factor.code, factor.limit])).toEqual([
      ['a21026', { kind: 'upper', value: 500 }],
      ['a21004', { kind: 'upper', value: 200 }],
      ['a21005', { kind: 'upper', value: 10 }],
    ]);
  });

  it('watches H2S, NH3 and Cl2 at a toxic-gas monitor against the limits registered for them, and only then', () => {
    const monitor = {
      mn: '140802TG0300000000000D01',
      kind: 'air_station' as const,
      factors: [
        { code: 'a21028', unit: 'mg/m3', limit: 0.06 },
        { code: 'a21001', unit: 'mg/m3', limit: 1.5 },
        { code: 'a21022', unit: 'mg/m3', limit: 0.4 },
        { code: 'a21005', unit: 'mg/m3' },
      ],
      riskSource: { id: 'RSK03', name: '危化品库', distanceM: 120 },
    };
    const watched = classifyDevice(monitor);
    expect(watched?.seriesKind).toBe('toxic_gas');
    expect(watched?.factors.map((factor) => [factor.code, factor.nameZh, factor.unit, factor.limit, factor.limitSource])).toEqual([
      ['a21028', '硫化氢', 'mg/m³', { kind: 'upper', value: 0.06 }, '登记限值'],
      ['a21001', '氨', 'mg/m³', { kind: 'upper', value: 1.5 }, '登记限值'],
      ['a21022', '氯气', 'mg/m³', { kind: 'upper', value: 0.4 }, '登记限值'],
      ['a21005', '一氧化碳', 'mg/m³', { kind: 'upper', value: 10 }, 'GB 3095-2026 1 小时平均 二级'],
    ]);
    // Without a registered limit there is no standard to watch the three gases against.
    const unlimited = classifyDevice({ ...monitor, factors: monitor.factors.map(({ code, unit }) => ({ code, unit })) });
    expect(unlimited?.factors.map((factor) => factor.code)).toEqual(['a21005']);
  });

  it('leaves alone air stations far from risk sources, and devices of other kinds', () => {
    expect(classifyDevice({ mn: 'x', kind: 'air_station', factors: [{ code: 'a21005', unit: 'mg/m3' }], riskSource: { id: 'R', name: 'r', distanceM: 5_000 } })).toBeNull();
    expect(classifyDevice({ mn: 'y', kind: 'other', factors: [{ code: 'w01018', unit: 'mg/L', limit: 100 }] })).toBeNull();
  });
});

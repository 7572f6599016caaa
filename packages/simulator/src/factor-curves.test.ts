import { describe, expect, it } from 'vitest';
import { chinaHourOfDay, curveFor, curveValue, formatValue } from './factor-curves';

/** 2026-11-29 at `hour`:00 Beijing time. */
const at = (hour: number): number => Date.UTC(2026, 10, 29, hour - 8, 0, 0);

describe('diurnal curves', () => {
  it('reads the hour in Beijing time', () => {
    expect(chinaHourOfDay(at(15))).toBe(15);
    expect(chinaHourOfDay(Date.UTC(2026, 10, 29, 16, 30))).toBe(0.5);
  });

  it('puts ozone at its photochemical peak in the afternoon and its low before dawn', () => {
    const o3 = curveFor('ambient_air', 'a05024');
    expect(curveValue(o3, at(15))).toBeGreaterThan(2 * curveValue(o3, at(3)));
    expect(curveValue(o3, at(15))).toBeGreaterThan(curveValue(o3, at(11)));
  });

  it('raises PM2.5 in the evening and morning rush above the afternoon, and stays in a plausible winter range', () => {
    const pm25 = curveFor('ambient_air', 'a34004');
    expect(curveValue(pm25, at(21))).toBeGreaterThan(curveValue(pm25, at(15)));
    expect(curveValue(pm25, at(8))).toBeGreaterThan(curveValue(pm25, at(14)));
    for (let hour = 0; hour < 24; hour++) {
      expect(curveValue(pm25, at(hour))).toBeGreaterThan(20);
      expect(curveValue(pm25, at(hour))).toBeLessThan(90);
    }
  });

  it('keeps pH between 6 and 9 all day and stack O2 near 9–10 %', () => {
    const ph = curveFor('water', 'w01001');
    const o2 = curveFor('flue_gas', 'a19001');
    for (let hour = 0; hour < 24; hour++) {
      expect(curveValue(ph, at(hour))).toBeGreaterThan(6);
      expect(curveValue(ph, at(hour))).toBeLessThan(9);
      expect(curveValue(o2, at(hour))).toBeGreaterThan(8.5);
      expect(curveValue(o2, at(hour))).toBeLessThan(10.5);
    }
  });

  it('lowers a baseline that would sit near the device permit limit, so a compliant plant complies', () => {
    expect(curveFor('flue_gas', 'a21026', 100).base).toBe(18);
    expect(curveFor('flue_gas', 'a21026', 20).base).toBeCloseTo(11);
    expect(curveFor('flue_gas', 'x99999', 40).base).toBe(20);
  });

  it('writes values with fixed decimals and never as -0', () => {
    expect(formatValue(12.345, 1)).toBe('12.3');
    expect(formatValue(-0.0001, 2)).toBe('0.00');
    expect(formatValue(-1.5, 1)).toBe('-1.5');
  });
});

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { arrivedOnTime, chinaDay, expectedRecords, flagClass, ratePeriod, sumTallies, transmissionRates } from './transmission-rate';

const HOUR = 3_600_000;

describe('transmission rates (STANDARDS.md §9.3.1)', () => {
  it('works the national example: 24 hours owed, 22 received, 20 valid → 91.67 %, 90.91 %, 83.33 %', () => {
    const rates = transmissionRates({ expected: 24, received: 22, receivedOnTime: 21, valid: 20 });
    expect(rates.transmissionRate).toBeCloseTo(22 / 24, 10);
    expect(rates.validityRate).toBeCloseTo(20 / 22, 10);
    // 传输有效率 = 传输率 × 有效率 = 有效 ÷ 应收
    expect(rates.effectiveTransmissionRate).toBeCloseTo(20 / 24, 10);
    expect(rates.onTimeTransmissionRate).toBeCloseTo(21 / 24, 10);
  });

  it('a month of a key enterprise: 720 hours owed, 700 received, 650 valid → 97.22 % × 92.86 % = 90.28 %', () => {
    const rates = transmissionRates({ expected: 720, received: 700, receivedOnTime: 700, valid: 650 });
    expect(Number(rates.transmissionRate?.toFixed(4))).toBe(0.9722);
    expect(Number(rates.validityRate?.toFixed(4))).toBe(0.9286);
    expect(Number(rates.effectiveTransmissionRate?.toFixed(4))).toBe(0.9028);
  });

  it('has no rate where nothing was owed, and a validity of none where nothing came', () => {
    expect(transmissionRates({ expected: 0, received: 0, receivedOnTime: 0, valid: 0 })).toMatchObject({ transmissionRate: null, validityRate: null, effectiveTransmissionRate: null });
    expect(transmissionRates({ expected: 24, received: 0, receivedOnTime: 0, valid: 0 })).toMatchObject({ transmissionRate: 0, validityRate: null, effectiveTransmissionRate: 0 });
  });

  it('sums an enterprise over its devices, and stays within [0, 1] with the product rule (property)', () => {
    expect(sumTallies([{ expected: 24, received: 24, receivedOnTime: 24, valid: 24 }, { expected: 24, received: 12, receivedOnTime: 10, valid: 6 }])).toEqual({ expected: 48, received: 36, receivedOnTime: 34, valid: 30 });
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1200), fc.nat(1200), fc.nat(1200), (expected, received, onTime, valid) => {
        const rates = transmissionRates({ expected, received, receivedOnTime: Math.min(onTime, received), valid: Math.min(valid, received) });
        for (const value of [rates.transmissionRate, rates.validityRate, rates.effectiveTransmissionRate, rates.onTimeTransmissionRate]) if (value !== null && (value < 0 || value > 1)) return false;
        if (rates.transmissionRate !== null && rates.validityRate !== null && Math.abs((rates.effectiveTransmissionRate ?? -1) - rates.transmissionRate * rates.validityRate) > 1e-12) return false;
        return true;
      }),
    );
  });
});

describe('what is owed and what counts', () => {
  const day = ratePeriod('day', '2026-12-06')!;

  it('reads a Beijing day and month', () => {
    expect(day).toEqual({ start: new Date('2026-12-05T16:00:00Z'), end: new Date('2026-12-06T16:00:00Z') });
    expect(ratePeriod('month', '2026-02')).toEqual({ start: new Date('2026-01-31T16:00:00Z'), end: new Date('2026-02-28T16:00:00Z') });
    expect(ratePeriod('day', '2026-02-30')).toBeNull();
    expect(ratePeriod('month', '2026-13')).toBeNull();
    expect(chinaDay(new Date('2026-12-05T16:00:00Z'))).toBe('2026-12-06');
  });

  it('owes 24 hours for a past day, 144 ten-minute records, and only the ended hours of today', () => {
    const later = new Date('2026-12-08T00:00:00Z');
    expect(expectedRecords(day, HOUR, later)).toBe(24);
    expect(expectedRecords(day, 600_000, later)).toBe(144);
    // 10:30 Beijing time: hours 00–09 have ended.
    expect(expectedRecords(day, HOUR, new Date('2026-12-06T02:30:00Z'))).toBe(10);
    expect(expectedRecords(day, HOUR, new Date('2026-12-05T16:59:59Z'))).toBe(0);
    expect(expectedRecords(ratePeriod('month', '2026-02')!, HOUR, later)).toBe(28 * 24);
  });

  it('counts a record valid only when every flag is N, and on time only unmarked and within the grace', () => {
    expect(flagClass(['N', 'N'])).toBe('valid');
    expect(flagClass(['N', 'M'])).toBe('invalid');
    expect(flagClass(['T'])).toBe('invalid');
    const dataTime = new Date('2026-12-06T02:00:00Z');
    expect(arrivedOnTime({ dataTime, receivedTime: new Date('2026-12-06T03:00:05Z'), resend: false }, HOUR, HOUR)).toBe(true);
    expect(arrivedOnTime({ dataTime, receivedTime: new Date('2026-12-06T04:00:01Z'), resend: false }, HOUR, HOUR)).toBe(false);
    expect(arrivedOnTime({ dataTime, receivedTime: new Date('2026-12-06T03:00:05Z'), resend: true }, HOUR, HOUR)).toBe(false);
  });
});

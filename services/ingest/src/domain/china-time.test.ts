import { describe, expect, it } from 'vitest';
import { formatChinaDigits, parseChinaDigits } from './china-time';

describe('HJ 212 Beijing-time digits', () => {
  it('reads YYYYMMDDhhmmss as UTC+8', () => {
    expect(parseChinaDigits('20261129155900')?.toISOString()).toBe('2026-11-29T07:59:00.000Z');
    expect(parseChinaDigits('20260101000000')?.toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it('reads seventeen digits as a time with milliseconds, as a real device sends DataTime', () => {
    expect(parseChinaDigits('20210305003817000')?.toISOString()).toBe('2021-03-04T16:38:17.000Z');
    expect(parseChinaDigits('20210305003817250')?.toISOString()).toBe('2021-03-04T16:38:17.250Z');
  });

  it.each(['2026112915590', '2026112915590x', '202611291559001', '2026112915590012', '2021030500381700x', '202103050038170001', '20261332000000', '20260231120000', '20261129246000', '20261129235960'])('refuses %s', (text) => {
    expect(parseChinaDigits(text)).toBeNull();
  });

  it('round-trips', () => {
    const instant = new Date('2026-06-30T23:15:42Z');
    expect(parseChinaDigits(formatChinaDigits(instant))?.getTime()).toBe(instant.getTime());
    expect(formatChinaDigits(instant)).toBe('20260701071542');
  });
});

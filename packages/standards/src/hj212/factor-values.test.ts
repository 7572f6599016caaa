import { describe, expect, it } from 'vitest';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { emissionValue, hj212TimeToIso } from './factor-values';
import { parseFrame } from './parse-frame';

describe('emissionValue (HJ 212-2017 table 4 Zs… values)', () => {
  it('prefers the converted value and says so (2005-style CEMS frame with ZsRtd)', () => {
    const frame = parseFrame(`${PUBLIC_FRAMES.find((entry) => entry.frame.startsWith('##0372'))!.frame}\r\n`);
    expect(emissionValue(frame.cp.factors['02']!, 'Rtd')).toEqual({ value: '51.0317', converted: true });
    expect(emissionValue(frame.cp.factors['S01']!, 'Rtd')).toEqual({ value: '14.913', converted: false });
    expect(emissionValue(frame.cp.factors['S01']!, 'Avg')).toBeNull();
  });
});

describe('hj212TimeToIso', () => {
  it.each([
    ['20240123131500', '2024-01-23T13:15:00+08:00'],
    ['20160801085857223', '2016-08-01T08:58:57.223+08:00'],
    ['20240230000000', null],
    ['20241301000000', null],
    ['2024012313150', null],
  ])('%s → %s', (text, iso) => {
    expect(hj212TimeToIso(text)).toBe(iso);
  });
});

import { describe, expect, it } from 'vitest';
import { hj212Options, parseFrame, platformReplyFor, tryParseFrame } from '@ecogrid/standards';
import { buildUpload } from './build-upload';
import type { SimulatedDevice } from './device';
import { generateReadings } from './readings';
import { seededRandom } from './random';

const AIR: SimulatedDevice = {
  mn: '140802AQ01EE8D16FEFF37F5',
  password: 'F7D8C7',
  systemCode: '22',
  category: 'ambient_air',
  profile: '2017',
  factors: ['a21026', 'a21004', 'a34002', 'a34004', 'a05024', 'a21005', 'a01001', 'a01002'].map((code) => ({ code })),
};
const QUIET = { exceedanceProbability: 0, exceedanceDurationMs: 1, abnormalFlagProbability: 0 };
// 2026-11-29 15:59:30.123 Beijing time
const now = Date.UTC(2026, 10, 29, 7, 59, 30, 123);
const readings = (device: SimulatedDevice, intervalMs = 0) => generateReadings(device, now, intervalMs, {}, seededRandom(9), QUIET);

describe('buildUpload', () => {
  it('writes a strict HJ 212-2017 real-time upload of 8 factors that asks for a 9014 echoing its QN', () => {
    const built = buildUpload(AIR, { cn: '2011', qnMs: now, dataTimeMs: now - 123, readings: readings(AIR) });
    const frame = parseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2017' }));
    expect(frame).toMatchObject({ qn: '20261129155930123', st: '22', cn: '2011', pw: 'F7D8C7', mn: AIR.mn, version: '2017' });
    expect(frame.flag).toMatchObject({ value: 5, needsAck: true });
    expect(frame.cp.dataTime).toBe('20261129155930');
    expect(Object.keys(frame.cp.factors)).toHaveLength(8);
    expect(frame.cp.factors.a34004).toMatchObject({ Flag: 'N' });
    expect(Number(frame.cp.factors.a34004?.Rtd)).toBeGreaterThan(0);
    expect(built.bytes.length).toBeLessThan(1_024);
    expect(platformReplyFor(frame)).toMatchObject({ cn: '9014', qn: built.qn });
    expect(built.needsAck).toBe(true);
    expect(built.resendBytes()).toBe(built.bytes);
  });

  it('writes hour data as Min/Avg/Max for the hour that starts at DataTime', () => {
    const built = buildUpload(AIR, { cn: '2061', qnMs: now, dataTimeMs: Date.UTC(2026, 10, 29, 6), readings: readings(AIR, 3_600_000) });
    const frame = parseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2017' }));
    expect(frame.cp.dataTime).toBe('20261129140000');
    expect(Object.keys(frame.cp.factors.a05024 ?? {})).toEqual(['Min', 'Avg', 'Max', 'Flag']);
  });

  it('writes a 2005 upload without QN or Flag, which asks for nothing', () => {
    const old = { ...AIR, profile: '2005' as const };
    const built = buildUpload(old, { cn: '2011', qnMs: now, dataTimeMs: now, readings: readings(old) });
    const frame = parseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2005' }));
    expect(frame.qn).toBeNull();
    expect(frame.flag).toBeNull();
    expect(built.qn).toBeNull();
    expect(built.needsAck).toBe(false);
    expect(platformReplyFor(frame)).toBeNull();
  });

  it('marks a 2025 re-send RF=1 under the same QN, and the first send not', () => {
    const modern = { ...AIR, profile: '2025' as const };
    const built = buildUpload(modern, { cn: '2011', qnMs: now, dataTimeMs: now, readings: readings(modern) });
    const options = hj212Options({ mode: 'strict', profile: '2025' });
    const first = parseFrame(built.bytes, options);
    const again = parseFrame(built.resendBytes(), options);
    expect(first.flag?.value).toBe(9);
    expect(first.resend).toBe(false);
    expect(again.resend).toBe(true);
    expect(again.qn).toBe(first.qn);
    expect(again.cp.text).toBe(first.cp.text);
  });

  it('writes a lower-case CRC for a tolerant device: accepted by default, refused where upper case is required', () => {
    const quirky = { ...AIR, lowerCaseCrc: true };
    const built = buildUpload(quirky, { cn: '2011', qnMs: now, dataTimeMs: now, readings: readings(quirky) });
    const crc = new TextDecoder().decode(built.bytes.slice(-6, -2));
    expect(crc).toBe(crc.toLowerCase());
    expect(tryParseFrame(built.bytes, hj212Options({ mode: 'tolerant', profile: '2017' })).ok).toBe(true);
    expect(tryParseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2017' })).ok).toBe(true);
    const upperOnly = tryParseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2017', crcCase: 'upper' }));
    // A CRC of only digits has no case; every other must be refused.
    if (/[a-f]/.test(crc)) expect(upperOnly.ok ? 'accepted' : upperOnly.error.code).toBe('bad_crc_format');
  });

  it('drops Min/Max rather than split an interval upload that would exceed 1024 bytes', () => {
    const wide: SimulatedDevice = { ...AIR, category: 'flue_gas', factors: ['a21026', 'a21002', 'a21003', 'a21004', 'a34013', 'a21005', 'a24088', 'a19001', 'a01011', 'a01012', 'a01013', 'a01014', 'a01017', 'a00000'].map((code) => ({ code })) };
    const built = buildUpload(wide, { cn: '2061', qnMs: now, dataTimeMs: now, readings: readings(wide, 3_600_000) });
    const frame = parseFrame(built.bytes, hj212Options({ mode: 'strict', profile: '2017' }));
    expect(frame.dataLength).toBeLessThanOrEqual(1_024);
    expect(frame.cp.factors.a21026?.Min).toBeUndefined();
    expect(frame.cp.factors.a21026?.Avg).toBeDefined();
    expect(frame.cp.factors.a21026?.ZsAvg).toBeDefined();
  });
});

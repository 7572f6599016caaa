import { cpGroups } from './parse-cp';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeFrame, encodeFrameToString } from './encode-frame';
import { frameInputArbitrary } from './fixtures/frame-arbitraries';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { Hj212EncodeError } from './hj212-error';
import { hj212Options } from './hj212-options';
import { parseFrame } from './parse-frame';

const roomy = hj212Options({ maxDataLength: 4000 });

describe('encodeFrame (HJ 212-2017 §6.3)', () => {
  it('reproduces the Appendix A example byte for byte', () => {
    const text = encodeFrameToString({
      qn: '20160801085857223',
      st: '32',
      cn: '1062',
      pw: '100000',
      mn: '010000A8900016F000169DC0',
      flag: 5,
      cp: { params: { RtdInterval: 30 } },
    });
    expect(text).toBe(`${PUBLIC_FRAMES[0]!.frame}\r\n`);
  });

  it('reproduces the HJ 212-2025 A.1 example (empty CP)', () => {
    const text = encodeFrameToString({ qn: '20240601085857223', st: '32', cn: '1011', pw: '123456', mn: '010000A8900016F000169DC0', flag: 9 });
    expect(text).toBe(`${PUBLIC_FRAMES[1]!.frame}\r\n`);
  });

  it('writes DataTime first, then params, then one group per factor', () => {
    const text = encodeFrameToString({
      qn: '20240101000000000', st: '22', cn: '2061', pw: '123456', mn: 'MN01', flag: 4,
      cp: { dataTime: '20240101000000', factors: { a34004: { Avg: '14', Flag: 'N' }, a05024: { Avg: 63, Flag: 'N' } } },
    });
    expect(text).toContain(';CP=&&DataTime=20240101000000;a34004-Avg=14,a34004-Flag=N;a05024-Avg=63,a05024-Flag=N&&');
    expect(text).toMatch(/&&[0-9A-F]{4}\r\n$/);
  });

  it('re-encodes every strictly valid public frame byte-exactly from its parsed form', () => {
    for (const entry of PUBLIC_FRAMES.filter((candidate) => candidate.strict === 'ok' && !candidate.frame.includes('PNUM'))) {
      const crcCase = /[a-f]/.test(entry.frame.slice(-4)) ? 'lower' : 'upper';
      expect(encodeFrameToString(parseFrame(`${entry.frame}\r\n`), { crcCase })).toBe(`${entry.frame}\r\n`);
    }
  });

  it('round-trips: parseFrame(encodeFrame(x)) gives back x, and re-encoding is byte-exact', () => {
    fc.assert(
      fc.property(frameInputArbitrary, (input) => {
        const bytes = encodeFrame(input, { maxDataLength: 4000 });
        const frame = parseFrame(bytes, roomy);
        expect({ qn: frame.qn, st: frame.st, cn: frame.cn, pw: frame.pw, mn: frame.mn, flag: frame.flag?.value, pnum: frame.pnum, pno: frame.pno, resend: frame.resend }).toEqual({
          qn: input.qn, st: input.st, cn: input.cn, pw: input.pw, mn: input.mn, flag: input.flag, pnum: input.pnum, pno: input.pno, resend: input.resend,
        });
        expect(cpGroups(frame.cp.text)).toEqual(input.cp?.groups);
        expect(encodeFrame(frame, { maxDataLength: 4000 })).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, Parameters<typeof encodeFrame>[0], string]>([
    ['a ; in a value', { st: '22', cn: '2011', pw: '1', mn: 'M', flag: 4, cp: { params: { PolId: 'a;b' } } }, 'bad_field_value'],
    ['a space at the edge of a value', { st: '22', cn: '2011', pw: '1', mn: 'M', flag: 4, cp: { params: { PolId: ' a' } } }, 'bad_field_value'],
    ['&& in a header value', { st: '22', cn: '2011', pw: 'a&&b', mn: 'M', flag: 4 }, 'bad_field_value'],
    ['a missing MN', { st: '22', cn: '2011', pw: '1', mn: '', flag: 4 }, 'missing_required_field'],
    ['Flag 256', { st: '22', cn: '2011', pw: '1', mn: 'M', flag: 256 }, 'bad_flag'],
    ['PNUM without PNO', { st: '22', cn: '2011', pw: '1', mn: 'M', flag: 6, pnum: 2 }, 'missing_required_field'],
    ['a segment over 1024 bytes', { st: '22', cn: '2011', pw: '1', mn: 'M', flag: 4, cp: { params: { X: '9'.repeat(1100) } } }, 'data_segment_too_long'],
  ])('refuses %s', (_name, input, code) => {
    expect(() => encodeFrame(input)).toThrow(Hj212EncodeError);
    try {
      encodeFrame(input);
    } catch (error) {
      expect((error as Hj212EncodeError).code).toBe(code);
    }
  });
});

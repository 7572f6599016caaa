import { describe, expect, it } from 'vitest';
import { PUBLIC_FRAMES } from '../hj212/fixtures/public-frames';
import { HJ212_TOLERANT } from '../hj212/hj212-options';
import { tryParseFrame } from '../hj212/parse-frame';
import { categoryOfCode, findPollutant, POLLUTANTS, toCode2017 } from './catalogue';

describe('pollutant catalogue (HJ 212-2017 Appendix B)', () => {
  it('maps HJ/T 212-2005 codes to 2017 codes', () => {
    expect(toCode2017('011')).toBe('w01018');
    expect(toCode2017('060')).toBe('w21003');
    expect(toCode2017('B01')).toBe('w00000');
    expect(toCode2017('B02')).toBe('a00000');
    expect(toCode2017('01')).toBe('a34013');
    expect(toCode2017('02')).toBe('a21026');
    expect(toCode2017('S01')).toBe('a19001');
    expect(toCode2017('a34004')).toBe('a34004');
    expect(toCode2017('zz')).toBeNull();
  });

  it('has unique codes and unique 2005 codes', () => {
    expect(new Set(POLLUTANTS.map((pollutant) => pollutant.code)).size).toBe(POLLUTANTS.length);
    const old = POLLUTANTS.flatMap((pollutant) => (pollutant.code2005 ? [pollutant.code2005] : []));
    expect(new Set(old).size).toBe(old.length);
  });

  it('describes codes with names, units and categories', () => {
    expect(findPollutant('w01018')).toMatchObject({ nameZh: '化学需氧量', unit: 'mg/L', emissionUnit: 'kg', categories: ['water'] });
    expect(findPollutant('a21026')).toMatchObject({ nameZh: '二氧化硫', unit: 'mg/m³', ambientUnit: 'µg/m³' });
    expect(findPollutant('Leq')?.categories).toEqual(['noise']);
  });

  it('knows the toxic gases H2S, NH3 and Cl2 by their 2017 and 2005 codes, in mg/m³, marked as third-party', () => {
    expect(findPollutant('a21028')).toMatchObject({ code2005: '05', nameZh: '硫化氢', unit: 'mg/m³', source: 'third_party' });
    expect(findPollutant('a21001')).toMatchObject({ code2005: '10', nameZh: '氨（氨气）', unit: 'mg/m³', emissionUnit: 'g', source: 'third_party' });
    expect(findPollutant('a21022')).toMatchObject({ code2005: '11', nameZh: '氯气', unit: 'mg/m³', source: 'third_party' });
    expect(toCode2017('05')).toBe('a21028');
    expect(toCode2017('10')).toBe('a21001');
    expect(toCode2017('11')).toBe('a21022');
    for (const code of ['a21028', 'a21001', 'a21022']) expect(categoryOfCode(code)).toBe('ambient_air');
  });

  it.each([
    ['SB1', 'facility_state'],
    ['i12001', 'site_info'],
    ['a34004', 'ambient_air'],
    ['a01012', 'flue_gas'],
    ['w99999', 'water'],
    ['e10101', 'process'],
    ['ele01', null],
  ])('categorises %s as %s', (code, category) => {
    expect(categoryOfCode(code)).toBe(category);
  });

  it('categorises every standard-shaped code that real public frames carry', () => {
    const codes = new Set<string>();
    for (const entry of PUBLIC_FRAMES.filter((candidate) => candidate.tolerant === 'ok')) {
      const result = tryParseFrame(`${entry.frame}\r\n`, HJ212_TOLERANT);
      if (result.ok) for (const code of Object.keys(result.frame.cp.factors)) codes.add(code);
    }
    const unknown = [...codes].filter((code) => categoryOfCode(code) === null).sort();
    // What remains are vendor or hand-edited codes (O3, a2101, ele01, B00008, …), none of the HJ 212 shapes.
    expect(unknown.length).toBeGreaterThan(0);
    for (const code of unknown) expect(code).not.toMatch(/^([aw]\d{5}|SB\d+|i\d{5}|L[A-Za-z0-9]+|\d{2,3}|[BS]\d{2})$/);
    expect(findPollutant('a34004')).not.toBeNull();
  });
});

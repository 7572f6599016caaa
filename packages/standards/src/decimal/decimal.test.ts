import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareDecimal, decimalToString, exceedanceMultiple, roundGbT8170, toDecimal, DecimalInputError } from './decimal';

describe('toDecimal', () => {
  it.each([
    ['2.69700', '2.69700'],
    ['-0.041', '-0.041'],
    ['1e-7', '0.0000001'],
    ['12E2', '1200'],
    ['.5', '0.5'],
    ['7.', '7'],
  ])('reads %s exactly', (input, text) => {
    expect(decimalToString(toDecimal(input))).toBe(text);
  });

  it('reads numbers through their shortest text, so 2.2 is 2.2', () => {
    expect(decimalToString(toDecimal(2.2))).toBe('2.2');
    expect(decimalToString(toDecimal(0.1 + 0.2))).toBe('0.30000000000000004');
  });

  it.each(['', '.', 'abc', '1.2.3', '--1'])('rejects %j', (input) => {
    expect(() => toDecimal(input)).toThrow(DecimalInputError);
  });
});

describe('roundGbT8170 (GB/T 8170-2008 §3)', () => {
  it.each([
    ['35.5', 0, '36'],
    ['34.5', 0, '34'],
    ['34.500001', 0, '35'],
    ['0.45', 1, '0.4'],
    ['0.451', 1, '0.5'],
    ['0.35', 1, '0.4'],
    ['-2.5', 0, '-2'],
    ['-3.5', 0, '-4'],
    ['12.34', 3, '12.34'],
  ])('%s to %i places is %s', (input, places, output) => {
    expect(decimalToString(roundGbT8170(toDecimal(input), places))).toBe(output);
  });

  it('is within half a unit, and exact halves go to even', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 4 }), (hundredths, places) => {
        const value = { coefficient: BigInt(hundredths), scale: 4 };
        const rounded = roundGbT8170(value, places);
        const difference = Math.abs(hundredths / 1e4 - Number(decimalToString(rounded)));
        expect(difference).toBeLessThanOrEqual(0.5 * 10 ** -places + 1e-12);
      }),
    );
  });
});

describe('compareDecimal and exceedanceMultiple', () => {
  it('compares across scales', () => {
    expect(compareDecimal(toDecimal('1.0'), toDecimal('1'))).toBe(0);
    expect(compareDecimal(toDecimal('0.15'), toDecimal('0.150001'))).toBe(-1);
  });

  it('gives (C − S)/S rounded half-even to 2 places', () => {
    expect(exceedanceMultiple(toDecimal('0.3'), toDecimal('0.2'))).toBe(0.5);
    expect(exceedanceMultiple(toDecimal('1.0125'), toDecimal('1'))).toBe(0.01);
    expect(exceedanceMultiple(toDecimal('1.0135'), toDecimal('1'))).toBe(0.01);
    expect(exceedanceMultiple(toDecimal('1.01351'), toDecimal('1'))).toBe(0.01);
    expect(exceedanceMultiple(toDecimal('1.0155'), toDecimal('1'))).toBe(0.02);
    expect(exceedanceMultiple(toDecimal('1.025'), toDecimal('1'))).toBe(0.02);
    expect(exceedanceMultiple(toDecimal('1.035'), toDecimal('1'))).toBe(0.04);
  });
});

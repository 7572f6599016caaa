import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { crc16Hj212, crc16Hj212Ascii, formatCrc } from './crc16';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The standard's Appendix A routine transcribed bit by bit, as an independent oracle for the table version. */
function appendixA(bytes: Uint8Array): number {
  let register = 0xffff;
  for (const byte of bytes) {
    register = (register >>> 8) ^ byte;
    for (let bit = 0; bit < 8; bit++) {
      const carry = register & 1;
      register >>>= 1;
      if (carry) register ^= 0xa001;
    }
  }
  return register;
}

/** CRC-16/MODBUS, which HJ 212 is often mistaken for. */
function modbus(bytes: Uint8Array): number {
  let register = 0xffff;
  for (const byte of bytes) {
    register ^= byte;
    for (let bit = 0; bit < 8; bit++) register = register & 1 ? (register >>> 1) ^ 0xa001 : register >>> 1;
  }
  return register;
}

describe('crc16Hj212 (HJ 212-2017 Appendix A)', () => {
  it.each([
    ['', 0xffff],
    ['123456789', 0x2f80],
    ['\u0000', 0x4040],
  ])('check value of %j', (text, expected) => {
    expect(crc16Hj212(ascii(text))).toBe(expected);
  });

  it('gives 1C80 for the Appendix A example segment, not the prose typo 1C08 and not the Modbus 0759', () => {
    const segment = ascii('QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&');
    expect(formatCrc(crc16Hj212(segment))).toBe('1C80');
    expect(formatCrc(modbus(segment))).toBe('0759');
  });

  it('CRCs the UTF-8 bytes of Chinese text (a char-based implementation would differ)', () => {
    const segment = 'CP=&&i11001-Info=//清洗管路//&&';
    const bytes = ascii(segment);
    expect(crc16Hj212(bytes)).toBe(appendixA(bytes));
    const utf16Units = Uint8Array.from(Array.from(segment, (char) => char.charCodeAt(0) & 0xff));
    expect(crc16Hj212(bytes)).not.toBe(crc16Hj212(utf16Units));
  });

  it('matches the bit-by-bit routine on any bytes, and on any sub-range', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        expect(crc16Hj212(bytes)).toBe(appendixA(bytes));
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        expect(crc16Hj212(bytes, start, end)).toBe(appendixA(bytes.subarray(start, end)));
      }),
    );
  });

  it('ASCII-string variant equals the byte variant', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFabc=;,&-.QNSTCPMW'.split('')), maxLength: 200 }), (text) => {
        expect(crc16Hj212Ascii(text)).toBe(crc16Hj212(ascii(text)));
      }),
    );
  });

  it('has a low byte in {00,01,40,41,80,81,C0,C1}, as the algorithm implies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), (bytes) => {
        expect([0x00, 0x01, 0x40, 0x41, 0x80, 0x81, 0xc0, 0xc1]).toContain(crc16Hj212(bytes) & 0xff);
      }),
    );
  });

  it('formats four upper-case hex digits, high byte first', () => {
    expect(formatCrc(0x0140)).toBe('0140');
    expect(formatCrc(0xc0c1)).toBe('C0C1');
    expect(formatCrc(0)).toBe('0000');
  });
});

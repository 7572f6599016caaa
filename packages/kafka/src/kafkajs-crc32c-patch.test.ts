import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * patches/kafkajs@2.2.4.patch replaces kafkajs' byte-at-a-time CRC32-C of record batches with slicing-by-8. The
 * broker rejects a batch whose CRC is wrong (CORRUPT_MESSAGE), so the value must be exactly the old one.
 */
const kafkajsRequire = createRequire(require.resolve('kafkajs'));
const crc32C = kafkajsRequire('./src/protocol/recordBatch/crc32C') as (buffer: Buffer) => number;

/** The reference: the bit-wise definition of CRC32-C (reflected polynomial 0x82F63B78). */
function referenceCrc32C(buffer: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe('kafkajs CRC32-C (patched)', () => {
  it('gives the check value of the CRC-32C catalogue for "123456789"', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('is 0 for no bytes', () => {
    expect(crc32C(Buffer.alloc(0))).toBe(0);
  });

  it('agrees with the bit-wise definition on every length 0–64 and on random batches at any offset', () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = randomBytes(length);
      expect(crc32C(bytes)).toBe(referenceCrc32C(bytes));
    }
    for (let run = 0; run < 200; run++) {
      const whole = randomBytes(1 + Math.floor(Math.random() * 4096));
      const view = whole.subarray(Math.floor(Math.random() * Math.min(8, whole.length)));
      expect(crc32C(view)).toBe(referenceCrc32C(view));
    }
  });
});

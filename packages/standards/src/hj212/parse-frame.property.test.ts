import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeFrame } from './encode-frame';
import { frameInputArbitrary } from './fixtures/frame-arbitraries';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { Hj212FrameError } from './hj212-error';
import { HJ212_STRICT, HJ212_TOLERANT, hj212Options } from './hj212-options';
import { parseFrame, tryParseFrame } from './parse-frame';

const roomy = hj212Options({ maxDataLength: 4000 });
const roomyTolerant = hj212Options({ mode: 'tolerant', maxDataLength: 4000 });

/** Valid frames: generated ones and the public ones the strict parser accepts. */
const validFrame = fc.oneof(
  frameInputArbitrary.map((input) => encodeFrame(input, { maxDataLength: 4000 })),
  fc.constantFrom(...PUBLIC_FRAMES.filter((entry) => entry.strict === 'ok').map((entry) => new TextEncoder().encode(`${entry.frame}\r\n`))),
);

describe('parseFrame properties', () => {
  it('rejects any single corrupted byte of a valid frame (strict)', () => {
    fc.assert(
      fc.property(validFrame, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, delta) => {
        expect(tryParseFrame(frame, roomy).ok).toBe(true);
        const corrupted = frame.slice();
        const index = at % corrupted.length;
        corrupted[index] = ((corrupted[index] as number) + delta) & 0xff;
        const result = tryParseFrame(corrupted, roomy);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects any single corrupted byte of the header, length or data segment (tolerant), but a length that counts its characters', () => {
    fc.assert(
      fc.property(validFrame, fc.nat(), fc.integer({ min: 1, max: 255 }), (frame, at, delta) => {
        const corrupted = frame.slice();
        // Tolerant mode accepts a lower-case CRC and a missing tail, so only the bytes before the CRC count here.
        const index = at % (corrupted.length - 6);
        corrupted[index] = ((corrupted[index] as number) + delta) & 0xff;
        // It also accepts a length that counts characters, and the CRC does not cover the length field: a frame
        // with multi-byte text whose corrupted length happens to be its character count is a valid tolerant frame.
        const declared = new TextDecoder().decode(corrupted.subarray(2, 6));
        const characters = [...new TextDecoder().decode(frame.subarray(6, frame.length - 6))].length;
        fc.pre(!(index >= 2 && index < 6 && /^\d{4}$/.test(declared) && Number(declared) === characters));
        expect(tryParseFrame(corrupted, roomyTolerant).ok).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('never throws from tryParseFrame, and parseFrame throws only Hj212FrameError, whatever the input', () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.string({ maxLength: 200 }),
      fc.string({ unit: fc.constantFrom('#', '0', '1', '9', ';', '=', '&', ',', '/', 'C', 'P', 'Q', 'N', '\r', '\n', 'F', 'l', 'a', 'g', '-'), maxLength: 300 }).map((text) => `##${text}`),
      fc.tuple(validFrame, fc.nat(), fc.nat(), fc.uint8Array({ maxLength: 8 })).map(([frame, a, b, insert]) => {
        const cut = a % frame.length;
        const out = new Uint8Array(frame.length + insert.length);
        out.set(frame.subarray(0, cut));
        out.set(insert, cut);
        out.set(frame.subarray(cut), cut + insert.length);
        return b % 2 === 0 ? out : out.subarray(0, b % out.length);
      }),
    );
    fc.assert(
      fc.property(inputs, fc.constantFrom(HJ212_STRICT, HJ212_TOLERANT), (input, options) => {
        const result = tryParseFrame(input, options);
        if (!result.ok) expect(result.error).toBeInstanceOf(Hj212FrameError);
        try {
          parseFrame(input, options);
        } catch (error) {
          expect(error).toBeInstanceOf(Hj212FrameError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

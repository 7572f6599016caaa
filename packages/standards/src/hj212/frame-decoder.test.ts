import { cpGroups } from './parse-cp';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { encodeFrame } from './encode-frame';
import { frameInputArbitrary } from './fixtures/frame-arbitraries';
import { PUBLIC_FRAMES } from './fixtures/public-frames';
import { maxFrameBytes } from './frame-envelope';
import { FrameDecoder, type Hj212DecodeResult } from './frame-decoder';
import { HJ212_STRICT, HJ212_TOLERANT, hj212Options } from './hj212-options';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};

/** Comparable summary of decoder output: accepted frames by QN/CRC, rejections by code and bytes. */
function summary(results: Hj212DecodeResult[]): string[] {
  return results.map((result) => (result.ok ? `ok ${result.frame.qn} ${result.frame.crc}` : `${result.error.code} ${result.byteLength} ${Buffer.from(result.raw).toString('hex')}`));
}

function decodeAll(decoder: FrameDecoder, chunks: Uint8Array[]): Hj212DecodeResult[] {
  const results: Hj212DecodeResult[] = [];
  for (const chunk of chunks) results.push(...decoder.push(chunk));
  results.push(...decoder.end());
  return results;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.slice(previous, point));
    previous = point;
  }
  return chunks;
}

const roomy = hj212Options({ maxDataLength: 4000 });
const strictPublic = PUBLIC_FRAMES.filter((entry) => entry.strict === 'ok').map((entry) => text(`${entry.frame}\r\n`));

describe('FrameDecoder (HJ 212-2017 §6.3.1 framing on a TCP stream)', () => {
  it('decodes several frames in one chunk, in order', () => {
    const results = new FrameDecoder().push(concat(strictPublic));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(results).toHaveLength(strictPublic.length);
  });

  it('decodes a frame fed one byte at a time', () => {
    const decoder = new FrameDecoder();
    const results: Hj212DecodeResult[] = [];
    for (const byte of strictPublic[0]!) results.push(...decoder.push(Uint8Array.of(byte)));
    expect(summary(results)).toEqual(['ok 20160801085857223 1C80']);
  });

  it('reports garbage between frames with its bytes, and skips CR LF silently', () => {
    const stream = concat([text('hello'), strictPublic[0]!, text('\r\n\r\n'), text('#x'), strictPublic[1]!]);
    const results = new FrameDecoder().push(stream);
    expect(summary(results)).toEqual([
      `garbage 5 ${Buffer.from('hello').toString('hex')}`,
      'ok 20160801085857223 1C80',
      `garbage 2 ${Buffer.from('#x').toString('hex')}`,
      'ok 20240601085857223 2200',
    ]);
  });

  it('rejects a bad frame with its raw bytes and the reason, then carries on', () => {
    const bad = text(`${PUBLIC_FRAMES.find((entry) => entry.strict === 'bad_crc')!.frame}\r\n`);
    const results = new FrameDecoder().push(concat([strictPublic[0]!, bad, strictPublic[1]!]));
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['ok', 'bad_crc', 'ok']);
    const rejected = results[1]!;
    expect(!rejected.ok && Buffer.from(rejected.raw).equals(Buffer.from(bad))).toBe(true);
  });

  it('resynchronises after a frame whose length field lies', () => {
    const good = strictPublic[0]!;
    const lying = good.slice();
    lying[5] = lying[5] === 0x39 ? 0x30 : (lying[5] as number) + 1;
    const results = new FrameDecoder().push(concat([lying, strictPublic[1]!]));
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['length_mismatch', 'ok']);
    expect(!results[0]!.ok && results[0]!.byteLength).toBe(good.length);
  });

  it('reports an unfinished frame as truncated when the connection ends', () => {
    const decoder = new FrameDecoder();
    expect(decoder.push(strictPublic[0]!.subarray(0, 40))).toEqual([]);
    expect(decoder.bufferedBytes).toBe(40);
    const results = decoder.end();
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['truncated']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('rejects an oversized declared length at once, without buffering it', () => {
    const decoder = new FrameDecoder();
    const results = decoder.push(text('##9999QN=2016'));
    expect(results.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['data_segment_too_long', 'garbage']);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('keeps memory bounded on endless input with no frame end', () => {
    const decoder = new FrameDecoder();
    const limit = maxFrameBytes(HJ212_STRICT);
    decoder.push(text('##0500QN='));
    for (let index = 0; index < 200; index++) {
      decoder.push(text('x'.repeat(997)));
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(limit);
    }
    const garbage = new FrameDecoder();
    for (let index = 0; index < 200; index++) {
      const results = garbage.push(new Uint8Array(10_000).fill(0x41));
      expect(garbage.bufferedBytes).toBe(0);
      expect(results).toHaveLength(1);
      expect(!results[0]!.ok && results[0]!.raw.length).toBe(256);
    }
  });

  it('decodes frames without tail under tolerant options set per device', () => {
    const lower = encodeFrame({ qn: '20240101000000000', st: '32', cn: '2011', pw: '1', mn: 'M', flag: 4 }, { crcCase: 'lower' });
    const noTail = lower.subarray(0, lower.length - 2);
    const decoder = new FrameDecoder();
    expect(decoder.push(concat([noTail, lower])).map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['missing_tail', 'ok']);
    decoder.setOptions(HJ212_TOLERANT);
    expect(decoder.push(concat([noTail, noTail])).map((result) => (result.ok ? 'ok' : result.error.code))).toEqual(['ok', 'ok']);
  });

  it('attaches raw bytes of accepted frames only with keepRaw', () => {
    const [withRaw] = new FrameDecoder({ keepRaw: true }).push(strictPublic[0]!);
    expect(withRaw?.ok && withRaw.raw && Buffer.from(withRaw.raw).equals(Buffer.from(strictPublic[0]!))).toBe(true);
    const [withoutRaw] = new FrameDecoder().push(strictPublic[0]!);
    expect(withoutRaw?.ok && withoutRaw.raw).toBeUndefined();
  });

  it('gives the same results however the stream is split (frames, garbage and bad frames mixed)', () => {
    const piece = fc.oneof(
      { weight: 5, arbitrary: frameInputArbitrary.map((input) => encodeFrame(input, { maxDataLength: 4000 })) },
      { weight: 2, arbitrary: fc.constantFrom(...PUBLIC_FRAMES.map((entry) => text(`${entry.frame}\r\n`))) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) },
      { weight: 1, arbitrary: fc.constantFrom(text('\r\n'), text('#'), text('##'), text('##12'), text('##abcd')) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 30 }), (pieces, cuts) => {
        const stream = concat(pieces);
        const whole = summary(decodeAll(new FrameDecoder({ hj212: roomy }), [stream]));
        const split = summary(decodeAll(new FrameDecoder({ hj212: roomy }), splitAt(stream, cuts)));
        expect(mergeGarbage(split)).toEqual(mergeGarbage(whole));
      }),
      { numRuns: 500 },
    );
  });

  it('decodes exactly the frames that were sent, whatever the split', () => {
    fc.assert(
      fc.property(fc.array(frameInputArbitrary, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 40 }), (inputs, cuts) => {
        const stream = concat(inputs.map((input) => encodeFrame(input, { maxDataLength: 4000 })));
        const results = decodeAll(new FrameDecoder({ hj212: roomy }), splitAt(stream, cuts));
        expect(results.map((result) => (result.ok ? cpGroups(result.frame.cp.text) : result.error.code))).toEqual(inputs.map((input) => input.cp?.groups));
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * Garbage is reported per chunk, so a split may report one run of garbage as several; everything else must be
 * identical. Merge adjacent garbage reports (count and bytes) before comparing.
 */
function mergeGarbage(lines: string[]): string[] {
  const merged: string[] = [];
  for (const line of lines) {
    const previous = merged[merged.length - 1];
    if (line.startsWith('garbage ') && previous?.startsWith('garbage ')) {
      const [, countA, hexA = ''] = previous.split(' ');
      const [, countB, hexB = ''] = line.split(' ');
      merged[merged.length - 1] = `garbage ${Number(countA) + Number(countB)} ${(hexA + hexB).slice(0, 512)}`;
    } else {
      merged.push(line);
    }
  }
  return merged;
}

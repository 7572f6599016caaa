import { type Hj212ReasonCode } from './hj212-error';
import { type Hj212Options } from './hj212-options';

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;
const DIGIT_0 = 0x30;

/** What `locateFrame` found; one instance is reused per caller so the hot path allocates nothing. */
export class FrameLocation {
  /** 0: need more bytes; 1: a frame; 2: an error. */
  status: 0 | 1 | 2 = 0;
  /** The data segment is `[segmentStart, segmentEnd)`; the CRC follows it. */
  segmentStart = 0;
  segmentEnd = 0;
  /** End of the frame including its tail (exclusive). */
  frameEnd = 0;
  declaredLength = 0;
  code: Hj212ReasonCode = 'truncated';
  message = '';
}

/** Bytes one data segment of `declaredLength` may occupy under `options` (characters may be up to 4 bytes). */
export function maxSegmentBytes(declaredLength: number, options: Hj212Options): number {
  return options.lengthUnit === 'bytes' ? declaredLength : declaredLength * 4;
}

/** The largest frame the options allow, header to tail: this bounds every buffer. */
export function maxFrameBytes(options: Hj212Options): number {
  return 6 + maxSegmentBytes(options.maxDataLength, options) + 4 + 2;
}

/**
 * Finds the end of the frame that starts with `##` at `start` (HJ 212-2017 §6.3.1 table 2):
 * `## LLLL segment CRC \r\n`, where LLLL counts the segment's bytes (or characters, tolerant mode).
 * `final` says no more bytes will come after `end` (a whole frame given to `parseFrame`); otherwise
 * `status` 0 asks the stream decoder to wait. On an error `frameEnd` is where the rejected bytes end: the
 * first CR LF or `##` after the header, so a stream resynchronises on the next frame.
 */
export function locateFrame(
  bytes: Uint8Array,
  start: number,
  end: number,
  final: boolean,
  options: Hj212Options,
  out: FrameLocation,
): FrameLocation {
  const available = end - start;
  let declared = 0;
  for (let index = 2; index < 6; index++) {
    if (index >= available) return final ? fail(out, 'truncated', 'input ends inside the length field', end) : waitMore(out);
    const digit = (bytes[start + index] as number) - DIGIT_0;
    if (digit < 0 || digit > 9) return fail(out, 'bad_length_field', 'the length field is not four digits', start + 6 > end ? end : start + 6);
    declared = declared * 10 + digit;
  }
  out.declaredLength = declared;
  out.segmentStart = start + 6;
  if (declared > options.maxDataLength) {
    return fail(out, 'data_segment_too_long', `data segment of ${declared} exceeds ${options.maxDataLength}`, start + 6);
  }
  const countsBytes = options.lengthUnit !== 'characters';
  const countsCharacters = options.lengthUnit !== 'bytes';
  // Characters never take fewer bytes than one, so the byte reading is the shortest possible frame.
  const crcEnd = start + 6 + declared + 4;
  if (crcEnd > end) {
    if (!final) return waitMore(out);
    const closed = end - start >= 8 && bytes[end - 2] === CR && bytes[end - 1] === LF;
    return closed
      ? fail(out, 'length_mismatch', `declared ${declared} but the frame is shorter`, end)
      : fail(out, 'truncated', `declared ${declared} but the input ends early`, end);
  }
  if (countsBytes) {
    if (crcEnd + 2 <= end && bytes[crcEnd] === CR && bytes[crcEnd + 1] === LF) return found(out, crcEnd - 4, crcEnd + 2);
    if (!options.requireTail) {
      // A device that sends no tail would otherwise wait forever for its 9014: accept at the end of the data.
      if (crcEnd === end) return found(out, crcEnd - 4, crcEnd);
      const next = bytes[crcEnd];
      if (next === LF) return found(out, crcEnd - 4, crcEnd + 1);
      if (next === HASH) return found(out, crcEnd - 4, crcEnd);
      if (next === CR && crcEnd + 1 === end) return final ? found(out, crcEnd - 4, crcEnd + 1) : waitMore(out);
    } else if (crcEnd + 2 > end && !final && (crcEnd === end || bytes[crcEnd] === CR)) {
      return waitMore(out);
    }
  }
  if (countsCharacters) {
    const located = locateByCharacters(bytes, start, end, final, declared, options, out);
    if (located !== null) return located;
  }
  // The envelope does not close where the length says. Tell a missing tail from a wrong length, and find where
  // the sender's frame really ends so a stream can resume after it.
  const lineEnd = findLineEnd(bytes, start + 6, Math.min(end, start + maxFrameBytes(options)));
  if (lineEnd < 0) {
    if (!final && end - start < maxFrameBytes(options)) return waitMore(out);
    if (final && end - crcEnd < 2) return fail(out, 'missing_tail', 'no CR LF after the CRC', end);
    return fail(out, 'length_mismatch', `declared ${declared} but no frame end there`, Math.min(end, start + maxFrameBytes(options)));
  }
  if (options.requireTail && countsBytes && lineEnd === crcEnd && bytes[crcEnd] === HASH) {
    return fail(out, 'missing_tail', 'no CR LF after the CRC', crcEnd);
  }
  return fail(out, 'length_mismatch', `declared ${declared} does not match the frame`, lineEnd);
}

/** Tolerant reading: the length counts characters, so look for the tail and count the segment's characters. */
function locateByCharacters(
  bytes: Uint8Array,
  start: number,
  end: number,
  final: boolean,
  declared: number,
  options: Hj212Options,
  out: FrameLocation,
): FrameLocation | null {
  const limit = Math.min(end, start + 6 + maxSegmentBytes(declared, options) + 4 + 2);
  for (let index = start + 6 + declared + 4; index <= limit; index++) {
    const atTail = index + 1 < end && bytes[index] === CR && bytes[index + 1] === LF;
    const atEnd = index === end && final && !options.requireTail;
    if (!atTail && !atEnd) continue;
    if (countCharacters(bytes, start + 6, index - 4, options) === declared) return found(out, index - 4, atTail ? index + 2 : index);
    return null;
  }
  if (!final && limit === end && end < start + 6 + maxSegmentBytes(declared, options) + 6) return waitMore(out);
  return null;
}

const FALLBACK_DECODERS = new Map<string, InstanceType<typeof TextDecoder>>();

function countCharacters(bytes: Uint8Array, from: number, to: number, options: Hj212Options): number {
  if (options.textEncoding === 'utf-8') {
    let count = 0;
    for (let index = from; index < to; index++) if (((bytes[index] as number) & 0xc0) !== 0x80) count++;
    return count;
  }
  let decoder = FALLBACK_DECODERS.get(options.textEncoding);
  if (!decoder) {
    decoder = new TextDecoder(options.textEncoding);
    FALLBACK_DECODERS.set(options.textEncoding, decoder);
  }
  let count = 0;
  for (const _ of decoder.decode(bytes.subarray(from, to))) count++;
  return count;
}

/** Index just past the first CR LF, or of the first `##`, in `[from, to)`; -1 if neither. */
function findLineEnd(bytes: Uint8Array, from: number, to: number): number {
  for (let index = from; index < to; index++) {
    const byte = bytes[index];
    if (byte === CR && index + 1 < to && bytes[index + 1] === LF) return index + 2;
    if (byte === HASH && index + 1 < to && bytes[index + 1] === HASH) return index;
  }
  return -1;
}

function found(out: FrameLocation, segmentEnd: number, frameEnd: number): FrameLocation {
  out.status = 1;
  out.segmentEnd = segmentEnd;
  out.frameEnd = frameEnd;
  return out;
}

function waitMore(out: FrameLocation): FrameLocation {
  out.status = 0;
  return out;
}

function fail(out: FrameLocation, code: Hj212ReasonCode, message: string, frameEnd: number): FrameLocation {
  out.status = 2;
  out.code = code;
  out.message = message;
  out.frameEnd = frameEnd;
  return out;
}

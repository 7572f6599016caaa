import { FrameLocation, locateFrame, maxFrameBytes } from './frame-envelope';
import { Hj212FrameError } from './hj212-error';
import { type Hj212Frame } from './hj212-frame';
import { type Hj212Options } from './hj212-options';
import { parseLocatedFrame, resolveOptions, type Hj212OptionsInput } from './parse-frame';

/** A frame the decoder accepted. `raw` (a copy of its bytes) is present only with `keepRaw`. */
export interface Hj212DecodedFrame {
  ok: true;
  frame: Hj212Frame;
  raw?: Uint8Array;
}

/**
 * Bytes the decoder rejected, with the reason: a frame that failed a check (`raw` is the whole frame as sent,
 * header to tail), or `garbage` between frames (`raw` holds at most `maxGarbageSample` of them and
 * `byteLength` says how many there were).
 */
export interface Hj212RejectedBytes {
  ok: false;
  error: Hj212FrameError;
  raw: Uint8Array;
  byteLength: number;
}

export type Hj212DecodeResult = Hj212DecodedFrame | Hj212RejectedBytes;

export interface FrameDecoderOptions {
  /** How frames are judged (see `hj212Options`); strict by default. */
  hj212?: Hj212OptionsInput;
  /** Attach a copy of each accepted frame's bytes (for raw archiving). Default false. */
  keepRaw?: boolean;
  /** Most garbage bytes copied into one `garbage` report. Default 256. */
  maxGarbageSample?: number;
}

const HASH = 0x23;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Splits a TCP byte stream into HJ 212 frames (HJ 212-2017 §6.3.1: `##`, length, segment, CRC, `\r\n`).
 * Frames may be split at any byte or arrive several to a chunk; bytes outside frames are reported as
 * `garbage` (CR/LF between frames are skipped silently). Memory is bounded: at most one frame of the largest
 * size the options allow is buffered between chunks, and garbage is reported, never kept. After a framing error
 * the decoder resumes at the first CR LF or `##` after the rejected header.
 *
 * One decoder per connection; `setOptions` once the device (MN) is known.
 */
export class FrameDecoder {
  private options: Hj212Options;
  private readonly keepRaw: boolean;
  private readonly maxGarbageSample: number;
  private pending: Uint8Array;
  private pendingLength = 0;
  private readonly location = new FrameLocation();
  private garbageCount = 0;
  private garbageSample: Uint8Array | null = null;
  private garbageSampleLength = 0;
  private results: Hj212DecodeResult[] = [];

  constructor(options: FrameDecoderOptions = {}) {
    this.options = resolveOptions(options.hj212);
    this.keepRaw = options.keepRaw ?? false;
    this.maxGarbageSample = options.maxGarbageSample ?? 256;
    this.pending = new Uint8Array(maxFrameBytes(this.options));
  }

  /** Bytes held for an incomplete frame. Never more than the largest frame the options allow. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  /** Judges the following frames by other options, e.g. the device's profile once its MN is known. */
  setOptions(options: Hj212OptionsInput): void {
    this.options = resolveOptions(options);
    const capacity = maxFrameBytes(this.options);
    if (capacity !== this.pending.length) {
      const next = new Uint8Array(Math.max(capacity, this.pendingLength));
      next.set(this.pending.subarray(0, this.pendingLength));
      this.pending = next;
    }
  }

  /** Feeds a chunk; returns what it completed, in stream order. The chunk may be reused after the call. */
  push(chunk: Uint8Array): Hj212DecodeResult[] {
    this.results = [];
    let offset = 0;
    while (this.pendingLength > 0 && offset < chunk.length) {
      const before = this.pendingLength;
      const take = Math.min(this.pending.length - before, chunk.length - offset);
      this.pending.set(chunk.subarray(offset, offset + take), before);
      this.pendingLength = before + take;
      const consumed = this.scan(this.pending, 0, this.pendingLength, false);
      if (consumed >= before) {
        // Everything held before this chunk is resolved: continue in the chunk itself, without copying.
        offset += consumed - before;
        this.pendingLength = 0;
      } else {
        offset += take;
        this.pending.copyWithin(0, consumed, this.pendingLength);
        this.pendingLength -= consumed;
      }
    }
    if (offset < chunk.length) {
      const consumed = this.scan(chunk, offset, chunk.length, false);
      if (consumed < chunk.length) {
        this.pending.set(chunk.subarray(consumed), 0);
        this.pendingLength = chunk.length - consumed;
      }
    }
    this.flushGarbage();
    return this.results;
  }

  /** The connection closed: reports an incomplete frame still held as `truncated`, and resets. */
  end(): Hj212DecodeResult[] {
    this.results = [];
    if (this.pendingLength > 0) {
      const consumed = this.scan(this.pending, 0, this.pendingLength, true);
      if (consumed < this.pendingLength) this.noteGarbage(this.pending, consumed, this.pendingLength);
      this.pendingLength = 0;
    }
    this.flushGarbage();
    return this.results;
  }

  /** Decodes frames in `[from, end)` and returns how far it got; the rest is an incomplete frame. */
  private scan(bytes: Uint8Array, from: number, end: number, final: boolean): number {
    let position = from;
    while (position < end) {
      const byte = bytes[position];
      if (byte === HASH) {
        if (position + 1 >= end) {
          if (final) this.noteGarbage(bytes, position, end);
          return final ? end : position;
        }
        if (bytes[position + 1] !== HASH) {
          this.noteGarbage(bytes, position, position + 1);
          position++;
          continue;
        }
        const location = locateFrame(bytes, position, end, final, this.options, this.location);
        if (location.status === 0) return position;
        if (location.status === 2 && location.code === 'bad_length_field') {
          // `##` followed by no length is not a frame start: treat the first `#` as noise and look again.
          this.noteGarbage(bytes, position, position + 1);
          position++;
          continue;
        }
        this.flushGarbage();
        const frameEnd = Math.max(location.frameEnd, position + 2);
        if (location.status === 2) {
          this.reject(new Hj212FrameError(location.code, location.message), bytes, position, frameEnd);
        } else {
          const result = parseLocatedFrame(bytes, location, this.options);
          if (result.ok) {
            this.results.push(this.keepRaw ? { ok: true, frame: result.frame, raw: bytes.slice(position, frameEnd) } : { ok: true, frame: result.frame });
          } else {
            this.reject(result.error, bytes, position, frameEnd);
          }
        }
        position = frameEnd;
      } else if (byte === CR || byte === LF) {
        position++;
      } else {
        let next = position + 1;
        while (next < end) {
          const candidate = bytes[next];
          if (candidate === HASH || candidate === CR || candidate === LF) break;
          next++;
        }
        this.noteGarbage(bytes, position, next);
        position = next;
      }
    }
    return position;
  }

  private reject(error: Hj212FrameError, bytes: Uint8Array, from: number, to: number): void {
    this.results.push({ ok: false, error, raw: bytes.slice(from, to), byteLength: to - from });
  }

  private noteGarbage(bytes: Uint8Array, from: number, to: number): void {
    if (this.garbageSample === null) this.garbageSample = new Uint8Array(this.maxGarbageSample);
    const room = this.maxGarbageSample - this.garbageSampleLength;
    if (room > 0) {
      const take = Math.min(room, to - from);
      this.garbageSample.set(bytes.subarray(from, from + take), this.garbageSampleLength);
      this.garbageSampleLength += take;
    }
    this.garbageCount += to - from;
  }

  private flushGarbage(): void {
    if (this.garbageCount === 0) return;
    const raw = (this.garbageSample as Uint8Array).slice(0, this.garbageSampleLength);
    this.results.push({
      ok: false,
      error: new Hj212FrameError('garbage', `${this.garbageCount} bytes outside any frame`),
      raw,
      byteLength: this.garbageCount,
    });
    this.garbageCount = 0;
    this.garbageSampleLength = 0;
  }
}

import { FrameLocation, locateFrame, maxFrameBytes } from './frame-envelope';
import { Hj212FrameError } from './hj212-error';
import { type Hj212Frame } from './hj212-frame';
import { type Hj212Options } from './hj212-options';
import { parseLocatedFrame, resolveOptions, tryParseFrame, type Hj212OptionsInput } from './parse-frame';
import { isEncryptedCommandAt, MAX_ENCRYPTED_FRAME_BYTES, openEncryptedFrame, peekFrameHeader, type CpEncryption } from './cp-encryption';

/** A frame the decoder accepted. `raw` (a copy of its bytes) is present only with `keepRaw`. */
export interface Hj212DecodedFrame {
  ok: true;
  frame: Hj212Frame;
  /** For a frame whose CP came encrypted: the plaintext frame (what `parseFrame` reads), not the bytes as sent. */
  raw?: Uint8Array;
  /** The CP came SM4-encrypted (HJ 212-2025 §6.4); `keyIndex` says which key opened it (0: the current one). */
  encrypted?: { keyIndex: number };
}

/**
 * The SM4 settings of a device whose frames of this CN come encrypted, or undefined for plaintext. Asked for
 * every frame (MN and CN read from its plaintext header), so keep it a map lookup.
 */
export type CpEncryptionLookup = (mn: string, cn: string) => CpEncryption | undefined;

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
  /**
   * HJ 212-2025 encrypted links: which devices encrypt their CP. Their encrypted frames (the CNs of
   * `isEncryptedCommand`) are framed by their tail, `&&`, CRC, CR LF (the length may count the plaintext), opened
   * with the device's key and then judged like any other; a frame that does not open is `decrypt_failed`.
   */
  encryption?: CpEncryptionLookup;
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
  private readonly encryption: CpEncryptionLookup | undefined;
  private lastMn = '';

  constructor(options: FrameDecoderOptions = {}) {
    this.options = resolveOptions(options.hj212);
    this.keepRaw = options.keepRaw ?? false;
    this.maxGarbageSample = options.maxGarbageSample ?? 256;
    this.encryption = options.encryption;
    this.pending = new Uint8Array(this.capacity());
  }

  private capacity(): number {
    const plain = maxFrameBytes(this.options);
    return this.encryption ? Math.max(plain, MAX_ENCRYPTED_FRAME_BYTES) : plain;
  }

  /** Bytes held for an incomplete frame. Never more than the largest frame the options allow. */
  get bufferedBytes(): number {
    return this.pendingLength;
  }

  /** Judges the following frames by other options, e.g. the device's profile once its MN is known. */
  setOptions(options: Hj212OptionsInput): void {
    this.options = resolveOptions(options);
    const capacity = this.capacity();
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
        if (this.encryption) {
          const handled = this.scanEncrypted(bytes, position, end, final);
          if (handled === -1) return position;
          if (handled > position) {
            position = handled;
            continue;
          }
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

  /**
   * An encrypted frame at `position`: its end (after decoding it), -1 to wait for more bytes, or `position` when
   * the frame is not one (plaintext, unknown device, not a frame header) and is left to the length framing.
   */
  private scanEncrypted(bytes: Uint8Array, position: number, end: number, final: boolean): number {
    const header = peekFrameHeader(bytes, position, end);
    if (header === 'incomplete') return final ? position : -1;
    if (header === null || !isEncryptedCommandAt(bytes, header.cnStart, header.cnEnd)) return position;
    const settings = (this.encryption as CpEncryptionLookup)(this.mnAt(bytes, header.mnStart, header.mnEnd), String.fromCharCode(bytes[header.cnStart] as number, bytes[header.cnStart + 1] as number, bytes[header.cnStart + 2] as number, bytes[header.cnStart + 3] as number));
    if (!settings) return position;
    let tail = -1;
    for (let index = header.cpAt; index + 1 < end; index++) {
      if (bytes[index] === 0x0d && bytes[index + 1] === 0x0a) {
        tail = index + 2;
        break;
      }
    }
    if (tail < 0) {
      if (end - position < MAX_ENCRYPTED_FRAME_BYTES && !final) return -1;
      const code = final ? 'truncated' : 'data_segment_too_long';
      this.flushGarbage();
      this.reject(new Hj212FrameError(code, final ? 'the connection ended inside an encrypted frame' : `no frame end within ${MAX_ENCRYPTED_FRAME_BYTES} bytes`), bytes, position, end);
      return end;
    }
    this.flushGarbage();
    try {
      const opened = openEncryptedFrame(bytes.subarray(position, tail), settings);
      const result = tryParseFrame(opened.frame, this.options);
      if (result.ok) {
        this.results.push({ ok: true, frame: result.frame, ...(this.keepRaw ? { raw: opened.frame } : {}), encrypted: { keyIndex: opened.keyIndex } });
      } else {
        this.reject(result.error, bytes, position, tail);
      }
    } catch (error) {
      if (!(error instanceof Hj212FrameError)) throw error;
      this.reject(error, bytes, position, tail);
    }
    return tail;
  }

  /** The MN at these bytes, as text: a connection carries one device (or a few), so the last one is kept and reused. */
  private mnAt(bytes: Uint8Array, start: number, end: number): string {
    const last = this.lastMn;
    if (last.length === end - start) {
      let same = true;
      for (let index = 0; index < last.length; index++) {
        if (last.charCodeAt(index) !== bytes[start + index]) {
          same = false;
          break;
        }
      }
      if (same) return last;
    }
    this.lastMn = String.fromCharCode(...bytes.subarray(start, end));
    return this.lastMn;
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

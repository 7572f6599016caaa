import { createCipheriv, createDecipheriv } from 'node:crypto';
import { crc16Hj212, formatCrc } from './crc16';
import { buildDataSegment, type Hj212FrameInput } from './encode-frame';
import { Hj212EncodeError, Hj212FrameError } from './hj212-error';

/**
 * How one device encrypts the CP region under HJ 212-2025 §6.4 (SM4, 128-bit key, ECB). The official text was
 * not available; what third-party code quotes of it fixes the cipher, the mode and the written form of Annex A.2,
 * but leaves the rest open, so each open point is a setting per device (README "SM4"):
 *
 * - `encoding`: `'braces'` writes the ciphertext as Annex A.2 prints it, `{0xE4,0x3E,…}` (upper-case bytes in
 *   cipher output order, comma-separated) followed by the plaintext tail; `'hex'` as bare hex digits and
 *   `'base64'` as base64, as some vendors do.
 * - `padding`: `'none'` per §6.4 (NoPadding: a final part shorter than 16 bytes stays plaintext, after the
 *   ciphertext); `'pkcs7'` pads to whole blocks (Annex H's HTTPS authorisation uses SM4-ECB with PKCS#7).
 * - `lengthCounts`: whether the four length digits count the plaintext segment (Annex A.2's examples: `0295`
 *   for a segment transmitted as 1128 characters) or the segment as transmitted.
 * - `crcOver`: whether the CRC is of the plaintext segment (Annex A.2: the frame is built and its CRC computed
 *   before the CP is encrypted) or of the segment as transmitted.
 */
export interface CpEncryption {
  /** The 16-byte SM4 key. HJ 212-2025 1014 hands it over as 16 characters (`NewSK`), whose bytes it is. */
  key: Uint8Array;
  /**
   * Keys still accepted on frames from the device, tried after `key` in order: the key rotated out, within its
   * grace window, so frames the device sent before it switched still open.
   */
  previousKeys?: readonly Uint8Array[];
  encoding: 'braces' | 'hex' | 'base64';
  padding: 'none' | 'pkcs7';
  lengthCounts: 'plaintext' | 'transmitted';
  crcOver: 'plaintext' | 'transmitted';
}

/** The layout Annex A.2 prints: braces, no padding, length and CRC of the plaintext. */
export const CP_ENCRYPTION_ANNEX_A2: Readonly<Omit<CpEncryption, 'key' | 'previousKeys'>> = Object.freeze({
  encoding: 'braces',
  padding: 'none',
  lengthCounts: 'plaintext',
  crcOver: 'plaintext',
});

/** SM4 keys are 128 bits. */
export const SM4_KEY_BYTES = 16;

/**
 * Whether HJ 212-2025 §6.4 has this command's CP encrypted on an encrypting link: the data uploads and history
 * (CN 2000–2999), key management 1014 and device information 3020. Heartbeats, replies (90xx), registration
 * (1001) and the other requests travel in plaintext.
 */
export function isEncryptedCommand(cn: string): boolean {
  if (cn === '1014' || cn === '3020') return true;
  return cn.length === 4 && cn.charCodeAt(0) === 0x32;
}

/** The largest encrypted frame a decoder holds: 950 bytes of CP written as braces is 4,750 characters. */
export const MAX_ENCRYPTED_FRAME_BYTES = 16_384;

const ENCODER = new TextEncoder();
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const CP_OPEN = 'CP=&&';

function sm4(direction: 'encrypt' | 'decrypt', key: Uint8Array, data: Uint8Array, padding: boolean): Uint8Array {
  if (key.length !== SM4_KEY_BYTES) throw new RangeError(`an SM4 key has ${SM4_KEY_BYTES} bytes, not ${key.length}`);
  const cipher = direction === 'encrypt' ? createCipheriv('sm4-ecb', key, null) : createDecipheriv('sm4-ecb', key, null);
  cipher.setAutoPadding(padding);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}

/** The CP text as the device sends it: `text` encrypted and written per `settings`. */
export function encryptCpText(text: string, settings: Pick<CpEncryption, 'key' | 'encoding' | 'padding'>): string {
  const plain = ENCODER.encode(text);
  if (settings.padding === 'pkcs7') return writeCiphertext(sm4('encrypt', settings.key, plain, true), '', settings.encoding);
  const whole = plain.length - (plain.length % 16);
  const cipher = whole === 0 ? new Uint8Array() : sm4('encrypt', settings.key, plain.subarray(0, whole), false);
  // The tail is cut at a byte; §6.4 counts characters, so a multi-byte character across it stays undefined there.
  return writeCiphertext(cipher, Buffer.from(plain.subarray(whole)).toString('latin1'), settings.encoding);
}

function writeCiphertext(cipher: Uint8Array, tail: string, encoding: CpEncryption['encoding']): string {
  if (cipher.length === 0) return tail;
  const buffer = Buffer.from(cipher.buffer, cipher.byteOffset, cipher.byteLength);
  if (encoding === 'hex') return buffer.toString('hex').toUpperCase() + tail;
  if (encoding === 'base64') return buffer.toString('base64') + tail;
  let out = '{';
  for (let index = 0; index < cipher.length; index++) {
    if (index > 0) out += ',';
    out += `0x${(cipher[index] as number).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `${out}}${tail}`;
}

/** The ciphertext and plaintext tail of a transmitted CP, or null when it is not written as `encoding` says. */
function readCiphertext(wire: string, settings: Pick<CpEncryption, 'encoding' | 'padding'>): { cipher: Uint8Array; tail: string } | null {
  if (settings.encoding === 'braces') {
    if (!wire.startsWith('{')) return wire.length < 16 && settings.padding === 'none' ? { cipher: new Uint8Array(), tail: wire } : null;
    const close = wire.indexOf('}');
    if (close < 0) return null;
    const cipher = readBraceBytes(wire, 1, close);
    return cipher ? { cipher, tail: wire.slice(close + 1) } : null;
  }
  // Bare hex or base64 has no end marker. The plaintext tail is shorter than a block and a block takes more
  // characters than that (32 hex, 21–24 base64), so exactly one count of whole blocks leaves a tail that short.
  const charsFor = (blocks: number): number => (settings.encoding === 'hex' ? blocks * 32 : 4 * Math.ceil((blocks * 16) / 3));
  const valid = settings.encoding === 'hex' ? /^[0-9a-fA-F]*$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  for (let blocks = 0; charsFor(blocks) <= wire.length; blocks++) {
    const chars = charsFor(blocks);
    if (wire.length - chars >= 16) continue;
    const text = wire.slice(0, chars);
    if (!valid.test(text)) return null;
    return { cipher: Buffer.from(text, settings.encoding), tail: wire.slice(chars) };
  }
  return null;
}

const hexValue = (code: number): number => (code >= 0x30 && code <= 0x39 ? code - 0x30 : code >= 0x41 && code <= 0x46 ? code - 0x37 : code >= 0x61 && code <= 0x66 ? code - 0x57 : -1);

/** `0xE4,0x3E,…` between `from` and `to` as bytes (spaces around items allowed), or null when malformed. */
function readBraceBytes(text: string, from: number, to: number): Uint8Array | null {
  const out = new Uint8Array(Math.ceil((to - from) / 5) + 1);
  let count = 0;
  let index = from;
  while (index < to) {
    while (index < to && text.charCodeAt(index) === 0x20) index++;
    if (text.charCodeAt(index) !== 0x30 || (text.charCodeAt(index + 1) | 0x20) !== 0x78) return null;
    const high = hexValue(text.charCodeAt(index + 2));
    const low = hexValue(text.charCodeAt(index + 3));
    if (high < 0 || low < 0 || index + 4 > to) return null;
    out[count++] = high * 16 + low;
    index += 4;
    while (index < to && text.charCodeAt(index) === 0x20) index++;
    if (index < to) {
      if (text.charCodeAt(index) !== 0x2c) return null;
      index++;
    }
  }
  return out.subarray(0, count);
}

/**
 * The plaintext of a transmitted CP under one key, or null when that key (or the layout) cannot have made it:
 * the ciphertext is malformed, not whole blocks, badly padded, or does not decrypt to text (UTF-8, no control
 * characters) — 16 random bytes pass that with a chance of about 1 in 10⁷.
 */
export function decryptCpText(wire: string, key: Uint8Array, settings: Pick<CpEncryption, 'encoding' | 'padding'>): string | null {
  const parts = readCiphertext(wire, settings);
  if (!parts || parts.cipher.length % 16 !== 0) return null;
  if (settings.padding === 'pkcs7' && (parts.cipher.length === 0 || parts.tail !== '')) return null;
  let plain: Uint8Array;
  try {
    plain = parts.cipher.length === 0 ? new Uint8Array() : sm4('decrypt', key, parts.cipher, settings.padding === 'pkcs7');
  } catch {
    return null;
  }
  const bytes = new Uint8Array(plain.length + parts.tail.length);
  bytes.set(plain);
  for (let index = 0; index < parts.tail.length; index++) bytes[plain.length + index] = parts.tail.charCodeAt(index) & 0xff;
  let text: string;
  try {
    text = STRICT_UTF8.decode(bytes);
  } catch {
    return null;
  }
  for (let index = 0; index < text.length; index++) if (text.charCodeAt(index) < 0x20) return null;
  return text;
}

/**
 * Encodes a frame with its CP encrypted (HJ 212-2025 §6.4, Annex A.2): the plaintext segment is built and its
 * CRC computed, then the CP is replaced by its ciphertext; length and CRC as `settings` say.
 */
export function encodeEncryptedFrame(input: Hj212FrameInput, settings: Omit<CpEncryption, 'previousKeys'>): Uint8Array {
  const plain = buildDataSegment(input);
  const cpAt = plain.indexOf(CP_OPEN);
  const head = plain.slice(0, cpAt + CP_OPEN.length);
  const cp = plain.slice(cpAt + CP_OPEN.length, -2);
  const transmitted = `${head}${encryptCpText(cp, settings)}&&`;
  const plainBytes = ENCODER.encode(plain);
  const transmittedBytes = ENCODER.encode(transmitted);
  const length = settings.lengthCounts === 'plaintext' ? plainBytes.length : transmittedBytes.length;
  if (length > 9999) throw new Hj212EncodeError('data_segment_too_long', `data segment of ${length} exceeds 9999; split it into packets`);
  const crc = formatCrc(crc16Hj212(settings.crcOver === 'plaintext' ? plainBytes : transmittedBytes));
  return ENCODER.encode(`##${String(length).padStart(4, '0')}${transmitted}${crc}\r\n`);
}

/** What `openEncryptedFrame` made of a frame: the plaintext frame, and which key opened it (0: the current). */
export interface OpenedFrame {
  frame: Uint8Array;
  keyIndex: number;
}

const CR = 0x0d;
const LF = 0x0a;

/**
 * Turns an encrypted frame as received (`##`, length, segment, CRC, `\r\n`) into the plaintext frame the device
 * built before encrypting (length in bytes, CRC of the plaintext), ready for `parseFrame`. The current key is
 * tried first, then the previous ones. Throws `Hj212FrameError`:
 * - `decrypt_failed`: no key yields text (or, with the CRC over the plaintext, text whose CRC is the one sent —
 *   with that layout a frame damaged in transit reads the same as a wrong key);
 * - `bad_crc` (CRC over the transmitted segment), `length_mismatch`, `cp_missing`, `cp_bad_delimiters`,
 *   `bad_crc_format`, `missing_tail`, `bad_length_field`.
 */
export function openEncryptedFrame(bytes: Uint8Array, settings: CpEncryption): OpenedFrame {
  const n = bytes.length;
  if (n < 12 || bytes[0] !== 0x23 || bytes[1] !== 0x23) throw new Hj212FrameError('bad_header', 'an encrypted frame starts with ##');
  const lengthText = Buffer.from(bytes.subarray(2, 6)).toString('latin1');
  if (!/^\d{4}$/.test(lengthText)) throw new Hj212FrameError('bad_length_field', 'the 4 characters after ## are not digits');
  if (bytes[n - 2] !== CR || bytes[n - 1] !== LF) throw new Hj212FrameError('missing_tail', 'an encrypted frame ends with \\r\\n');
  const crcText = Buffer.from(bytes.subarray(n - 6, n - 2)).toString('latin1');
  if (!/^[0-9a-fA-F]{4}$/.test(crcText)) throw new Hj212FrameError('bad_crc_format', `CRC ${JSON.stringify(crcText)} is not 4 hex digits`);
  const sentCrc = Number.parseInt(crcText, 16);
  const segmentBytes = bytes.subarray(6, n - 6);
  // The CP of an encrypted frame holds only ASCII (braces, hex or base64) and the plaintext tail.
  const segment = Buffer.from(segmentBytes).toString('latin1');
  const cpAt = segment.indexOf(CP_OPEN);
  if (cpAt < 0) throw new Hj212FrameError('cp_missing', 'no CP=&& in the data segment');
  if (!segment.endsWith('&&') || segment.length < cpAt + CP_OPEN.length + 2) throw new Hj212FrameError('cp_bad_delimiters', 'CP is not closed by && at the end of the segment');
  const head = segment.slice(0, cpAt + CP_OPEN.length);
  const wire = segment.slice(cpAt + CP_OPEN.length, -2);
  const declared = Number(lengthText);
  if (settings.lengthCounts === 'transmitted' && declared !== segmentBytes.length) {
    throw new Hj212FrameError('length_mismatch', `length field ${declared}, transmitted segment ${segmentBytes.length} bytes`);
  }
  if (settings.crcOver === 'transmitted' && crc16Hj212(segmentBytes) !== sentCrc) {
    throw new Hj212FrameError('bad_crc', `CRC ${crcText} does not match the transmitted segment`);
  }
  const keys = [settings.key, ...(settings.previousKeys ?? [])];
  for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
    const text = decryptCpText(wire, keys[keyIndex] as Uint8Array, settings);
    if (text === null) continue;
    const plain = ENCODER.encode(`${head}${text}&&`);
    const crc = crc16Hj212(plain);
    if (settings.crcOver === 'plaintext' && crc !== sentCrc) continue;
    if (settings.lengthCounts === 'plaintext' && declared !== plain.length) {
      throw new Hj212FrameError('length_mismatch', `length field ${declared}, plaintext segment ${plain.length} bytes`);
    }
    const frame = new Uint8Array(6 + plain.length + 6);
    frame.set(ENCODER.encode(`##${String(plain.length).padStart(4, '0')}`), 0);
    frame.set(plain, 6);
    frame.set(ENCODER.encode(`${formatCrc(crc)}\r\n`), 6 + plain.length);
    return { frame, keyIndex };
  }
  throw new Hj212FrameError('decrypt_failed', `the CP does not decrypt with the device's key${keys.length > 1 ? 's' : ''}`);
}

/**
 * Where a frame's plaintext header says who sent it and what: the byte ranges of MN and CN, and where `CP=&&`
 * starts. `'incomplete'` while `CP=&&` has not arrived (within `limit` bytes); null when the header is not one.
 * Positions only, so a frame of a CN that is never encrypted costs no string.
 */
export function peekFrameHeader(
  bytes: Uint8Array,
  from: number,
  end: number,
  limit = 512,
): { mnStart: number; mnEnd: number; cnStart: number; cnEnd: number; cpAt: number } | 'incomplete' | null {
  let mnStart = -1;
  let mnEnd = -1;
  let cnStart = -1;
  let cnEnd = -1;
  let item = from + 6;
  const stop = Math.min(end, from + limit);
  for (let index = item; index < stop; index++) {
    const byte = bytes[index];
    if (byte === CR || byte === LF) return null;
    if (byte !== 0x3b && !(byte === 0x26 && index === item + 3)) continue;
    // `CP=&&`: the header is over.
    if (byte === 0x26) {
      if (bytes[item] === 0x43 && bytes[item + 1] === 0x50 && bytes[item + 2] === 0x3d) {
        return mnStart >= 0 && cnStart >= 0 ? { mnStart, mnEnd, cnStart, cnEnd, cpAt: item } : null;
      }
      continue;
    }
    if (index - item > 3 && bytes[item + 2] === 0x3d) {
      const key = (bytes[item] as number) * 256 + (bytes[item + 1] as number);
      if (key === 0x4d4e) [mnStart, mnEnd] = [item + 3, index];
      else if (key === 0x434e) [cnStart, cnEnd] = [item + 3, index];
    }
    item = index + 1;
  }
  return stop === end && end - from < limit ? 'incomplete' : null;
}

/** `isEncryptedCommand` on the CN's bytes. */
export function isEncryptedCommandAt(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 4) return false;
  const first = bytes[start];
  if (first === 0x32) return true;
  const text = String.fromCharCode(first as number, bytes[start + 1] as number, bytes[start + 2] as number, bytes[start + 3] as number);
  return text === '1014' || text === '3020';
}

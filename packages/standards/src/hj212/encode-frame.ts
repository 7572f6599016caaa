import { crc16Hj212 } from './crc16';
import { type Hj212Flag } from './flag';
import { Hj212EncodeError } from './hj212-error';
import { type Hj212Cp, type Hj212CpField } from './hj212-frame';
import { parseCp } from './parse-cp';

/**
 * CP to encode, first match wins: `text` written verbatim (what `parseFrame` returns, so a parsed frame
 * re-encodes byte for byte), an exact `groups` layout, or `dataTime`, `params` and `factors`.
 */
export interface Hj212CpInput {
  /** The CP text between `CP=&&` and `&&`, written as is (it must parse). */
  text?: string;
  dataTime?: string | null;
  /** Items without a factor code, e.g. `{ RtdInterval: 30 }`, `{ QnRtn: 1 }`. */
  params?: Record<string, string | number>;
  /** Per factor code, its sub-fields: `{ a34004: { Avg: '14', Flag: 'N' } }`. */
  factors?: Record<string, Record<string, string | number | undefined>>;
  /** When present (and `text` is not), written exactly; params and factors are then ignored. */
  groups?: ReadonlyArray<ReadonlyArray<Hj212CpField>>;
}

/** A frame to encode. A parsed `Hj212Frame` is one, so `encodeFrame(parseFrame(x))` re-creates `x`. */
export interface Hj212FrameInput {
  /** YYYYMMDDhhmmsszzz; omit only for 2005-style uploads. */
  qn?: string | null;
  st: string;
  cn: string;
  pw: string;
  mn: string;
  /** The Flag integer (or a decoded Flag); omit only for 2005-style uploads. */
  flag?: number | Hj212Flag | null;
  pnum?: number | null;
  pno?: number | null;
  /** Writes `RF=1` (HJ 212-2025 re-sent data). */
  resend?: boolean;
  cp?: Hj212CpInput;
}

export interface Hj212EncodeOptions {
  /** What the length counts: `'bytes'` per the standard; `'characters'` imitates some vendors. */
  lengthUnit?: 'bytes' | 'characters';
  /** Upper case per the standard; `'lower'` imitates some devices. */
  crcCase?: 'upper' | 'lower';
  /** Longest data segment allowed, 1024 per HJ 212-2017 §6.3.1. */
  maxDataLength?: number;
}

const ENCODER = new TextEncoder();
const FORBIDDEN_IN_VALUE = /[;,=\r\n]|&&|^ | $/;
const FORBIDDEN_IN_HEADER = /[;=\r\n]|&&/;

/**
 * Encodes a frame byte-exactly per HJ 212-2017 §6.3 (envelope unchanged in 2005 and 2025): header fields in the
 * standard's order `QN;ST;CN;PW;MN;Flag;PNUM;PNO;RF;CP=&&…&&`, the length in UTF-8 bytes, the Appendix A CRC
 * in upper case, then `\r\n`. Throws `Hj212EncodeError` for values the format cannot carry.
 */
export function encodeFrame(input: Hj212FrameInput, options: Hj212EncodeOptions = {}): Uint8Array {
  const segment = buildDataSegment(input);
  const segmentBytes = ENCODER.encode(segment);
  const length = options.lengthUnit === 'characters' ? countCodePoints(segment) : segmentBytes.length;
  const maxDataLength = options.maxDataLength ?? 1024;
  if (length > maxDataLength || length > 9999) {
    throw new Hj212EncodeError('data_segment_too_long', `data segment of ${length} exceeds ${Math.min(maxDataLength, 9999)}; split it into packets`);
  }
  let crc = crc16Hj212(segmentBytes).toString(16).toUpperCase().padStart(4, '0');
  if (options.crcCase === 'lower') crc = crc.toLowerCase();
  const frame = new Uint8Array(6 + segmentBytes.length + 6);
  frame[0] = 0x23;
  frame[1] = 0x23;
  const lengthText = String(length).padStart(4, '0');
  for (let index = 0; index < 4; index++) frame[2 + index] = lengthText.charCodeAt(index);
  frame.set(segmentBytes, 6);
  const crcAt = 6 + segmentBytes.length;
  for (let index = 0; index < 4; index++) frame[crcAt + index] = crc.charCodeAt(index);
  frame[crcAt + 4] = 0x0d;
  frame[crcAt + 5] = 0x0a;
  return frame;
}

/** As `encodeFrame`, as a string (for logs and tests; send the bytes). */
export function encodeFrameToString(input: Hj212FrameInput, options: Hj212EncodeOptions = {}): string {
  return new TextDecoder().decode(encodeFrame(input, options));
}

/** The data segment of a frame, `QN=…;…;CP=&&…&&`, without envelope. */
export function buildDataSegment(input: Hj212FrameInput): string {
  const parts: string[] = [];
  if (input.qn != null) parts.push(`QN=${headerValue('QN', input.qn)}`);
  parts.push(`ST=${required('ST', input.st)}`, `CN=${required('CN', input.cn)}`, `PW=${headerValue('PW', input.pw)}`, `MN=${required('MN', input.mn)}`);
  if (input.flag != null) {
    const value = typeof input.flag === 'number' ? input.flag : input.flag.value;
    if (!Number.isInteger(value) || value < 0 || value > 255) throw new Hj212EncodeError('bad_flag', `Flag must be an integer 0–255: ${value}`);
    parts.push(`Flag=${value}`);
  }
  if (input.pnum != null || input.pno != null) {
    if (input.pnum == null || input.pno == null) throw new Hj212EncodeError('missing_required_field', 'PNUM and PNO come together');
    parts.push(`PNUM=${packetNumber('PNUM', input.pnum)}`, `PNO=${packetNumber('PNO', input.pno)}`);
  }
  if (input.resend) parts.push('RF=1');
  parts.push(`CP=&&${buildCp(input.cp ?? {})}&&`);
  return parts.join(';');
}

function buildCp(cp: Hj212CpInput): string {
  if (cp.text !== undefined) {
    const probe: Hj212Cp = { dataTime: null, params: {}, factors: {}, text: cp.text };
    if (/[\r\n]/.test(cp.text) || parseCp(cp.text, { rejectDuplicateCpKeys: false }, probe) !== null) {
      throw new Hj212EncodeError('bad_field_value', 'CP text does not parse');
    }
    return cp.text;
  }
  if (cp.groups) return cp.groups.map((group) => group.map((field) => cpField(field.key, field.value)).join(',')).join(';');
  const groups: string[] = [];
  const dataTime = cp.dataTime ?? (cp.params?.['DataTime'] !== undefined ? String(cp.params['DataTime']) : null);
  if (dataTime !== null) groups.push(cpField('DataTime', dataTime));
  for (const [key, value] of Object.entries(cp.params ?? {})) {
    if (key !== 'DataTime') groups.push(cpField(key, String(value)));
  }
  for (const [code, fields] of Object.entries(cp.factors ?? {})) {
    const items: string[] = [];
    for (const [suffix, value] of Object.entries(fields)) {
      if (value !== undefined) items.push(cpField(`${code}-${suffix}`, String(value)));
    }
    if (items.length > 0) groups.push(items.join(','));
  }
  return groups.join(';');
}

function cpField(key: string, value: string): string {
  if (key.length === 0 || key === '__proto__' || FORBIDDEN_IN_VALUE.test(key) || key.includes('/')) {
    throw new Hj212EncodeError('bad_field_value', `CP key cannot be carried: ${JSON.stringify(key)}`);
  }
  const opaque = value.length >= 4 && value.startsWith('//') && value.endsWith('//') && !value.slice(2, -2).includes('//');
  if (!opaque && (FORBIDDEN_IN_VALUE.test(value) || value.startsWith('//'))) {
    throw new Hj212EncodeError('bad_field_value', `CP value of ${key} cannot be carried unquoted: ${JSON.stringify(value)}`);
  }
  if (opaque && /[\r\n]|&&/.test(value)) throw new Hj212EncodeError('bad_field_value', `text of ${key} holds a line break or &&`);
  return `${key}=${value}`;
}

function headerValue(name: string, value: string): string {
  if (FORBIDDEN_IN_HEADER.test(value)) throw new Hj212EncodeError('bad_field_value', `${name} cannot hold ; = && or line breaks`);
  return value;
}

function required(name: string, value: string): string {
  if (!value) throw new Hj212EncodeError('missing_required_field', `${name} is required`);
  return headerValue(name, value);
}

function packetNumber(name: string, value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 9999) throw new Hj212EncodeError('bad_field_value', `${name} must be 0–9999`);
  // Written without leading zeros; the parser accepts both `2` and `0002`.
  return String(value);
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xdc00 || code > 0xdfff) count++;
  }
  return count;
}

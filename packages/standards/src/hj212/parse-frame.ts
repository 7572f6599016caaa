import { crc16Hj212 } from './crc16';
import { decodeFlag, type Hj212Flag } from './flag';
import { FrameLocation, locateFrame } from './frame-envelope';
import { Hj212FrameError, type Hj212ReasonCode } from './hj212-error';
import { type Hj212Cp, type Hj212Frame } from './hj212-frame';
import { HJ212_STRICT, hj212Options, isResolvedHj212Options, type Hj212Options, type Hj212Version } from './hj212-options';
import { asciiCodesOf, CpScanner, type AsciiCodes } from './parse-cp';
import { mnProblem } from './mn-rule';

/** The outcome of `tryParseFrame`: never throws, so a listener can count and publish rejections cheaply. */
export type Hj212ParseResult = { ok: true; frame: Hj212Frame } | { ok: false; error: Hj212FrameError };

/** Options as `parseFrame` takes them: a resolved `hj212Options(...)` object, or settings to resolve. */
export type Hj212OptionsInput = Hj212Options | Parameters<typeof hj212Options>[0];

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const GB18030 = new TextDecoder('gb18030', { fatal: true });
const ENCODER = new TextEncoder();
const HASH = 0x23;
const SEMICOLON = 0x3b;
const EQUALS = 0x3d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const CAPITAL_A = 0x41;
const CAPITAL_Z = 0x5a;
const SCRATCH_LOCATION = new FrameLocation();

/**
 * Parses one HJ 212 frame (HJ 212-2017 §6.3, tables 2–4; HJ/T 212-2005 and HJ 212-2025 envelopes, which are the
 * same) from a string or bytes. The input is exactly one frame: `##`, 4-digit length, data segment, CRC
 * (Appendix A), `\r\n`. Throws `Hj212FrameError` with a stable `code` (see `Hj212ReasonCode`) and nothing else.
 * A string is encoded to UTF-8 first, since the length and the CRC are defined on bytes.
 */
export function parseFrame(input: string | Uint8Array, options?: Hj212OptionsInput): Hj212Frame {
  const result = tryParseFrame(input, options);
  if (!result.ok) throw result.error;
  return result.frame;
}

/** As `parseFrame`, returning `{ ok: false, error }` instead of throwing. */
export function tryParseFrame(input: string | Uint8Array, options?: Hj212OptionsInput): Hj212ParseResult {
  const resolved = resolveOptions(options);
  const bytes = typeof input === 'string' ? ENCODER.encode(input) : input;
  if (!(bytes instanceof Uint8Array)) return rejected('bad_header', 'input is neither a string nor bytes');
  if (bytes.length < 2 || bytes[0] !== HASH || bytes[1] !== HASH) {
    if (bytes.length < 2 && (bytes.length === 0 || bytes[0] === HASH)) return rejected('truncated', 'input ends inside the header');
    return rejected('bad_header', 'a frame starts with ##');
  }
  // One scratch location is enough: parsing is synchronous and never re-entered.
  const location = locateFrame(bytes, 0, bytes.length, true, resolved, SCRATCH_LOCATION);
  if (location.status === 2) return rejected(location.code, location.message);
  if (location.frameEnd !== bytes.length) return rejected('length_mismatch', 'bytes after the end of the frame');
  return parseLocatedFrame(bytes, location, resolved);
}

/** Resolves options; an object from `hj212Options` is used as is, so resolve once per device, not per frame. */
export function resolveOptions(options: Hj212OptionsInput | undefined): Hj212Options {
  if (options === undefined) return HJ212_STRICT;
  if (isResolvedHj212Options(options)) return options;
  return hj212Options(options);
}

/** Checks CRC, encoding, header and CP of a frame whose envelope `locateFrame` found. */
export function parseLocatedFrame(bytes: Uint8Array, location: FrameLocation, options: Hj212Options): Hj212ParseResult {
  const { segmentStart, segmentEnd } = location;
  const received = readCrc(bytes, segmentEnd, options);
  if (received < 0) return rejected('bad_crc_format', 'the CRC is not four hex digits');
  const crcText = String.fromCharCode(bytes[segmentEnd] as number, bytes[segmentEnd + 1] as number, bytes[segmentEnd + 2] as number, bytes[segmentEnd + 3] as number);
  if (received !== crc16Hj212(bytes, segmentStart, segmentEnd)) return rejected('bad_crc', `CRC ${crcText} does not match the data segment`);
  let segment: string;
  try {
    segment = (options.textEncoding === 'utf-8' ? UTF8 : GB18030).decode(bytes.subarray(segmentStart, segmentEnd));
  } catch {
    return rejected('bad_encoding', `the data segment is not valid ${options.textEncoding}`);
  }
  // UTF-8 that decodes to as many characters as it has bytes is ASCII: the bytes are the segment's `AsciiCodes`.
  if (options.textEncoding === 'utf-8' && segment.length === segmentEnd - segmentStart) {
    return parseDataSegment(segment, bytes, segmentStart, location.declaredLength, crcText, options);
  }
  return parseDataSegment(segment, asciiCodesOf(segment), 0, location.declaredLength, crcText, options);
}

/** The CRC's value from its four hex digits, or -1 if they are not hex (or not upper case when required). */
function readCrc(bytes: Uint8Array, at: number, options: Hj212Options): number {
  let value = 0;
  for (let index = at; index < at + 4; index++) {
    const byte = bytes[index] as number;
    let digit: number;
    if (byte >= 0x30 && byte <= 0x39) digit = byte - 0x30;
    else if (byte >= 0x41 && byte <= 0x46) digit = byte - 0x37;
    else if (byte >= 0x61 && byte <= 0x66 && options.crcCase === 'any') digit = byte - 0x57;
    else return -1;
    value = (value << 4) | digit;
  }
  return value;
}

/**
 * Parses the data segment (HJ 212-2017 §6.3.3 table 3): header fields `KEY=VALUE;` in any order, then
 * `CP=&&…&&` last. Field order is not enforced: real devices send `ST;CN;QN;…` and `PNO;PNUM`. `codes` holds the
 * segment's `AsciiCodes` from `offset` on.
 */
export function parseDataSegment(
  segment: string,
  codes: AsciiCodes,
  offset: number,
  declaredLength: number,
  crc: string,
  options: Hj212Options,
): Hj212ParseResult {
  let cpAt: number;
  if (segment.startsWith('CP=&&')) cpAt = 0;
  else {
    const found = segment.indexOf(';CP=&&');
    if (found < 0) return rejected('cp_missing', 'no CP=&& in the data segment');
    cpAt = found + 1;
  }
  if (segment.length < cpAt + 7 || !segment.endsWith('&&')) {
    return rejected('cp_bad_delimiters', 'CP must end with && at the end of the data segment');
  }
  let qn: string | null = null;
  let st: string | null = null;
  let cn: string | null = null;
  let pw: string | null = null;
  let mn: string | null = null;
  let flagText: string | null = null;
  let pnumText: string | null = null;
  let pnoText: string | null = null;
  let rf: string | null = null;
  const headerEnd = cpAt === 0 ? 0 : cpAt - 1;
  let position = 0;
  while (position < headerEnd) {
    let itemEnd = position;
    let equals = -1;
    for (; itemEnd < headerEnd; itemEnd++) {
      const code = codes[offset + itemEnd];
      if (code === SEMICOLON) break;
      if (code === EQUALS && equals < 0) equals = itemEnd;
    }
    if (equals < 0) {
      if (itemEnd === position && !options.rejectUnknownHeaderFields) {
        position = itemEnd + 1;
        continue;
      }
      return rejected('bad_header_field', `header item is not KEY=VALUE: ${segment.slice(position, itemEnd)}`);
    }
    const key = headerKey(codes, offset + position, offset + equals);
    const value = segment.slice(equals + 1, itemEnd);
    let repeated = false;
    switch (key) {
      case 'QN': repeated = qn !== null; qn = value; break;
      case 'ST': repeated = st !== null; st = value; break;
      case 'CN': repeated = cn !== null; cn = value; break;
      case 'PW': repeated = pw !== null; pw = value; break;
      case 'MN': repeated = mn !== null; mn = value; break;
      case 'Flag': repeated = flagText !== null; flagText = value; break;
      case 'PNUM': repeated = pnumText !== null; pnumText = value; break;
      case 'PNO': repeated = pnoText !== null; pnoText = value; break;
      case 'RF': repeated = rf !== null; rf = value; break;
      default:
        if (options.rejectUnknownHeaderFields) return rejected('bad_header_field', `unknown header field ${segment.slice(position, equals)}`);
    }
    if (repeated) return rejected('bad_header_field', `header field ${segment.slice(position, equals)} repeated`);
    position = itemEnd + 1;
  }
  if (st === null) return rejected('missing_required_field', 'ST is missing');
  if (cn === null) return rejected('missing_required_field', 'CN is missing');
  if (pw === null) return rejected('missing_required_field', 'PW is missing');
  if (mn === null) return rejected('missing_required_field', 'MN is missing');

  let flag: Hj212Flag | null = null;
  if (flagText !== null) {
    if (!isDigits(flagText, 1, 3)) return rejected('bad_flag', `Flag is not an integer: ${flagText}`);
    const value = Number(flagText);
    if (value > 255) return rejected('bad_flag', `Flag ${value} exceeds 8 bits`);
    flag = decodeFlag(value);
    if (flag.version === null) return rejected('bad_flag', `Flag ${value} names unknown version ${flag.versionBits}`);
  }
  const version: Hj212Version = flag?.version ?? '2005';
  if (options.requireQnAndFlag) {
    const expects = options.profile === 'auto' ? version : options.profile;
    if (expects !== '2005') {
      if (flagText === null) return rejected('missing_required_field', `Flag is missing (HJ 212-${expects})`);
      if (qn === null) return rejected('missing_required_field', `QN is missing (HJ 212-${expects})`);
    }
  }
  if (options.enforceVersion && options.profile !== 'auto' && version !== options.profile) {
    return rejected('version_mismatch', `frame is HJ 212-${version}, device profile is HJ 212-${options.profile}`);
  }
  if (options.checkFieldFormats) {
    if (qn !== null && !isDigits(qn, 17, 17)) return rejected('bad_field_value', `QN is not 17 digits: ${qn}`);
    if (!isDigitsOrCapitals(st, 2)) return rejected('bad_field_value', `ST is not 2 letters or digits: ${st}`);
    if (!isDigits(cn, 4, 4)) return rejected('bad_field_value', `CN is not 4 digits: ${cn}`);
    {
      const problem = mnProblem(mn);
      if (problem !== null) return rejected('bad_field_value', `MN ${mn}: ${problem}`);
    }
    if (rf !== null && rf !== '1') return rejected('bad_field_value', `RF must be 1 when present: ${rf}`);
  }
  let pnum: number | null = null;
  let pno: number | null = null;
  if (pnumText !== null || pnoText !== null) {
    if (pnumText === null || pnoText === null) return rejected('missing_pnum_pno', 'PNUM and PNO come together');
    if (!isDigits(pnumText, 1, 4) || !isDigits(pnoText, 1, 4)) {
      return rejected('bad_field_value', `PNUM/PNO are not up to 4 digits: ${pnumText}/${pnoText}`);
    }
    pnum = Number(pnumText);
    pno = Number(pnoText);
    if (options.checkFieldFormats && (pno < 1 || pno > pnum)) return rejected('bad_field_value', `PNO ${pno} is outside 1..PNUM ${pnum}`);
  }
  if (flag !== null && flag.split && pnum === null && options.requirePacketNumbers) {
    return rejected('missing_pnum_pno', `Flag ${flag.value} sets D but PNUM/PNO are missing`);
  }
  const cp: Hj212Cp = { dataTime: null, params: {}, factors: {}, text: segment.slice(cpAt + 5, segment.length - 2) };
  const failure = new CpScanner(segment, codes, offset).parse(offset + cpAt + 5, offset + segment.length - 2, options, cp);
  if (failure) return rejected(failure.code, failure.message);
  return {
    ok: true,
    frame: { qn, st, cn, pw, mn, flag, version, pnum, pno, resend: rf === '1', cp, dataLength: declaredLength, crc },
  };
}

const HEADER_KEYS = ['QN', 'ST', 'CN', 'PW', 'MN', 'Flag', 'PNUM', 'PNO', 'RF'] as const;

/** The header key at code positions `[from, to)` as a constant string, without allocating one; '' if unknown. */
function headerKey(codes: AsciiCodes, from: number, to: number): string {
  const length = to - from;
  for (const key of HEADER_KEYS) {
    if (key.length !== length) continue;
    let index = 0;
    while (index < length && codes[from + index] === key.charCodeAt(index)) index++;
    if (index === length) return key;
  }
  return '';
}

// Format checks of header fields, as loops: a regular expression per field cost more. Kept in this module because
// calls into another one go through a getter per call when the source runs through tsx.

/** `/^\d{min,max}$/.test(text)`. */
function isDigits(text: string, min: number, max: number): boolean {
  if (text.length < min || text.length > max) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < DIGIT_0 || code > DIGIT_9) return false;
  }
  return true;
}

/** `/^[0-9A-Z]{length}$/.test(text)`. */
function isDigitsOrCapitals(text: string, length: number): boolean {
  if (text.length !== length) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (!((code >= DIGIT_0 && code <= DIGIT_9) || (code >= CAPITAL_A && code <= CAPITAL_Z))) return false;
  }
  return true;
}

function rejected(code: Hj212ReasonCode, message: string): Hj212ParseResult {
  return { ok: false, error: new Hj212FrameError(code, message) };
}

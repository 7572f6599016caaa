/** HJ 212 protocol versions: HJ/T 212-2005, HJ 212-2017, HJ 212-2025 (in force 2026-01-01). */
export type Hj212Version = '2005' | '2017' | '2025';

/**
 * How a device's frames are judged. Start from `HJ212_STRICT` or `HJ212_TOLERANT` (via `hj212Options`) and
 * override per device; ingest keeps one of these per MN.
 */
export interface Hj212Options {
  /** The version the device speaks, or `'auto'` to take it from the Flag (no Flag means 2005). */
  profile: Hj212Version | 'auto';
  /** Reject a Flag whose version differs from `profile` (when `profile` is not `'auto'`). */
  enforceVersion: boolean;
  /**
   * What the 4-digit length counts. The standard's CRC works on bytes and its text says ASCII, with Chinese in
   * UTF-8, so `'bytes'` (of the encoded segment) is the default; some vendors count characters.
   */
  lengthUnit: 'bytes' | 'characters' | 'either';
  /** Longest data segment accepted: 1024 per HJ 212-2017 §6.3.1; up to 9999 (what four digits can say). */
  maxDataLength: number;
  /**
   * The standard writes the CRC in upper case; many real devices send lower case. Both presets accept either,
   * since the digits' case does not change the value and the CRC is still checked; `'upper'` is for a link
   * that must be held to the letter of the standard.
   */
  crcCase: 'upper' | 'any';
  /** Require `\r\n` right after the CRC. When false a missing tail is accepted (a lone `\n` too). */
  requireTail: boolean;
  /** Require QN and Flag in 2017 and 2025 frames (2005-style uploads omit them). */
  requireQnAndFlag: boolean;
  /** Require PNUM and PNO when the Flag's D bit is set. */
  requirePacketNumbers: boolean;
  /** Reject header keys other than QN, ST, CN, PW, MN, Flag, PNUM, PNO, RF. */
  rejectUnknownHeaderFields: boolean;
  /** Reject repeated CP keys (otherwise the last one wins). */
  rejectDuplicateCpKeys: boolean;
  /** Check QN (17 digits), ST (2 letters/digits), CN (4 digits), MN (the shared rule of `mn-rule.ts`). */
  checkFieldFormats: boolean;
  /** Text encoding of the data segment. The standard says UTF-8; some old devices send GB18030/GBK. */
  textEncoding: 'utf-8' | 'gb18030';
}

/** Options objects made here, so `parseFrame` can skip resolving them again on every frame. */
const RESOLVED = new WeakSet<object>();

/** Whether `options` came from `hj212Options` (or is one of the presets), i.e. is complete. */
export function isResolvedHj212Options(options: object): options is Hj212Options {
  return RESOLVED.has(options);
}

/** Strict: the standard as written, with the MN rule and CRC letter case real devices need. */
export const HJ212_STRICT: Readonly<Hj212Options> = Object.freeze({
  profile: 'auto',
  enforceVersion: true,
  lengthUnit: 'bytes',
  maxDataLength: 1024,
  crcCase: 'any',
  requireTail: true,
  requireQnAndFlag: true,
  requirePacketNumbers: true,
  rejectUnknownHeaderFields: true,
  rejectDuplicateCpKeys: true,
  checkFieldFormats: true,
  textEncoding: 'utf-8',
});

/**
 * Tolerant: for vendors that count characters, omit QN/Flag, set D without PNUM/PNO,
 * or send segments longer than 1024 bytes. The CRC is still always checked.
 */
export const HJ212_TOLERANT: Readonly<Hj212Options> = Object.freeze({
  profile: 'auto',
  enforceVersion: false,
  lengthUnit: 'either',
  maxDataLength: 9999,
  crcCase: 'any',
  requireTail: false,
  requireQnAndFlag: false,
  requirePacketNumbers: false,
  rejectUnknownHeaderFields: false,
  rejectDuplicateCpKeys: false,
  checkFieldFormats: false,
  textEncoding: 'utf-8',
});

/**
 * Options for one device: `mode` picks the strict or tolerant preset, `profile` its version, and any field can
 * be overridden. Resolve once per device, not per frame.
 */
export function hj212Options(
  settings: { mode?: 'strict' | 'tolerant'; profile?: Hj212Version | 'auto' } & Partial<Hj212Options> = {},
): Readonly<Hj212Options> {
  const { mode = 'strict', ...overrides } = settings;
  const base = mode === 'tolerant' ? HJ212_TOLERANT : HJ212_STRICT;
  const resolved: Hj212Options = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined) (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  Object.freeze(resolved);
  RESOLVED.add(resolved);
  return resolved;
}

RESOLVED.add(HJ212_STRICT);
RESOLVED.add(HJ212_TOLERANT);

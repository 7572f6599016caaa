import { StandardsError } from '../standards-error';

/**
 * Why a frame was rejected. Stable: ingest publishes these on `readings.rejected` and counts them.
 * Checks run in this order and the first that fails is reported (STANDARDS.md §1.12, extended).
 */
export type Hj212ReasonCode =
  /** Does not start with `##` (HJ 212-2017 §6.3.1 table 2). */
  | 'bad_header'
  /** The four characters after `##` are not decimal digits. */
  | 'bad_length_field'
  /** The input ends before the declared data segment, CRC and tail. */
  | 'truncated'
  /** No `\r\n` right after the CRC (strict mode). */
  | 'missing_tail'
  /** The declared length does not match the data segment (bytes, or characters in tolerant mode). */
  | 'length_mismatch'
  /** The declared data segment is longer than allowed (1024 in strict mode, §6.3.1). */
  | 'data_segment_too_long'
  /** The CRC is not four hex digits (or is lower case in strict mode). */
  | 'bad_crc_format'
  /** The CRC does not match the data segment (Appendix A algorithm). */
  | 'bad_crc'
  /** The data segment is not valid text in the configured encoding, or holds control characters. */
  | 'bad_encoding'
  /** No `CP=&&` in the data segment. */
  | 'cp_missing'
  /** CP is not closed by `&&` at the end of the segment, or a `//…//` text is not closed. */
  | 'cp_bad_delimiters'
  /** A header item is not `KEY=VALUE`, is repeated, or is unknown (strict mode). */
  | 'bad_header_field'
  /** ST, CN, PW or MN is missing; or QN/Flag under a 2017/2025 profile in strict mode. */
  | 'missing_required_field'
  /** QN, ST, CN, MN, PNUM, PNO or RF has a value outside its format (table 3). */
  | 'bad_field_value'
  /** Flag is not an integer 0–255 or carries an unknown version (table 3). */
  | 'bad_flag'
  /** The Flag's version is not the one the device profile expects (strict mode). */
  | 'version_mismatch'
  /** The Flag's D bit is set but PNUM/PNO are missing (strict mode). */
  | 'missing_pnum_pno'
  /** A CP item is not `KEY=VALUE`, has an empty key, or repeats a key (strict mode). */
  | 'bad_cp_item'
  /** Stream only: bytes between frames that are not part of any frame. */
  | 'garbage'
  /** HJ 212-2025 §6.4: the encrypted CP does not open with the device's SM4 key (nor a previous one in its grace window). */
  | 'decrypt_failed';

/** A rejected HJ 212 frame. Thrown by `parseFrame`; returned by `tryParseFrame` and `FrameDecoder`. */
export class Hj212FrameError extends StandardsError<Hj212ReasonCode> {}

/** `encodeFrame` was given a value the standard cannot carry (e.g. a `;` in a field value). */
export class Hj212EncodeError extends StandardsError<
  'bad_field_value' | 'data_segment_too_long' | 'bad_flag' | 'missing_required_field'
> {}

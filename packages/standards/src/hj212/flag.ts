import { type Hj212Version } from './hj212-options';

/**
 * The Flag field decoded (HJ 212-2017 table 3): `V5…V0 D A`, bit 7 to bit 0.
 * `version` 0 = HJ/T 212-2005, 1 = HJ 212-2017, 2 = HJ 212-2025.
 */
export interface Hj212Flag {
  /** The integer as sent. */
  value: number;
  /** `value >> 2`. */
  versionBits: number;
  /** The protocol version the bits name, or `null` for an unassigned number. */
  version: Hj212Version | null;
  /** D bit: the packet carries PNUM and PNO. */
  split: boolean;
  /** A bit: the sender wants a response (9014 for data, 9013 for notifications, 9011 for requests). */
  needsAck: boolean;
}

const VERSION_BY_BITS: ReadonlyArray<Hj212Version> = ['2005', '2017', '2025'];

/** Decodes a Flag integer (HJ 212-2017 table 3). */
export function decodeFlag(value: number): Hj212Flag {
  const versionBits = value >>> 2;
  return {
    value,
    versionBits,
    version: VERSION_BY_BITS[versionBits] ?? null,
    split: (value & 2) !== 0,
    needsAck: (value & 1) !== 0,
  };
}

/** Builds a Flag integer from its parts (HJ 212-2017 table 3; version 2 per HJ 212-2025). */
export function encodeFlag(parts: { version: Hj212Version; split?: boolean; needsAck?: boolean }): number {
  return (VERSION_BY_BITS.indexOf(parts.version) << 2) | (parts.split ? 2 : 0) | (parts.needsAck ? 1 : 0);
}

import type { Cell } from './entities';

/** The version of a cell in effect now, as far as versioning needs it. */
export interface CurrentCellVersion {
  version: number;
  name: string;
  townshipCode: string;
  geometryGeojson: string;
  validFrom: Date;
}

/** What writing a cell does to its history. */
export type CellVersionStep =
  | { kind: 'unchanged' }
  | {
      kind: 'next_version';
      /** The version that opens. */
      version: number;
      validFrom: Date;
      /** The current version, closed the moment the next one opens; absent for a new cell. */
      closes?: { version: number; validTo: Date };
    };

/**
 * Cells are versioned so that "which cell was this point in at time t" stays answerable: a changed cell (name,
 * township or polygon) closes its current version and opens the next from `validFrom` (default: now). Versions
 * never overlap and never run backwards: a `validFrom` at or before the current version's start is moved to now,
 * or just after that start when the current version begins in the future. Numbers keep counting after a
 * deletion, so a cell given again continues its history (`latestVersion` is the highest ever stored, 0 for none).
 */
export function nextCellVersion(
  current: CurrentCellVersion | undefined,
  latestVersion: number,
  incoming: Pick<Cell, 'name' | 'townshipCode' | 'geometryGeojson' | 'validFrom'>,
  now: Date,
): CellVersionStep {
  if (current && current.name === incoming.name && current.townshipCode === incoming.townshipCode && current.geometryGeojson === incoming.geometryGeojson) {
    return { kind: 'unchanged' };
  }
  let validFrom = incoming.validFrom ?? now;
  if (current && validFrom <= current.validFrom) validFrom = now > current.validFrom ? now : new Date(current.validFrom.getTime() + 1);
  return {
    kind: 'next_version',
    version: latestVersion + 1,
    validFrom,
    ...(current ? { closes: { version: current.version, validTo: validFrom } } : {}),
  };
}

/** A deleted cell's current version closes now, or at its own start when that is still to come. */
export function retiredCellVersion(current: Pick<CurrentCellVersion, 'version' | 'validFrom'>, now: Date): { version: number; validTo: Date } {
  return { version: current.version, validTo: now > current.validFrom ? now : current.validFrom };
}

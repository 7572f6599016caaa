import { describe, expect, it } from 'vitest';
import { nextCellVersion, retiredCellVersion, type CurrentCellVersion } from './cell-versions';

const square = JSON.stringify({ type: 'Polygon', coordinates: [[[111, 35], [111.01, 35], [111.01, 35.01], [111, 35.01], [111, 35]]] });
const smaller = JSON.stringify({ type: 'Polygon', coordinates: [[[111, 35], [111.01, 35], [111.01, 35.005], [111, 35.005], [111, 35]]] });
const now = new Date('2026-12-06T04:00:00Z');
const current: CurrentCellVersion = { version: 3, name: 'C1', townshipCode: 'T1', geometryGeojson: square, validFrom: new Date('2026-01-01T00:00:00Z') };

describe('nextCellVersion', () => {
  it('opens version 1 of a new cell from now, closing nothing', () => {
    expect(nextCellVersion(undefined, 0, { name: 'C1', townshipCode: 'T1', geometryGeojson: square }, now)).toEqual({ kind: 'next_version', version: 1, validFrom: now });
  });

  it('leaves an identical cell alone, whatever validFrom is asked for', () => {
    expect(nextCellVersion(current, 3, { name: 'C1', townshipCode: 'T1', geometryGeojson: square, validFrom: new Date('2027-01-01T00:00:00Z') }, now)).toEqual({ kind: 'unchanged' });
  });

  it('a changed polygon, name or township closes the current version the moment the next opens', () => {
    for (const change of [{ geometryGeojson: smaller }, { name: 'C1 renamed' }, { townshipCode: 'T2' }]) {
      const step = nextCellVersion(current, 3, { name: 'C1', townshipCode: 'T1', geometryGeojson: square, ...change }, now);
      expect(step).toEqual({ kind: 'next_version', version: 4, validFrom: now, closes: { version: 3, validTo: now } });
    }
  });

  it('takes a later validFrom as given', () => {
    const from = new Date('2027-01-01T00:00:00Z');
    expect(nextCellVersion(current, 3, { name: 'C1', townshipCode: 'T1', geometryGeojson: smaller, validFrom: from }, now)).toEqual({
      kind: 'next_version',
      version: 4,
      validFrom: from,
      closes: { version: 3, validTo: from },
    });
  });

  it('never lets versions run backwards: a validFrom at or before the current start becomes now, or just after a future start', () => {
    const past = nextCellVersion(current, 3, { name: 'C1', townshipCode: 'T1', geometryGeojson: smaller, validFrom: new Date('2025-06-01T00:00:00Z') }, now);
    expect(past).toMatchObject({ validFrom: now, closes: { validTo: now } });
    const future = { ...current, validFrom: new Date('2027-01-01T00:00:00Z') };
    const step = nextCellVersion(future, 3, { name: 'C1', townshipCode: 'T1', geometryGeojson: smaller, validFrom: future.validFrom }, now);
    expect(step).toMatchObject({ validFrom: new Date(future.validFrom.getTime() + 1), closes: { version: 3, validTo: new Date(future.validFrom.getTime() + 1) } });
  });

  it('continues the numbering of a deleted cell given again', () => {
    expect(nextCellVersion(undefined, 5, { name: 'C1', townshipCode: 'T1', geometryGeojson: square }, now)).toEqual({ kind: 'next_version', version: 6, validFrom: now });
  });
});

describe('retiredCellVersion', () => {
  it('closes the current version now, or at its start when that is still to come', () => {
    expect(retiredCellVersion(current, now)).toEqual({ version: 3, validTo: now });
    const future = new Date('2027-01-01T00:00:00Z');
    expect(retiredCellVersion({ version: 2, validFrom: future }, now)).toEqual({ version: 2, validTo: future });
  });
});

import { describe, expect, it } from 'vitest';
import { cellCentre, townshipBoundaries, type CellShape, type Position } from './grid-map';

const square = (id: string, townshipCode: string, lon: number, lat: number): CellShape => ({
  id,
  name: id,
  townshipCode,
  rings: [[[lon, lat], [lon + 1, lat], [lon + 1, lat + 1], [lon, lat + 1], [lon, lat]]],
});

const sorted = (segments: Array<[Position, Position]>) => segments.map((segment) => segment.map((point) => point.join(',')).sort().join(' ')).sort();

describe('township boundaries from cells', () => {
  it('keeps the outline of two neighbouring cells of one unit and drops the edge they share', () => {
    const [unit] = townshipBoundaries([square('a', 't1', 0, 0), square('b', 't1', 1, 0)], new Map([['t1', '冯村乡']]));
    expect(unit?.name).toBe('冯村乡');
    expect(unit?.segments).toHaveLength(6);
    expect(sorted(unit?.segments ?? [])).not.toContain('1,0 1,1');
  });

  it('keeps an edge shared by cells of two units in both outlines', () => {
    const units = townshipBoundaries([square('a', 't1', 0, 0), square('b', 't2', 1, 0)], new Map());
    expect(units.map((unit) => unit.segments.length)).toEqual([4, 4]);
    expect(units.every((unit) => sorted(unit.segments).includes('1,0 1,1'))).toBe(true);
  });

  it('puts the centre of a square cell in its middle', () => {
    expect(cellCentre(square('a', 't', 110, 35))).toEqual([110.5, 35.5]);
  });
});

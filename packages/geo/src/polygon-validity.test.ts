import { describe, expect, it } from 'vitest';
import { validatePolygon } from './polygon-validity';
import { parseGeometry } from './geojson';
import type { PolygonCoordinates } from './types';

const square = (x: number, y: number, size = 1): PolygonCoordinates => [
  [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]],
];

describe('validatePolygon', () => {
  it('accepts a square and a square with a hole, in either orientation', () => {
    expect(validatePolygon(square(0, 0))).toEqual([]);
    expect(validatePolygon([[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]])).toEqual([]);
    expect(validatePolygon([...square(0, 0, 4), [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]])).toEqual([]);
  });

  it('finds a bow-tie self-intersection and says where', () => {
    const [problem] = validatePolygon([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]);
    expect(problem?.code).toBe('self_intersection');
    expect(problem?.at?.[0]).toBeCloseTo(0.5);
    expect(problem?.at?.[1]).toBeCloseTo(0.5);
  });

  it('finds a ring that touches itself at a vertex and one that folds back', () => {
    expect(validatePolygon([[[0, 0], [2, 0], [2, 2], [1, 0], [0, 2], [0, 0]]])[0]?.code).toBe('self_intersection');
    expect(validatePolygon([[[0, 0], [2, 0], [1, 0], [1, 1], [0, 0]]])[0]?.code).toBe('self_intersection');
  });

  it('refuses open, short and flat rings', () => {
    expect(validatePolygon([[[0, 0], [1, 0], [1, 1], [0, 1]]])[0]?.code).toBe('ring_not_closed');
    expect(validatePolygon([[[0, 0], [1, 0], [0, 0]]])[0]?.code).toBe('ring_too_short');
    // A flat ring can only be drawn by going back over itself.
    expect(validatePolygon([[[0, 0], [1, 0], [2, 0], [0, 0]]])[0]?.code).toBe('self_intersection');
  });

  it('refuses a hole outside its shell or crossing it', () => {
    expect(validatePolygon([...square(0, 0), [[5, 5], [5, 6], [6, 6], [5, 5]]])[0]?.code).toBe('hole_outside_shell');
    expect(validatePolygon([...square(0, 0, 2), [[1, 1], [3, 1], [3, 1.5], [1, 1]]])[0]?.code).toBe('rings_cross');
  });
});

describe('parseGeometry', () => {
  it('reads the types we store and refuses the rest', () => {
    expect(parseGeometry({ type: 'Point', coordinates: [111, 35] })).toEqual({ ok: true, geometry: { type: 'Point', coordinates: [111, 35] } });
    expect(parseGeometry({ type: 'GeometryCollection', geometries: [] })).toMatchObject({ ok: false, problem: { code: 'unsupported_type' } });
    expect(parseGeometry({ type: 'Point', coordinates: [191, 35] })).toMatchObject({ ok: false, problem: { code: 'coordinate_out_of_range' } });
    expect(parseGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 'x']]] })).toMatchObject({ ok: false, problem: { code: 'bad_coordinates' } });
    expect(parseGeometry('nope')).toMatchObject({ ok: false, problem: { code: 'not_geometry' } });
  });
});

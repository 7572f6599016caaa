import { describe, expect, it } from 'vitest';
import { chainagesOf, locateOnRiver, pointAtChainage, riverLengthM, stretchOf } from './river';
import { KM_LAT, KM_LON, RIVER } from './testing/fixtures';

describe('river polyline', () => {
  it('measures chainage from the upstream end and the offset beside the line', () => {
    const position = locateOnRiver(RIVER, 110.9 + 5 * KM_LON, 35.0 + 0.4 * KM_LAT);
    expect(position.chainageM).toBeGreaterThan(4_980);
    expect(position.chainageM).toBeLessThan(5_020);
    expect(position.offsetM).toBeGreaterThan(395);
    expect(position.offsetM).toBeLessThan(405);
  });

  it('clamps a point beyond either end to that end', () => {
    expect(locateOnRiver(RIVER, 110.8, 35.0).chainageM).toBe(0);
    expect(locateOnRiver(RIVER, 111.3, 35.0).chainageM).toBeCloseTo(riverLengthM(RIVER), 3);
  });

  it('cuts a stretch between two chainages, keeping the vertices inside it', () => {
    const chainages = chainagesOf(RIVER);
    const middle = chainages[1] as number;
    const stretch = stretchOf(RIVER, middle - 1_000, middle + 1_000, chainages);
    expect(stretch).toHaveLength(3);
    expect(stretch[1]).toEqual([111.0, 35.0]);
    expect(pointAtChainage(RIVER, middle, chainages)[0]).toBeCloseTo(111.0, 9);
  });
});

import { describe, expect, it } from 'vitest';
import type { Device, Target } from './entities';
import type { Placer } from './import-context';
import { relocated, relocatedTarget } from './relocation';

/** Cell E1 (township T1) east of lon 111, W1 (township T2) west of it, nothing north of lat 36. */
const place: Placer = (lon, lat) => (lat > 36 ? undefined : lon >= 111 ? { cellId: 'E1', townshipCode: 'T1' } : { cellId: 'W1', townshipCode: 'T2' });

const device = (lon: number, lat: number, cellId: string, townshipCode: string): Device => ({
  mn: 'M1',
  name: 'station',
  kind: 'micro_air_station',
  location: { lon, lat },
  enterpriseUscc: '',
  outletId: '',
  cellId,
  townshipCode,
  factors: [],
  password: 'pw',
  protocolVersion: '2017',
  tolerant: false,
  enabled: true,
  systemCode: '22',
});

const target = (geometry: unknown, townshipCode: string): Target => ({
  id: 'S1',
  name: 'school',
  kind: 'school',
  category: 'sensitive',
  geometryGeojson: JSON.stringify(geometry),
  townshipCode,
  attributes: {},
});

describe('relocated', () => {
  it('moves a device into the cell and township now under it', () => {
    expect(relocated(device(110.5, 35, 'E1', 'T1'), place)).toMatchObject({ mn: 'M1', cellId: 'W1', townshipCode: 'T2' });
  });

  it('leaves a device where it is when the grid still puts it there', () => {
    expect(relocated(device(111.5, 35, 'E1', 'T1'), place)).toBeUndefined();
  });

  it('takes a device off the grid when no cell covers it any more', () => {
    expect(relocated(device(111.5, 37, 'E1', 'T1'), place)).toMatchObject({ cellId: '', townshipCode: '' });
  });
});

describe('relocatedTarget', () => {
  it('follows the township under its representative point', () => {
    expect(relocatedTarget(target({ type: 'Point', coordinates: [110.5, 35] }, 'T1'), place)).toMatchObject({ townshipCode: 'T2' });
  });

  it('keeps its township where the grid says nothing or the same', () => {
    expect(relocatedTarget(target({ type: 'Point', coordinates: [111.5, 37] }, 'T1'), place)).toBeUndefined();
    expect(relocatedTarget(target({ type: 'Point', coordinates: [111.5, 35] }, 'T1'), place)).toBeUndefined();
  });
});

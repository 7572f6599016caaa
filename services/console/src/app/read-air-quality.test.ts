import { describe, expect, it } from 'vitest';
import { createReadAirQuality } from './read-air-quality';
import type { StationAqiHour } from './ports';
import type { MapLayers } from '../domain/grid-map';

const user = { username: 'd', displayName: 'D', role: 'dispatcher' as const };
const hour = (aqi: number, categoryLevel: number, publishable = true): StationAqiHour => ({ hourStart: '2026-12-06T03:00:00.000Z', aqi, category: `${categoryLevel}`, categoryLevel, primaryPollutants: [], publishable });
const station = (mn: string) => ({ mn, name: mn, kind: 'national_air_station', lon: 0, lat: 0, cellId: '', townshipCode: '', enterpriseUscc: '' });

describe('air quality', () => {
  it('asks for the last 24 h of the national stations only and sums up the district from their latest publishable hour', async () => {
    const asked: Array<{ mn: string; from: string; to: string }> = [];
    const layers: MapLayers = { cells: [], townships: [], targets: [], devices: [station('A'), station('B'), { ...station('CEMS'), kind: 'flue_gas_cems' }] };
    const read = createReadAirQuality({
      readMapLayers: async () => layers,
      clock: { now: () => new Date('2026-12-06T04:30:00Z') },
      airQuality: {
        stationHours: async (_user, mn, from, to) => {
          asked.push({ mn, from: from.toISOString(), to: to.toISOString() });
          return mn === 'A' ? [hour(60, 2), hour(180, 4, false)] : [hour(110, 3)];
        },
      },
    });
    const page = await read(user);
    expect(asked).toEqual([
      { mn: 'A', from: '2026-12-05T04:30:00.000Z', to: '2026-12-06T04:30:00.000Z' },
      { mn: 'B', from: '2026-12-05T04:30:00.000Z', to: '2026-12-06T04:30:00.000Z' },
    ]);
    // A's unpublishable hour (incomplete, AQI shown as NA) does not count.
    expect(page.district).toEqual({ aqi: 85, categoryLevel: 3, category: '3' });
  });
});

import type { Geometry } from '@ecogrid/geo';
import type { Incident } from '../incident';
import type { River } from '../river';
import type { Site, Station } from '../site';

/** A straight river running west → east along latitude 35.0, 110.90 → 111.10 (≈ 18.2 km). */
export const RIVER: River = { id: 'R1', name: '测试河', path: [[110.9, 35.0], [111.0, 35.0], [111.1, 35.0]] };

/** Degrees of longitude per kilometre at latitude 35 (≈ 1 / 91.2). */
export const KM_LON = 1 / 91.19;
export const KM_LAT = 1 / 111.2;

const point = (lon: number, lat: number): Geometry => ({ type: 'Point', coordinates: [lon, lat] });
const square = (lon: number, lat: number, halfKm: number): Geometry => {
  const dx = halfKm * KM_LON;
  const dy = halfKm * KM_LAT;
  return { type: 'Polygon', coordinates: [[[lon - dx, lat - dy], [lon + dx, lat - dy], [lon + dx, lat + dy], [lon - dx, lat + dy], [lon - dx, lat - dy]]] };
};

export const site = (id: string, kind: string, geometry: Geometry, category: Site['category'] = 'sensitive', attributes: Record<string, string> = {}): Site => ({
  id,
  name: `${kind} ${id}`,
  kind,
  category,
  geometry,
  attributes,
});

/** The station sits on the river at lon 110.95, inside water source WS1's protection zone. */
export const STATION_LON = 110.95;
export const STATION_LAT = 35.0;

export const WATER_SOURCE = site('WS1', 'drinking_water_source', square(STATION_LON, STATION_LAT, 0.3));

export const SENSITIVE: Site[] = [
  WATER_SOURCE,
  // 3 km downstream, 0.3 km off the river: inside.
  site('SCH-DOWN', 'school', point(STATION_LON + 3 * KM_LON, STATION_LAT + 0.3 * KM_LAT)),
  // 8 km downstream, 0.5 km off: inside, further.
  site('HOS-DOWN', 'hospital', point(STATION_LON + 8 * KM_LON, STATION_LAT - 0.5 * KM_LAT)),
  // 3 km upstream: outside (upstream, beyond the immediate surroundings).
  site('HOS-UP', 'hospital', point(STATION_LON - 3 * KM_LON, STATION_LAT)),
  // 0.6 km upstream: inside the immediate surroundings.
  site('RES-NEAR', 'residential_area', square(STATION_LON - 0.6 * KM_LON, STATION_LAT + 0.2 * KM_LAT, 0.1)),
  // 5 km downstream but 4 km off the river: outside.
  site('RES-FAR', 'residential_area', point(STATION_LON + 5 * KM_LON, STATION_LAT + 4 * KM_LAT)),
  // 12 km downstream, on the river: beyond the 10 km stretch.
  site('SCH-BEYOND', 'school', point(STATION_LON + 12 * KM_LON, STATION_LAT)),
];

export const RESOURCES: Site[] = [
  site('TEAM-2', 'emergency_team', point(STATION_LON, STATION_LAT + 2 * KM_LAT), 'emergency_resource', { members: '24' }),
  site('TEAM-10', 'emergency_team', point(STATION_LON + 10 * KM_LON, STATION_LAT), 'emergency_resource'),
  site('VEH-5', 'emergency_monitoring_vehicle', point(STATION_LON - 5 * KM_LON, STATION_LAT), 'emergency_resource', { factors: 'COD,NH3-N' }),
  site('SUP-1', 'emergency_supplies', point(STATION_LON, STATION_LAT - 1 * KM_LAT), 'emergency_resource'),
  site('SUP-4', 'emergency_supplies', point(STATION_LON, STATION_LAT - 4 * KM_LAT), 'emergency_resource'),
];

export const CHEMICAL_STORE = site('RISK1', 'hazardous_chemical_store', point(111.2, 35.1), 'risk_source');

export const station = (overrides: Partial<Station> = {}): Station => ({
  mn: 'MN-WS1',
  name: '水源地水质自动站',
  kind: 'water_station',
  lon: STATION_LON,
  lat: STATION_LAT,
  factorCodes: ['w01018', 'w21003'],
  cellId: 'C1',
  townshipCode: 'T1',
  ...overrides,
});

export const incident = (overrides: Partial<Incident> = {}): Incident => ({
  id: 'INC-1',
  status: 'proposed',
  kind: 'water_source',
  level: 'IV',
  title: '饮用水源地水质超标',
  lon: STATION_LON,
  lat: STATION_LAT,
  cellId: 'C1',
  townshipCode: 'T1',
  stationMns: ['MN-WS1'],
  alertId: 'A1',
  factorCode: 'w21003',
  summary: '',
  drill: false,
  targetId: 'WS1',
  radiusM: 0,
  proposedAt: new Date('2026-12-06T08:00:00Z'),
  declaredAt: null,
  declaredBy: '',
  planActivatedAt: null,
  planId: '',
  planVersion: 0,
  closedAt: null,
  recoveredSince: null,
  version: 1,
  ...overrides,
});

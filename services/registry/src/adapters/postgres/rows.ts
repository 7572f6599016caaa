import * as wire from '@ecogrid/proto/registry/v1/entities';
import type { Cell, Device, Enterprise, Officer, Target, Township } from '../../domain/entities';
import { deviceFromWire, deviceToWire, enterpriseFromWire, enterpriseToWire, officerFromWire, officerToWire, targetFromWire, targetToWire } from '../wire/registry-wire';
import { canonicalJson } from './canonical-json';

export interface CellRow {
  id: string;
  version: number;
  name: string;
  township_code: string;
  geometry_geojson: string;
  area_m2: number;
  valid_from: Date;
  valid_to: Date | null;
}

export interface TownshipRow {
  code: string;
  name: string;
  kind: string;
  district_code: string;
}

export const CELL_COLUMNS = 'id, version, name, township_code, geometry_geojson, area_m2, valid_from, valid_to';
export const TOWNSHIP_COLUMNS = 'code, name, kind, district_code';

/** A GeoJSON text parameter as a PostGIS geometry in WGS 84. */
export const GEOMETRY = (param: string): string => `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`;

export function cellFromRow(row: CellRow): Cell {
  return {
    id: row.id,
    name: row.name,
    townshipCode: row.township_code,
    geometryGeojson: row.geometry_geojson,
    validFrom: row.valid_from,
    ...(row.valid_to ? { validTo: row.valid_to } : {}),
    version: row.version,
    areaM2: row.area_m2,
  };
}

export function townshipFromRow(row: TownshipRow, supervisorOfficerId = ''): Township {
  return { code: row.code, name: row.name, kind: row.kind, supervisorOfficerId, districtCode: row.district_code };
}

/** How an entity is kept in its row's `doc` column: its protobuf JSON, the format its events and API answers carry. */
export interface DocumentFormat<T> {
  write(record: T): unknown;
  read(doc: unknown): T;
}

export const officerDocument: DocumentFormat<Officer> = { write: (officer) => wire.Officer.toJSON(officerToWire(officer)), read: (doc) => officerFromWire(wire.Officer.fromJSON(doc)) };
export const deviceDocument: DocumentFormat<Device> = { write: (device) => wire.Device.toJSON(deviceToWire(device)), read: (doc) => deviceFromWire(wire.Device.fromJSON(doc)) };
export const enterpriseDocument: DocumentFormat<Enterprise> = {
  write: (enterprise) => wire.Enterprise.toJSON(enterpriseToWire(enterprise)),
  read: (doc) => enterpriseFromWire(wire.Enterprise.fromJSON(doc)),
};
export const targetDocument: DocumentFormat<Target> = { write: (target) => wire.Target.toJSON(targetToWire(target)), read: (doc) => targetFromWire(wire.Target.fromJSON(doc)) };

/** A document written now and one read back from jsonb (keys reordered) say the same. */
export const sameDocument = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

import type { Pool } from 'pg';
import type { RegistryRepository } from '../../app/ports';
import { page, Where } from './paging';
import { CELL_COLUMNS, cellFromRow, deviceDocument, enterpriseDocument, GEOMETRY, officerDocument, targetDocument, TOWNSHIP_COLUMNS, townshipFromRow, type CellRow, type TownshipRow } from './rows';

export type RegistryReader = Omit<RegistryRepository, 'write'>;

/** Reads of the system of record: current entities, cell history and geodesic searches (PostGIS). */
export function createRegistryReader(pool: Pool): RegistryReader {
  const supervisorOf = async (code: string): Promise<string> =>
    (await pool.query<{ id: string }>("SELECT id FROM officers WHERE township_code = $1 AND role = 'supervisor' AND active ORDER BY id LIMIT 1", [code])).rows[0]?.id ?? '';

  return {
    getTownship: async (code) => {
      const row = (await pool.query<TownshipRow>(`SELECT ${TOWNSHIP_COLUMNS} FROM townships WHERE code = $1`, [code])).rows[0];
      return row ? townshipFromRow(row, await supervisorOf(code)) : undefined;
    },
    listTownships: (request) => page(pool, 'townships', 'code', new Where(), request, TOWNSHIP_COLUMNS, (row) => townshipFromRow(row as unknown as TownshipRow)),

    getCell: async (id) => {
      const row = (await pool.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE id = $1 AND valid_to IS NULL`, [id])).rows[0];
      if (!row) return undefined;
      const township = (await pool.query<TownshipRow>(`SELECT ${TOWNSHIP_COLUMNS} FROM townships WHERE code = $1`, [row.township_code])).rows[0];
      return {
        cell: cellFromRow(row),
        township: township ? townshipFromRow(township, await supervisorOf(township.code)) : { code: row.township_code, name: '', kind: '', supervisorOfficerId: '', districtCode: '' },
      };
    },
    listCells: (filter, request) =>
      page(
        pool,
        'cell_versions',
        'id',
        new Where().add('valid_to IS NULL').when(filter.townshipCode, (p) => `township_code = ${p}`).bbox('geometry', filter.bbox),
        request,
        CELL_COLUMNS,
        (row) => cellFromRow(row as unknown as CellRow),
      ),
    cellVersions: async (id) => (await pool.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE id = $1 ORDER BY version`, [id])).rows.map(cellFromRow),
    cellAt: async (lon, lat, at) => {
      const row = (
        await pool.query<CellRow>(
          `SELECT ${CELL_COLUMNS} FROM cell_versions
            WHERE valid_from <= $3 AND (valid_to IS NULL OR valid_to > $3) AND ST_Covers(geometry, ST_SetSRID(ST_MakePoint($1, $2), 4326))
            ORDER BY id LIMIT 1`,
          [lon, lat, at],
        )
      ).rows[0];
      return row ? cellFromRow(row) : undefined;
    },

    getOfficer: async (id) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM officers WHERE id = $1', [id])).rows[0];
      return row ? officerDocument.read(row.doc) : undefined;
    },
    listOfficers: (filter, request) =>
      page(
        pool,
        'officers',
        'id',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.role, (p) => `role = ${p}`)
          .when(filter.cellId, (p) => `id IN (SELECT officer_id FROM officer_cells WHERE cell_id = ${p} UNION SELECT officer_id FROM duty_shifts WHERE cell_id = ${p})`),
        request,
        'id, doc',
        (row) => officerDocument.read(row.doc),
      ),

    getDevice: async (mn) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM devices WHERE mn = $1', [mn])).rows[0];
      return row ? deviceDocument.read(row.doc) : undefined;
    },
    listDevices: (filter, request) =>
      page(
        pool,
        'devices',
        'mn',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.kind, (p) => `kind = ${p}`)
          .when(filter.enterpriseUscc, (p) => `enterprise_uscc = ${p}`)
          .bbox('location', filter.bbox),
        request,
        'mn, doc',
        (row) => deviceDocument.read(row.doc),
      ),

    getEnterprise: async (uscc) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM enterprises WHERE uscc = $1', [uscc])).rows[0];
      return row ? enterpriseDocument.read(row.doc) : undefined;
    },
    listEnterprises: (filter, request) =>
      page(
        pool,
        'enterprises',
        'uscc',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.industry, (p) => `industry = ${p}`)
          .add('key_discharge_unit', filter.keyDischargeUnitsOnly === true)
          .bbox('location', filter.bbox),
        request,
        'uscc, doc',
        (row) => enterpriseDocument.read(row.doc),
      ),

    getTarget: async (id) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM targets WHERE id = $1', [id])).rows[0];
      return row ? targetDocument.read(row.doc) : undefined;
    },
    listTargets: (filter, request) =>
      page(
        pool,
        'targets',
        'id',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.kinds, (p) => `kind = ANY(${p}::text[])`)
          .when(filter.category, (p) => `category = ${p}`)
          .bbox('geometry', filter.bbox),
        request,
        'id, doc',
        (row) => targetDocument.read(row.doc),
      ),

    nearbyTargets: async (query) => {
      const rows = (
        await pool.query<{ doc: unknown; distance_m: number }>(
          `WITH origin AS (SELECT ${GEOMETRY('$1')}::geography AS g)
           SELECT t.doc, ST_Distance(t.geometry::geography, origin.g) AS distance_m
             FROM targets t, origin
            WHERE t.category = $3 AND (cardinality($4::text[]) = 0 OR t.kind = ANY($4::text[]))
              AND ST_DWithin(t.geometry::geography, origin.g, $2)
            ORDER BY distance_m, t.id
            LIMIT $5`,
          [query.geometryGeojson, query.radiusM, query.category, query.kinds, query.limit],
        )
      ).rows;
      return rows.map((row) => ({ target: targetDocument.read(row.doc), distanceM: row.distance_m }));
    },
  };
}

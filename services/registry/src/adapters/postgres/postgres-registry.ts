import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { TOPICS, type TopicKey } from '@ecogrid/kafka';
import { enqueue } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import type { Clock } from '@ecogrid/service-kit';
import {
  Cell,
  Device,
  Enterprise,
  Officer,
  Target,
  Township,
  type BoundingBox,
  type District,
} from '@ecogrid/proto/registry/v1/entities';
import { CellChanged, DeviceChanged, EnterpriseChanged, OfficerChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import { failedPrecondition } from '@ecogrid/domain-errors';
import { parseGeometryText, polygonsOf, type Areal } from '@ecogrid/geo';
import type { EntityKind, Page, PageRequest, RegistryRepository, RegistryWriter, WriteCounts } from '../../app/ports';
import { OFFICER_ROLES, nameOf } from '../../domain/codes';
import type { CellShape, ImportContext, Placement } from '../../domain/import-context';
import { representativePoint } from '../../domain/targets-file';
import { canonicalJson } from './canonical-json';

export interface PostgresRegistryOptions {
  /** Full topic names, deployment prefix included (`topicNames(prefix)`). */
  topics: { readonly [K in TopicKey]: string };
  clock: Clock;
  /** Called after a transaction that queued events committed: the relay of this process can send them at once. */
  onEventsCommitted?: () => void;
}

interface CellRow {
  id: string;
  version: number;
  name: string;
  township_code: string;
  geometry_geojson: string;
  area_m2: number;
  valid_from: Date;
  valid_to: Date | null;
}

interface TownshipRow {
  code: string;
  name: string;
  kind: string;
  district_code: string;
}

const CELL_COLUMNS = 'id, version, name, township_code, geometry_geojson, area_m2, valid_from, valid_to';
const GEOMETRY = (param: string): string => `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`;

function cellFromRow(row: CellRow): Cell {
  return Cell.create({
    id: row.id,
    name: row.name,
    townshipCode: row.township_code,
    geometryGeojson: row.geometry_geojson,
    validFrom: row.valid_from,
    ...(row.valid_to ? { validTo: row.valid_to } : {}),
    version: row.version,
    areaM2: row.area_m2,
  });
}

function townshipFromRow(row: TownshipRow, supervisorOfficerId = ''): Township {
  return Township.create({ code: row.code, name: row.name, kind: row.kind, districtCode: row.district_code, supervisorOfficerId });
}

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

const counts = (): WriteCounts => ({ created: 0, updated: 0, unchanged: 0 });

function decodeToken(token: string): string | undefined {
  if (!token) return undefined;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

const encodeToken = (key: string): string => Buffer.from(JSON.stringify(key)).toString('base64url');

/** A WHERE clause built up from optional filters. */
class Where {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  /** A condition without parameters, added when `enabled`. */
  add(condition: string, enabled = true): this {
    if (enabled) this.conditions.push(condition);
    return this;
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  bbox(column: string, bbox: BoundingBox | undefined): this {
    if (bbox && (bbox.minLon !== 0 || bbox.maxLon !== 0 || bbox.minLat !== 0 || bbox.maxLat !== 0)) {
      this.conditions.push(`${column} && ST_MakeEnvelope(${this.param(bbox.minLon)}, ${this.param(bbox.minLat)}, ${this.param(bbox.maxLon)}, ${this.param(bbox.maxLat)}, 4326)`);
    }
    return this;
  }

  when(value: unknown, condition: (param: string) => string): this {
    if (value !== undefined && value !== '' && value !== 0 && value !== false && !(Array.isArray(value) && value.length === 0)) {
      this.conditions.push(condition(this.param(value)));
    }
    return this;
  }

  sql(): string {
    return this.conditions.length === 0 ? '' : `WHERE ${this.conditions.join(' AND ')}`;
  }
}

async function page<T>(
  client: Pool,
  table: string,
  key: string,
  where: Where,
  request: PageRequest,
  select: string,
  map: (row: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const size = Math.min(Math.max(request.pageSize || 100, 1), 1_000);
  const after = decodeToken(request.pageToken);
  if (after !== undefined) where.when(after, (param) => `${key} > ${param}`);
  const limit = where.param(size + 1);
  const rows = (await client.query(`SELECT ${select} FROM ${table} ${where.sql()} ORDER BY ${key} LIMIT ${limit}`, where.params)).rows as Array<Record<string, unknown>>;
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  return { items: items.map(map), nextPageToken: rows.length > size && last ? encodeToken(String(last[key.replace(/^.*\./, '')])) : '' };
}

/** The registry's system of record in PostgreSQL/PostGIS (schema from the pool's search_path). */
export function createPostgresRegistry(pool: Pool, options: PostgresRegistryOptions): RegistryRepository {
  const supervisorOf = async (code: string): Promise<string> =>
    (await pool.query<{ id: string }>("SELECT id FROM officers WHERE township_code = $1 AND role = 'supervisor' AND active ORDER BY id LIMIT 1", [code])).rows[0]?.id ??
    '';

  return {
    write: async (work) => {
      let queued = false;
      const result = await inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext('ecogrid-registry-write:' || current_schema()))");
        const writer = createWriter(client, options);
        const outcome = await work(writer.writer);
        queued = writer.queued();
        return outcome;
      });
      if (queued) options.onEventsCommitted?.();
      return result;
    },

    getTownship: async (code) => {
      const row = (await pool.query<TownshipRow>('SELECT code, name, kind, district_code FROM townships WHERE code = $1', [code])).rows[0];
      return row ? townshipFromRow(row, await supervisorOf(code)) : undefined;
    },
    listTownships: (request) => page(pool, 'townships', 'code', new Where(), request, 'code, name, kind, district_code', (row) => townshipFromRow(row as unknown as TownshipRow)),

    getCell: async (id) => {
      const row = (await pool.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE id = $1 AND valid_to IS NULL`, [id])).rows[0];
      if (!row) return undefined;
      const township = (await pool.query<TownshipRow>('SELECT code, name, kind, district_code FROM townships WHERE code = $1', [row.township_code])).rows[0];
      return { cell: cellFromRow(row), township: township ? townshipFromRow(township, await supervisorOf(township.code)) : Township.create({ code: row.township_code }) };
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
    cellVersions: async (id) =>
      (await pool.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE id = $1 ORDER BY version`, [id])).rows.map(cellFromRow),
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
      return row ? Officer.fromJSON(row.doc) : undefined;
    },
    listOfficers: (filter, request) =>
      page(
        pool,
        'officers',
        'id',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.role === undefined ? undefined : nameOf(OFFICER_ROLES, filter.role), (p) => `role = ${p}`)
          .when(filter.cellId, (p) => `id IN (SELECT officer_id FROM officer_cells WHERE cell_id = ${p} UNION SELECT officer_id FROM duty_shifts WHERE cell_id = ${p})`),
        request,
        'id, doc',
        (row) => Officer.fromJSON(row.doc),
      ),

    getDevice: async (mn) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM devices WHERE mn = $1', [mn])).rows[0];
      return row ? Device.fromJSON(row.doc) : undefined;
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
        (row) => Device.fromJSON(row.doc),
      ),

    getEnterprise: async (uscc) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM enterprises WHERE uscc = $1', [uscc])).rows[0];
      return row ? Enterprise.fromJSON(row.doc) : undefined;
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
        (row) => Enterprise.fromJSON(row.doc),
      ),

    getTarget: async (id) => {
      const row = (await pool.query<{ doc: unknown }>('SELECT doc FROM targets WHERE id = $1', [id])).rows[0];
      return row ? Target.fromJSON(row.doc) : undefined;
    },
    listTargets: (filter, request) =>
      page(
        pool,
        'targets',
        'id',
        new Where()
          .when(filter.townshipCode, (p) => `township_code = ${p}`)
          .when(filter.kinds, (p) => `kind = ANY(${p}::int[])`)
          .when(filter.category, (p) => `category = ${p}`)
          .bbox('geometry', filter.bbox),
        request,
        'id, doc',
        (row) => Target.fromJSON(row.doc),
      ),

    nearbyTargets: async (query) => {
      const rows = (
        await pool.query<{ doc: unknown; distance_m: number }>(
          `WITH origin AS (SELECT ${GEOMETRY('$1')}::geography AS g)
           SELECT t.doc, ST_Distance(t.geometry::geography, origin.g) AS distance_m
             FROM targets t, origin
            WHERE t.category = $3 AND (cardinality($4::int[]) = 0 OR t.kind = ANY($4::int[]))
              AND ST_DWithin(t.geometry::geography, origin.g, $2)
            ORDER BY distance_m, t.id
            LIMIT $5`,
          [query.geometryGeojson, query.radiusM, query.category, query.kinds, query.limit],
        )
      ).rows;
      return rows.map((row) => ({ target: Target.fromJSON(row.doc), distanceM: row.distance_m }));
    },
  };
}

function createWriter(client: PoolClient, options: PostgresRegistryOptions): { writer: RegistryWriter; queued: () => boolean } {
  let queued = 0;
  const publish = async (topic: TopicKey, key: string, payload: Uint8Array | null): Promise<void> => {
    queued += 1;
    await enqueue(client, { topic: options.topics[topic], key, type: TOPICS[topic].payload, payload, id: randomUUID(), time: options.clock.now() });
  };

  const townshipMap = async (): Promise<Map<string, Township>> =>
    new Map((await client.query<TownshipRow>('SELECT code, name, kind, district_code FROM townships')).rows.map((row) => [row.code, townshipFromRow(row)]));

  const currentCells = async (): Promise<CellRow[]> => (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL ORDER BY id`)).rows;

  const publishCell = async (cell: Cell, township: Township | undefined): Promise<void> =>
    publish('registryCells', cell.id, CellChanged.encode({ cell, township: township ?? Township.create({ code: cell.townshipCode }) }).finish());

  /** Re-derives each outlet's device list and republishes the enterprise when it changed. */
  const refreshEnterprises = async (usccs: Iterable<string>): Promise<void> => {
    for (const uscc of new Set(usccs)) {
      if (!uscc) continue;
      const row = (await client.query<{ doc: unknown }>('SELECT doc FROM enterprises WHERE uscc = $1', [uscc])).rows[0];
      if (!row) continue;
      const enterprise = Enterprise.fromJSON(row.doc);
      await fillDeviceMns(enterprise);
      const doc = Enterprise.toJSON(enterprise);
      if (same(doc, row.doc)) continue;
      await client.query('UPDATE enterprises SET doc = $2, updated_at = now() WHERE uscc = $1', [uscc, doc]);
      await publish('registryEnterprises', uscc, EnterpriseChanged.encode({ enterprise }).finish());
    }
  };

  const fillDeviceMns = async (enterprise: Enterprise): Promise<void> => {
    const rows = (await client.query<{ outlet_id: string | null; mn: string }>('SELECT outlet_id, mn FROM devices WHERE enterprise_uscc = $1 ORDER BY mn', [enterprise.uscc])).rows;
    for (const outlet of enterprise.outlets) outlet.deviceMns = rows.filter((row) => row.outlet_id === outlet.id).map((row) => row.mn);
  };

  const writer: RegistryWriter = {
    loadContext: async () => {
      const district = (await client.query<{ boundary_geojson: string }>('SELECT boundary_geojson FROM district ORDER BY code LIMIT 1')).rows[0];
      const parsed = district ? parseGeometryText(district.boundary_geojson) : undefined;
      const cells: CellShape[] = [];
      for (const row of await currentCells()) {
        const geometry = parseGeometryText(row.geometry_geojson);
        if (geometry.ok && (geometry.geometry.type === 'Polygon' || geometry.geometry.type === 'MultiPolygon')) {
          cells.push({ id: row.id, townshipCode: row.township_code, polygons: polygonsOf(geometry.geometry) });
        }
      }
      const enterprises = new Map<string, Set<string>>();
      for (const row of (await client.query<{ uscc: string; outlet: string | null }>('SELECT e.uscc, o.id AS outlet FROM enterprises e LEFT JOIN outlets o ON o.enterprise_uscc = e.uscc')).rows) {
        const outlets = enterprises.get(row.uscc) ?? new Set<string>();
        if (row.outlet) outlets.add(row.outlet);
        enterprises.set(row.uscc, outlets);
      }
      const context: ImportContext = {
        townships: new Set((await client.query<{ code: string }>('SELECT code FROM townships')).rows.map((row) => row.code)),
        cells,
        enterprises,
        ...(parsed?.ok && (parsed.geometry.type === 'Polygon' || parsed.geometry.type === 'MultiPolygon') ? { district: parsed.geometry as Areal } : {}),
      };
      return context;
    },

    putDistrict: async (district: District) => {
      const result = counts();
      const existing = (await client.query<{ name: string; boundary_geojson: string }>('SELECT name, boundary_geojson FROM district WHERE code = $1', [district.code])).rows[0];
      if (existing && existing.name === district.name && existing.boundary_geojson === district.boundaryGeojson) {
        result.unchanged += 1;
        return result;
      }
      await client.query(
        `INSERT INTO district (code, name, boundary, boundary_geojson) VALUES ($1, $2, ST_Multi(${GEOMETRY('$3')}), $3)
         ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, boundary = EXCLUDED.boundary, boundary_geojson = EXCLUDED.boundary_geojson, updated_at = now()`,
        [district.code, district.name, district.boundaryGeojson],
      );
      if (existing) result.updated += 1;
      else result.created += 1;
      return result;
    },

    putTownships: async (townships) => {
      const result = counts();
      const existing = await townshipMap();
      for (const township of townships) {
        const before = existing.get(township.code);
        if (before && before.name === township.name && before.kind === township.kind && before.districtCode === township.districtCode) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO townships (code, name, kind, district_code) VALUES ($1, $2, $3, $4)
           ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, district_code = EXCLUDED.district_code, updated_at = now()`,
          [township.code, township.name, township.kind, township.districtCode],
        );
        if (!before) {
          result.created += 1;
          continue;
        }
        result.updated += 1;
        // Cells carry their township in their events: a renamed township republishes its cells.
        const stored = Township.create({ ...township, supervisorOfficerId: '' });
        for (const row of (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL AND township_code = $1`, [township.code])).rows) {
          await publishCell(cellFromRow(row), stored);
        }
      }
      return result;
    },

    putCells: async (cells) => {
      const result = counts();
      const townships = await townshipMap();
      const current = new Map(
        (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL AND id = ANY($1)`, [cells.map((cell) => cell.id)])).rows.map((row) => [row.id, row]),
      );
      const now = new Date();
      for (const cell of cells) {
        const before = current.get(cell.id);
        if (before && before.name === cell.name && before.township_code === cell.townshipCode && before.geometry_geojson === cell.geometryGeojson) {
          result.unchanged += 1;
          continue;
        }
        let validFrom = cell.validFrom ?? now;
        if (before && validFrom <= before.valid_from) validFrom = now > before.valid_from ? now : new Date(before.valid_from.getTime() + 1);
        const version =
          ((await client.query<{ version: number | null }>('SELECT max(version) AS version FROM cell_versions WHERE id = $1', [cell.id])).rows[0]?.version ?? 0) + 1;
        if (before) await client.query('UPDATE cell_versions SET valid_to = $3 WHERE id = $1 AND version = $2', [cell.id, before.version, validFrom]);
        const row = (
          await client.query<CellRow>(
            `INSERT INTO cell_versions (id, version, name, township_code, geometry, geometry_geojson, area_m2, valid_from)
             VALUES ($1, $2, $3, $4, ST_Multi(${GEOMETRY('$5')}), $5, ST_Area(ST_Multi(${GEOMETRY('$5')})::geography), $6)
             RETURNING ${CELL_COLUMNS}`,
            [cell.id, version, cell.name, cell.townshipCode, cell.geometryGeojson, validFrom],
          )
        ).rows[0] as CellRow;
        await publishCell(cellFromRow(row), townships.get(cell.townshipCode));
        if (before) result.updated += 1;
        else result.created += 1;
      }
      return result;
    },

    putOfficers: async (officers) => {
      const result = counts();
      const existing = new Map(
        (await client.query<{ id: string; doc: unknown }>('SELECT id, doc FROM officers WHERE id = ANY($1)', [officers.map((officer) => officer.id)])).rows.map((row) => [row.id, row.doc]),
      );
      for (const officer of officers) {
        const doc = Officer.toJSON(officer);
        const before = existing.get(officer.id);
        if (before !== undefined && same(doc, before)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO officers (id, role, township_code, active, doc) VALUES ($1, $2, NULLIF($3, ''), $4, $5)
           ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, township_code = EXCLUDED.township_code, active = EXCLUDED.active, doc = EXCLUDED.doc, updated_at = now()`,
          [officer.id, nameOf(OFFICER_ROLES, officer.role), officer.townshipCode, officer.active, doc],
        );
        await client.query('DELETE FROM officer_cells WHERE officer_id = $1', [officer.id]);
        await client.query('DELETE FROM duty_shifts WHERE officer_id = $1', [officer.id]);
        if (officer.cellIds.length > 0) {
          await client.query('INSERT INTO officer_cells (officer_id, cell_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [officer.id, officer.cellIds]);
        }
        for (const shift of officer.roster) {
          await client.query('INSERT INTO duty_shifts (officer_id, cell_id, starts_at, ends_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
            officer.id,
            shift.cellId,
            shift.startsAt,
            shift.endsAt,
          ]);
        }
        await publish('registryOfficers', officer.id, OfficerChanged.encode({ officer }).finish());
        if (before === undefined) result.created += 1;
        else result.updated += 1;
      }
      return result;
    },

    putDevices: async (devices) => {
      const result = counts();
      const existing = new Map(
        (await client.query<{ mn: string; doc: unknown; enterprise_uscc: string | null }>('SELECT mn, doc, enterprise_uscc FROM devices WHERE mn = ANY($1)', [devices.map((device) => device.mn)])).rows.map(
          (row) => [row.mn, row],
        ),
      );
      const touched: string[] = [];
      for (const device of devices) {
        const doc = Device.toJSON(device);
        const before = existing.get(device.mn);
        if (before && same(doc, before.doc)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO devices (mn, kind, township_code, cell_id, enterprise_uscc, outlet_id, location, doc)
           VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''), ST_SetSRID(ST_MakePoint($7, $8), 4326), $9)
           ON CONFLICT (mn) DO UPDATE SET kind = EXCLUDED.kind, township_code = EXCLUDED.township_code, cell_id = EXCLUDED.cell_id,
             enterprise_uscc = EXCLUDED.enterprise_uscc, outlet_id = EXCLUDED.outlet_id, location = EXCLUDED.location, doc = EXCLUDED.doc, updated_at = now()`,
          [device.mn, device.kind, device.townshipCode, device.cellId, device.enterpriseUscc, device.outletId, device.location?.lon, device.location?.lat, doc],
        );
        await publish('registryDevices', device.mn, DeviceChanged.encode({ device }).finish());
        touched.push(device.enterpriseUscc, before?.enterprise_uscc ?? '');
        if (before) result.updated += 1;
        else result.created += 1;
      }
      await refreshEnterprises(touched);
      return result;
    },

    putEnterprises: async (enterprises) => {
      const result = counts();
      const existing = new Map(
        (await client.query<{ uscc: string; doc: unknown }>('SELECT uscc, doc FROM enterprises WHERE uscc = ANY($1)', [enterprises.map((enterprise) => enterprise.uscc)])).rows.map((row) => [
          row.uscc,
          row.doc,
        ]),
      );
      for (const enterprise of enterprises) {
        await fillDeviceMns(enterprise);
        const doc = Enterprise.toJSON(enterprise);
        const before = existing.get(enterprise.uscc);
        if (before !== undefined && same(doc, before)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO enterprises (uscc, industry, key_discharge_unit, township_code, location, doc)
           VALUES ($1, $2, $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326), $7)
           ON CONFLICT (uscc) DO UPDATE SET industry = EXCLUDED.industry, key_discharge_unit = EXCLUDED.key_discharge_unit,
             township_code = EXCLUDED.township_code, location = EXCLUDED.location, doc = EXCLUDED.doc, updated_at = now()`,
          [enterprise.uscc, enterprise.industry, enterprise.keyDischargeUnit, enterprise.townshipCode, enterprise.location?.lon, enterprise.location?.lat, doc],
        );
        const ids = enterprise.outlets.map((outlet) => outlet.id);
        const dropped = (
          await client.query<{ id: string }>(
            'SELECT o.id FROM outlets o WHERE o.enterprise_uscc = $1 AND NOT (o.id = ANY($2)) AND EXISTS (SELECT 1 FROM devices d WHERE d.enterprise_uscc = o.enterprise_uscc AND d.outlet_id = o.id)',
            [enterprise.uscc, ids],
          )
        ).rows;
        if (dropped.length > 0) {
          throw failedPrecondition(`enterprise ${enterprise.uscc} would lose outlet ${dropped.map((row) => row.id).join(', ')}, which still has devices`, 'outlet_in_use');
        }
        await client.query('DELETE FROM outlets WHERE enterprise_uscc = $1 AND NOT (id = ANY($2))', [enterprise.uscc, ids]);
        for (const outlet of enterprise.outlets) {
          await client.query(
            `INSERT INTO outlets (enterprise_uscc, id, kind, location) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326))
             ON CONFLICT (enterprise_uscc, id) DO UPDATE SET kind = EXCLUDED.kind, location = EXCLUDED.location`,
            [enterprise.uscc, outlet.id, outlet.kind, outlet.location?.lon, outlet.location?.lat],
          );
        }
        await publish('registryEnterprises', enterprise.uscc, EnterpriseChanged.encode({ enterprise }).finish());
        if (before === undefined) result.created += 1;
        else result.updated += 1;
      }
      return result;
    },

    putTargets: async (targets) => {
      const result = counts();
      const existing = new Map(
        (await client.query<{ id: string; doc: unknown }>('SELECT id, doc FROM targets WHERE id = ANY($1)', [targets.map((target) => target.id)])).rows.map((row) => [row.id, row.doc]),
      );
      for (const target of targets) {
        const doc = Target.toJSON(target);
        const before = existing.get(target.id);
        if (before !== undefined && same(doc, before)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO targets (id, kind, category, township_code, geometry, doc) VALUES ($1, $2, $3, $4, ${GEOMETRY('$5')}, $6)
           ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, category = EXCLUDED.category, township_code = EXCLUDED.township_code,
             geometry = EXCLUDED.geometry, doc = EXCLUDED.doc, updated_at = now()`,
          [target.id, target.kind, target.category, target.townshipCode, target.geometryGeojson, doc],
        );
        await publish('registryTargets', target.id, TargetChanged.encode({ target }).finish());
        if (before === undefined) result.created += 1;
        else result.updated += 1;
      }
      return result;
    },

    relocate: async (place: (lon: number, lat: number) => Placement | undefined) => {
      let moved = 0;
      const devices = (await client.query<{ doc: unknown }>('SELECT doc FROM devices')).rows.map((row) => Device.fromJSON(row.doc));
      const movedDevices = devices.filter((device) => {
        const placement = device.location ? place(device.location.lon, device.location.lat) : undefined;
        if ((placement?.cellId ?? '') === device.cellId && (placement?.townshipCode ?? '') === device.townshipCode) return false;
        device.cellId = placement?.cellId ?? '';
        device.townshipCode = placement?.townshipCode ?? '';
        return true;
      });
      moved += (await writer.putDevices(movedDevices)).updated;
      const enterprises = (await client.query<{ doc: unknown }>('SELECT doc FROM enterprises')).rows.map((row) => Enterprise.fromJSON(row.doc));
      const movedEnterprises = enterprises.filter((enterprise) => {
        const placement = enterprise.location ? place(enterprise.location.lon, enterprise.location.lat) : undefined;
        if ((placement?.cellId ?? '') === enterprise.cellId && (placement?.townshipCode ?? '') === enterprise.townshipCode) return false;
        enterprise.cellId = placement?.cellId ?? '';
        enterprise.townshipCode = placement?.townshipCode ?? '';
        return true;
      });
      moved += (await writer.putEnterprises(movedEnterprises)).updated;
      // Targets keep a township given explicitly only if it is still a township; otherwise it is derived.
      const targets = (await client.query<{ doc: unknown }>('SELECT doc FROM targets')).rows.map((row) => Target.fromJSON(row.doc));
      const movedTargets = targets.filter((target) => {
        const parsed = parseGeometryText(target.geometryGeojson);
        if (!parsed.ok) return false;
        const [lon, lat] = representativePoint(parsed.geometry);
        const township = place(lon, lat)?.townshipCode ?? '';
        if (township === '' || township === target.townshipCode) return false;
        target.townshipCode = township;
        return true;
      });
      moved += (await writer.putTargets(movedTargets)).updated;
      return moved;
    },

    referencesTo: async (kind: EntityKind, id: string) => {
      switch (kind) {
        case 'cell':
          return (
            await client.query<{ ref: string }>(
              "SELECT 'officer ' || officer_id AS ref FROM officer_cells WHERE cell_id = $1 UNION SELECT 'roster of officer ' || officer_id FROM duty_shifts WHERE cell_id = $1 AND ends_at > now()",
              [id],
            )
          ).rows.map((row) => row.ref);
        case 'enterprise':
          return (await client.query<{ ref: string }>("SELECT 'device ' || mn AS ref FROM devices WHERE enterprise_uscc = $1", [id])).rows.map((row) => row.ref);
        case 'township':
          return (
            await client.query<{ ref: string }>(
              "SELECT 'cell ' || id AS ref FROM cell_versions WHERE township_code = $1 AND valid_to IS NULL UNION SELECT 'officer ' || id FROM officers WHERE township_code = $1",
              [id],
            )
          ).rows.map((row) => row.ref);
        default:
          return [];
      }
    },

    remove: async (kind: EntityKind, id: string) => {
      switch (kind) {
        case 'cell': {
          const closed = await client.query('UPDATE cell_versions SET valid_to = greatest(now(), valid_from) WHERE id = $1 AND valid_to IS NULL', [id]);
          if (closed.rowCount === 0) return false;
          await publish('registryCells', id, null);
          return true;
        }
        case 'officer': {
          const deleted = await client.query('DELETE FROM officers WHERE id = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish('registryOfficers', id, null);
          return true;
        }
        case 'device': {
          const deleted = await client.query<{ enterprise_uscc: string | null }>('DELETE FROM devices WHERE mn = $1 RETURNING enterprise_uscc', [id]);
          if (deleted.rowCount === 0) return false;
          await publish('registryDevices', id, null);
          await refreshEnterprises([deleted.rows[0]?.enterprise_uscc ?? '']);
          return true;
        }
        case 'enterprise': {
          const deleted = await client.query('DELETE FROM enterprises WHERE uscc = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish('registryEnterprises', id, null);
          return true;
        }
        case 'target': {
          const deleted = await client.query('DELETE FROM targets WHERE id = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish('registryTargets', id, null);
          return true;
        }
        case 'township': {
          const deleted = await client.query('DELETE FROM townships WHERE code = $1', [id]);
          return (deleted.rowCount ?? 0) > 0;
        }
      }
    },
  };
  return { writer, queued: () => queued > 0 };
}

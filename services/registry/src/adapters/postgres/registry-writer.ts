import type { PoolClient } from 'pg';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import { parseGeometryText, polygonsOf, type Areal } from '@ecogrid/geo';
import type { Clock } from '@ecogrid/service-kit';
import type { EntityKind, RegistryWriter, WriteCounts } from '../../app/ports';
import { nextCellVersion, retiredCellVersion } from '../../domain/cell-versions';
import type { Device, Enterprise, PasswordVerifier, Township } from '../../domain/entities';
import { createPasswordVerifier, sm4KeyFromText, type KeyRing } from '@ecogrid/device-credentials';
import { failedPrecondition, invalidArgument } from '@ecogrid/domain-errors';
import type { CellShape, ImportContext } from '../../domain/import-context';
import { checkOutletsKept, withOutletDevices, type AttachedDevice } from '../../domain/outlet-rules';
import { relocated, relocatedTarget } from '../../domain/relocation';
import type { RegistryEvents } from '../events/registry-events';
import {
  CELL_COLUMNS,
  cellFromRow,
  deviceDocument,
  enterpriseDocument,
  GEOMETRY,
  officerDocument,
  sameDocument,
  targetDocument,
  TOWNSHIP_COLUMNS,
  townshipFromRow,
  type CellRow,
  type TownshipRow,
} from './rows';

export interface RegistryWriterDeps {
  events: RegistryEvents;
  clock: Clock;
  /** Whether to NOTIFY the relay through PostgreSQL: only when the relay holding the lease is in another process. */
  notifyRelays?: () => boolean;
  /** Makes the salted verifier of a device password (default: scrypt with the package's parameters). */
  newPasswordVerifier?: (password: string) => Promise<PasswordVerifier>;
  /** The platform's key-encryption keys, which wrap devices' SM4 keys; without it no device may be given one. */
  keyRing?: KeyRing | undefined;
}

const sameBytes = (a: Uint8Array | undefined, b: Uint8Array): boolean => a !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

const counts = (): WriteCounts => ({ created: 0, updated: 0, unchanged: 0 });
const defined = <T>(value: T | undefined): value is T => value !== undefined;

/**
 * The registry's writes inside one transaction (the caller holds the registry's write lock): SQL for each change
 * and, in the same transaction, the event it publishes. What a change means — a cell's next version, an outlet's
 * devices, where things lie after the grid changed — is decided by the domain rules; this only stores it.
 */
export function createRegistryWriter(client: PoolClient, deps: RegistryWriterDeps): { writer: RegistryWriter; queued: () => boolean } {
  const { events, clock } = deps;
  let queued = 0;
  const publish = async (event: OutboxEvent): Promise<void> => {
    queued += 1;
    await enqueue(client, event, { notify: deps.notifyRelays?.() ?? true });
  };

  const newPasswordVerifier = deps.newPasswordVerifier ?? ((password: string) => createPasswordVerifier(password));
  /**
   * Each device with the verifier of its password: the stored one while the password is unchanged (so an
   * unchanged device stays unchanged and publishes nothing), a fresh one when it is new or changed. A verifier a
   * caller sent is never taken. The new ones are made concurrently: scrypt runs on the thread pool.
   */
  const attachVerifiers = (devices: readonly Device[], existing: ReadonlyMap<string, { doc: unknown }>): Promise<Device[]> =>
    Promise.all(
      devices.map(async (device) => {
        const stored = existing.get(device.mn);
        const before = stored ? deviceDocument.read(stored.doc) : undefined;
        const passwordVerifier = before?.passwordVerifier && before.password === device.password ? before.passwordVerifier : await newPasswordVerifier(device.password);
        return { ...withSm4Key(device, before), passwordVerifier };
      }),
    );

  /**
   * The device with its SM4 key only wrapped: the key as given is dropped here, before anything is stored. No key
   * given keeps the stored one (and its layout, unless a layout is given); `none` removes it; the stored key given
   * again keeps its wrapping (so the device stays unchanged); a new key is wrapped with the active KEK and replaces
   * the old outright (an operator setting a key sets it on the device too; a 1014 rotation keeps the old one for a
   * grace window instead). A wrapped key a caller sent is never taken.
   */
  const withSm4Key = (device: Device, before: Device | undefined): Device => {
    const { sm4Key, sm4KeyWrapped: _ignored, previousSm4KeyWrapped: _ignoredToo, previousSm4KeyUntil: _ignoredUntil, cpEncryption, ...rest } = device;
    const given = sm4Key?.trim() ?? '';
    if (given === 'none') return rest;
    const layout = cpEncryption ?? before?.cpEncryption;
    const kept = (): Device => ({
      ...rest,
      ...(before?.sm4KeyWrapped ? { sm4KeyWrapped: before.sm4KeyWrapped } : {}),
      ...(before?.sm4KeyWrapped && layout ? { cpEncryption: layout } : {}),
      ...(before?.previousSm4KeyWrapped && before.previousSm4KeyUntil ? { previousSm4KeyWrapped: before.previousSm4KeyWrapped, previousSm4KeyUntil: before.previousSm4KeyUntil } : {}),
    });
    if (given === '') return kept();
    const key = sm4KeyFromText(given);
    if (!key) throw invalidArgument('sm4_key', `device ${device.mn}: an SM4 key is 16 characters (no ; , = &) or 32 hex digits`);
    if (!deps.keyRing) throw failedPrecondition('no key-encryption key is configured (DEVICE_KEY_KEKS or DEVICE_KEY_KEKS_FILE): SM4 keys cannot be stored', 'kek_not_configured');
    if (before?.sm4KeyWrapped && sameBytes(deps.keyRing.unwrap(device.mn, before.sm4KeyWrapped), key)) return kept();
    return { ...rest, sm4KeyWrapped: deps.keyRing.wrap(device.mn, key), ...(layout ? { cpEncryption: layout } : {}) };
  };

  const townshipMap = async (): Promise<Map<string, Township>> =>
    new Map((await client.query<TownshipRow>(`SELECT ${TOWNSHIP_COLUMNS} FROM townships`)).rows.map((row) => [row.code, townshipFromRow(row)]));

  const currentCells = async (): Promise<CellRow[]> => (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL ORDER BY id`)).rows;

  const attachedTo = async (uscc: string): Promise<AttachedDevice[]> =>
    (await client.query<{ mn: string; outlet_id: string | null }>('SELECT mn, outlet_id FROM devices WHERE enterprise_uscc = $1', [uscc])).rows.map((row) => ({
      mn: row.mn,
      outletId: row.outlet_id ?? '',
    }));

  /** After devices changed: an enterprise whose outlets now list other devices is stored and published again. */
  const refreshEnterprises = async (usccs: Iterable<string>): Promise<void> => {
    for (const uscc of new Set(usccs)) {
      if (!uscc) continue;
      const row = (await client.query<{ doc: unknown }>('SELECT doc FROM enterprises WHERE uscc = $1', [uscc])).rows[0];
      if (!row) continue;
      const enterprise = withOutletDevices(enterpriseDocument.read(row.doc), await attachedTo(uscc));
      const doc = enterpriseDocument.write(enterprise);
      if (sameDocument(doc, row.doc)) continue;
      await client.query('UPDATE enterprises SET doc = $2, updated_at = now() WHERE uscc = $1', [uscc, doc]);
      await publish(events.enterpriseChanged(enterprise));
    }
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

    putDistrict: async (district) => {
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
        const stored: Township = { ...township, supervisorOfficerId: '' };
        for (const row of (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL AND township_code = $1`, [township.code])).rows) {
          await publish(events.cellChanged(cellFromRow(row), stored));
        }
      }
      return result;
    },

    putCells: async (cells) => {
      const result = counts();
      const townships = await townshipMap();
      const ids = cells.map((cell) => cell.id);
      const current = new Map(
        (await client.query<CellRow>(`SELECT ${CELL_COLUMNS} FROM cell_versions WHERE valid_to IS NULL AND id = ANY($1)`, [ids])).rows.map((row) => [row.id, row]),
      );
      const latest = new Map(
        (await client.query<{ id: string; version: number }>('SELECT id, max(version) AS version FROM cell_versions WHERE id = ANY($1) GROUP BY id', [ids])).rows.map((row) => [
          row.id,
          row.version,
        ]),
      );
      const now = clock.now();
      for (const cell of cells) {
        const before = current.get(cell.id);
        const step = nextCellVersion(
          before && { version: before.version, name: before.name, townshipCode: before.township_code, geometryGeojson: before.geometry_geojson, validFrom: before.valid_from },
          latest.get(cell.id) ?? 0,
          cell,
          now,
        );
        if (step.kind === 'unchanged') {
          result.unchanged += 1;
          continue;
        }
        if (step.closes) await client.query('UPDATE cell_versions SET valid_to = $3 WHERE id = $1 AND version = $2', [cell.id, step.closes.version, step.closes.validTo]);
        const row = (
          await client.query<CellRow>(
            `INSERT INTO cell_versions (id, version, name, township_code, geometry, geometry_geojson, area_m2, valid_from)
             VALUES ($1, $2, $3, $4, ST_Multi(${GEOMETRY('$5')}), $5, ST_Area(ST_Multi(${GEOMETRY('$5')})::geography), $6)
             RETURNING ${CELL_COLUMNS}`,
            [cell.id, step.version, cell.name, cell.townshipCode, cell.geometryGeojson, step.validFrom],
          )
        ).rows[0] as CellRow;
        current.set(cell.id, row);
        latest.set(cell.id, step.version);
        await publish(events.cellChanged(cellFromRow(row), townships.get(cell.townshipCode)));
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
        const doc = officerDocument.write(officer);
        const before = existing.get(officer.id);
        if (before !== undefined && sameDocument(doc, before)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO officers (id, role, township_code, active, doc) VALUES ($1, $2, NULLIF($3, ''), $4, $5)
           ON CONFLICT (id) DO UPDATE SET role = EXCLUDED.role, township_code = EXCLUDED.township_code, active = EXCLUDED.active, doc = EXCLUDED.doc, updated_at = now()`,
          [officer.id, officer.role, officer.townshipCode, officer.active, doc],
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
        await publish(events.officerChanged(officer));
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
      const withVerifiers = await attachVerifiers(devices, existing);
      for (const device of withVerifiers) {
        const doc = deviceDocument.write(device);
        const before = existing.get(device.mn);
        if (before && sameDocument(doc, before.doc)) {
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
        await publish(events.deviceChanged(device));
        // The enterprise it is attached to now, and the one it left, list their outlets' devices.
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
      for (const given of enterprises) {
        const attached = await attachedTo(given.uscc);
        checkOutletsKept(given, attached);
        const enterprise: Enterprise = withOutletDevices(given, attached);
        const doc = enterpriseDocument.write(enterprise);
        const before = existing.get(enterprise.uscc);
        if (before !== undefined && sameDocument(doc, before)) {
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
        await client.query('DELETE FROM outlets WHERE enterprise_uscc = $1 AND NOT (id = ANY($2))', [enterprise.uscc, enterprise.outlets.map((outlet) => outlet.id)]);
        for (const outlet of enterprise.outlets) {
          await client.query(
            `INSERT INTO outlets (enterprise_uscc, id, kind, location) VALUES ($1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326))
             ON CONFLICT (enterprise_uscc, id) DO UPDATE SET kind = EXCLUDED.kind, location = EXCLUDED.location`,
            [enterprise.uscc, outlet.id, outlet.kind, outlet.location?.lon, outlet.location?.lat],
          );
        }
        await publish(events.enterpriseChanged(enterprise));
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
        const doc = targetDocument.write(target);
        const before = existing.get(target.id);
        if (before !== undefined && sameDocument(doc, before)) {
          result.unchanged += 1;
          continue;
        }
        await client.query(
          `INSERT INTO targets (id, kind, category, township_code, geometry, doc) VALUES ($1, $2, $3, $4, ${GEOMETRY('$5')}, $6)
           ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, category = EXCLUDED.category, township_code = EXCLUDED.township_code,
             geometry = EXCLUDED.geometry, doc = EXCLUDED.doc, updated_at = now()`,
          [target.id, target.kind, target.category, target.townshipCode, target.geometryGeojson, doc],
        );
        await publish(events.targetChanged(target));
        if (before === undefined) result.created += 1;
        else result.updated += 1;
      }
      return result;
    },

    relocate: async (place) => {
      const devices = (await client.query<{ doc: unknown }>('SELECT doc FROM devices')).rows.map((row) => relocated(deviceDocument.read(row.doc), place)).filter(defined);
      let moved = (await writer.putDevices(devices)).updated;
      const enterprises = (await client.query<{ doc: unknown }>('SELECT doc FROM enterprises')).rows.map((row) => relocated(enterpriseDocument.read(row.doc), place)).filter(defined);
      moved += (await writer.putEnterprises(enterprises)).updated;
      const targets = (await client.query<{ doc: unknown }>('SELECT doc FROM targets')).rows.map((row) => relocatedTarget(targetDocument.read(row.doc), place)).filter(defined);
      moved += (await writer.putTargets(targets)).updated;
      return moved;
    },

    rotateDeviceKey: async (mn, key, previousUntil) => {
      const row = (await client.query<{ doc: unknown }>('SELECT doc FROM devices WHERE mn = $1 FOR UPDATE', [mn])).rows[0];
      if (!row) return 'unknown';
      const device = deviceDocument.read(row.doc);
      if (device.sm4KeyWrapped && sameBytes(device.sm4KeyWrapped.ciphertext, key.ciphertext) && sameBytes(device.sm4KeyWrapped.iv, key.iv)) return 'unchanged';
      const rotated: Device = {
        ...device,
        sm4KeyWrapped: key,
        ...(device.sm4KeyWrapped ? { previousSm4KeyWrapped: device.sm4KeyWrapped, previousSm4KeyUntil: previousUntil } : {}),
      };
      await client.query('UPDATE devices SET doc = $2, updated_at = now() WHERE mn = $1', [mn, deviceDocument.write(rotated)]);
      await publish(events.deviceChanged(rotated));
      return 'rotated';
    },

    referencesTo: async (kind: EntityKind, id: string) => {
      switch (kind) {
        case 'cell':
          return (
            await client.query<{ ref: string }>(
              "SELECT 'officer ' || officer_id AS ref FROM officer_cells WHERE cell_id = $1 UNION SELECT 'roster of officer ' || officer_id FROM duty_shifts WHERE cell_id = $1 AND ends_at > $2",
              [id, clock.now()],
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
          const current = (await client.query<{ version: number; valid_from: Date }>('SELECT version, valid_from FROM cell_versions WHERE id = $1 AND valid_to IS NULL', [id])).rows[0];
          if (!current) return false;
          const closing = retiredCellVersion({ version: current.version, validFrom: current.valid_from }, clock.now());
          await client.query('UPDATE cell_versions SET valid_to = $3 WHERE id = $1 AND version = $2', [id, closing.version, closing.validTo]);
          await publish(events.removed('cell', id));
          return true;
        }
        case 'officer': {
          const deleted = await client.query('DELETE FROM officers WHERE id = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish(events.removed('officer', id));
          return true;
        }
        case 'device': {
          const deleted = await client.query<{ enterprise_uscc: string | null }>('DELETE FROM devices WHERE mn = $1 RETURNING enterprise_uscc', [id]);
          if (deleted.rowCount === 0) return false;
          await publish(events.removed('device', id));
          await refreshEnterprises([deleted.rows[0]?.enterprise_uscc ?? '']);
          return true;
        }
        case 'enterprise': {
          const deleted = await client.query('DELETE FROM enterprises WHERE uscc = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish(events.removed('enterprise', id));
          return true;
        }
        case 'target': {
          const deleted = await client.query('DELETE FROM targets WHERE id = $1', [id]);
          if (deleted.rowCount === 0) return false;
          await publish(events.removed('target', id));
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

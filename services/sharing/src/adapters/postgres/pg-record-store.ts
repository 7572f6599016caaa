import type pg from 'pg';
import { inTransaction } from '@ecogrid/postgres';
import type { IncomingRecord, RecordQuery, RecordStore } from '../../app/ports';
import type { FieldValue, SharedRecord } from '../../domain/shared-record';
import { timedStage } from '../telemetry/request-stages';

interface RecordRow {
  seq: string;
  dataset: string;
  key: string;
  occurred_at: Date;
  township: string | null;
  enterprise: string | null;
  factor: string | null;
  lon: number | null;
  lat: number | null;
  fields: Record<string, FieldValue>;
}

const UPSERT = `
  INSERT INTO shared_records (dataset, key, seq, version, occurred_at, township, enterprise, factor, lon, lat, fields)
  SELECT r.dataset, r.key, nextval('shared_record_seq'), r.version, r.occurred_at, r.township, r.enterprise, r.factor, r.lon, r.lat, r.fields::jsonb
  FROM unnest($1::text[], $2::text[], $3::float8[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::float8[], $9::float8[], $10::text[])
    WITH ORDINALITY AS r(dataset, key, version, occurred_at, township, enterprise, factor, lon, lat, fields, ord)
  ORDER BY r.ord
  ON CONFLICT (dataset, key) DO UPDATE SET
    seq = EXCLUDED.seq, version = EXCLUDED.version, occurred_at = EXCLUDED.occurred_at, township = EXCLUDED.township,
    enterprise = EXCLUDED.enterprise, factor = EXCLUDED.factor, lon = EXCLUDED.lon, lat = EXCLUDED.lat, fields = EXCLUDED.fields
  WHERE shared_records.version < EXCLUDED.version`;

const PAGE = `
  SELECT seq, dataset, key, occurred_at, township, enterprise, factor, lon, lat, fields FROM shared_records
  WHERE dataset = $1 AND seq > $2
    AND ($3::text[] IS NULL OR township = ANY ($3))
    AND ($4::text[] IS NULL OR enterprise = ANY ($4))
    AND ($5::text[] IS NULL OR factor = ANY ($5))
    AND ($6::float8[] IS NULL OR (lon BETWEEN $6[1] AND $6[3] AND lat BETWEEN $6[2] AND $6[4]))
    AND ($7::timestamptz IS NULL OR occurred_at >= $7)
    AND ($8::timestamptz IS NULL OR occurred_at < $8)
    AND ($9::text IS NULL OR township = $9)
    AND ($10::text IS NULL OR enterprise = $10)
    AND ($11::text IS NULL OR factor = $11)
  ORDER BY seq
  LIMIT $12`;

/** A pull's page with the access version of the same snapshot (see `RecordStore.pageForPull`). */
const PULL_PAGE = `
  SELECT v.version AS access_version, r.* FROM access_version v LEFT JOIN LATERAL (${PAGE}) r ON true
  ORDER BY r.seq`;

const recordOf = (row: RecordRow): SharedRecord => ({
  seq: Number(row.seq),
  dataset: row.dataset,
  key: row.key,
  occurredAt: row.occurred_at,
  township: row.township,
  enterprise: row.enterprise,
  factor: row.factor,
  lon: row.lon,
  lat: row.lat,
  fields: row.fields,
});

const pageParameters = (query: RecordQuery): unknown[] => [
  query.dataset,
  query.afterSeq,
  query.scope.townships ?? null,
  query.scope.enterprises ?? null,
  query.scope.factors ?? null,
  query.scope.bbox ?? null,
  query.from ?? null,
  query.to ?? null,
  query.township ?? null,
  query.enterprise ?? null,
  query.factor ?? null,
  query.limit,
];

/**
 * The shared records. Writers take one transaction-scoped advisory lock, so sequences are committed in the order
 * they are drawn: a reader that saw sequence n can never later find a committed m < n it missed — which is what
 * makes `seq > cursor` a gap-free resume point for pull and push alike.
 */
export function createPgRecordStore(pool: pg.Pool): RecordStore {
  return {
    upsert: async (records) => {
      // A batch may carry several versions of one key; ON CONFLICT may touch a row once per statement.
      const latest = new Map<string, IncomingRecord>();
      for (const record of records) {
        const id = `${record.dataset}\u0000${record.key}`;
        const known = latest.get(id);
        if (!known || known.version < record.version) latest.set(id, record);
      }
      const list = [...latest.values()];
      const column = <T>(pick: (record: IncomingRecord) => T): T[] => list.map(pick);
      return inTransaction(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.shared_records'))");
        const result = await client.query(UPSERT, [
          column((r) => r.dataset),
          column((r) => r.key),
          column((r) => r.version),
          column((r) => r.occurredAt),
          column((r) => r.township),
          column((r) => r.enterprise),
          column((r) => r.factor),
          column((r) => r.lon),
          column((r) => r.lat),
          column((r) => JSON.stringify(r.fields)),
        ]);
        return result.rowCount ?? 0;
      });
    },
    page: async (query) => {
      const { rows } = await pool.query<RecordRow>({ name: 'sharing-records-page', text: PAGE, values: pageParameters(query) });
      return rows.map(recordOf);
    },
    pageForPull: async (query) => {
      const { rows } = await timedStage('page', () => pool.query<RecordRow & { access_version: string }>({ name: 'sharing-records-pull-page', text: PULL_PAGE, values: pageParameters(query) }));
      const first = rows[0];
      if (!first) throw new Error('access_version has no row: the sharing schema is not migrated');
      // An empty page is one row of the version and NULLs.
      return { records: first.seq === null ? [] : rows.map(recordOf), accessVersion: Number(first.access_version) };
    },
  };
}

import type pg from 'pg';
import { metrics } from '@opentelemetry/api';
import { enqueue, type OutboxEvent } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import type { JsonObject } from '@ecogrid/hash-chain';
import type { LedgerRecord, RecordKind } from '../../domain/ledger';
import type { Colour, Text } from '../../domain/ruleset';
import type { ChangeKind, CreditStore, CreditTransaction, Objection, RatingPage, RestorationApplication, StoredRating } from '../../app/ports';

interface LedgerRow {
  uscc: string;
  sequence: number;
  kind: string;
  source_event_id: string;
  /** Epoch milliseconds: pg's timestamptz parser costs more than everything else of a row (measured on 1M rows). */
  occurred_ms: number;
  recorded_ms: number;
  actor: string;
  facts: JsonObject;
  previous_hash: string;
  hash: string;
}

interface RatingRow {
  uscc: string;
  enterprise_name: string;
  period: string;
  ruleset_id: string;
  ruleset_version: string;
  score: number;
  level: string;
  colour: string;
  vetoed: boolean;
  evidence_count: number;
  ledger_sequence: number;
  rated_at: Date;
  change_kind: string;
  previous_colour: string | null;
  caused_by_record_id: string;
  reason: Text;
  joint_punishment: boolean;
  joint_measures: Text[];
}

const meter = metrics.getMeter('@ecogrid/credit');
const ratingsQueued = meter.createCounter('credit_ratings_published_total', { description: 'Rating changes queued for ecogrid.credit.v1, by kind and colour' });
const recordsAppended = meter.createCounter('credit_ledger_records_total', { description: 'Records appended to the evidence ledger, by kind' });

const LEDGER_COLUMNS = 'uscc, sequence, kind, source_event_id, occurred_at, recorded_at, actor, facts, previous_hash, hash';
const LEDGER_READ =
  'uscc, sequence, kind, source_event_id, floor(extract(epoch FROM occurred_at) * 1000)::float8 AS occurred_ms, floor(extract(epoch FROM recorded_at) * 1000)::float8 AS recorded_ms, actor, facts, previous_hash, hash';
const RATING_COLUMNS =
  'uscc, enterprise_name, period, ruleset_id, ruleset_version, score, level, colour, vetoed, evidence_count, ledger_sequence, rated_at, change_kind, previous_colour, caused_by_record_id, reason, joint_punishment, joint_measures';

const toRecord = (row: LedgerRow): LedgerRecord => ({
  id: `${row.uscc}/${row.sequence}`,
  uscc: row.uscc,
  sequence: row.sequence,
  kind: row.kind as RecordKind,
  sourceEventId: row.source_event_id,
  occurredAt: new Date(row.occurred_ms),
  recordedAt: new Date(row.recorded_ms),
  actor: row.actor,
  facts: row.facts,
  previousHash: row.previous_hash,
  hash: row.hash,
});

const toRating = (row: RatingRow): StoredRating => ({
  uscc: row.uscc,
  enterpriseName: row.enterprise_name,
  period: row.period,
  rulesetId: row.ruleset_id,
  rulesetVersion: row.ruleset_version,
  score: row.score,
  level: row.level,
  colour: row.colour as Colour,
  vetoed: row.vetoed,
  evidenceCount: row.evidence_count,
  ledgerSequence: row.ledger_sequence,
  ratedAt: row.rated_at,
  changeKind: row.change_kind as ChangeKind,
  ...(row.previous_colour ? { previousColour: row.previous_colour as Colour } : {}),
  causedByRecordId: row.caused_by_record_id,
  reason: row.reason,
  jointPunishment: row.joint_punishment,
  jointMeasures: row.joint_measures,
});

const ratingValues = (rating: StoredRating): unknown[] => [
  rating.uscc,
  rating.enterpriseName,
  rating.period,
  rating.rulesetId,
  rating.rulesetVersion,
  rating.score,
  rating.level,
  rating.colour,
  rating.vetoed,
  rating.evidenceCount,
  rating.ledgerSequence,
  rating.ratedAt,
  rating.changeKind,
  rating.previousColour ?? null,
  rating.causedByRecordId,
  JSON.stringify(rating.reason),
  rating.jointPunishment,
  JSON.stringify(rating.jointMeasures),
];
const RATING_PARAMS = Array.from({ length: 18 }, (_, index) => `$${index + 1}`).join(', ');
const RATING_UPDATE = RATING_COLUMNS.split(', ')
  .filter((column) => column !== 'uscc')
  .map((column) => `${column} = EXCLUDED.${column}`)
  .join(', ');

export interface PgCreditStoreOptions {
  pool: pg.Pool;
  creditTopic: string;
  /** The protobuf of a rating event (adapters/kafka), so this adapter knows nothing of the wire format. */
  encodeRating: (rating: StoredRating) => { type: string; payload: Uint8Array };
  /** Called after a transaction that queued events committed: wakes the relay of this process. */
  onEventsCommitted: () => void;
  /** Whether writers must NOTIFY (the relay holding the lease is in another process). */
  notifyRelays: () => boolean;
}

const page = (rows: RatingRow[], size: number): RatingPage => {
  const ratings = rows.slice(0, size).map(toRating);
  return { ratings, nextPageToken: rows.length > size ? (ratings.at(-1)?.uscc ?? '') : '' };
};

/** Credit's tables in its schema: the ledger, chain heads, ratings, objections, applications, closed periods. */
export function createPgCreditStore(options: PgCreditStoreOptions): CreditStore {
  const { pool } = options;
  const eventOf = (rating: StoredRating, id: string): OutboxEvent => {
    const encoded = options.encodeRating(rating);
    return { topic: options.creditTopic, key: rating.uscc, type: encoded.type, payload: encoded.payload, id, time: rating.ratedAt };
  };

  const transactionOf = (client: pg.PoolClient, queued: { events: number }): CreditTransaction => ({
    lockEnterprise: async (uscc) => {
      // Creates the head on first use and locks it either way, in one round trip.
      const { rows } = await client.query<{ sequence: number; hash: string | null }>(
        'INSERT INTO chain_heads (uscc) VALUES ($1) ON CONFLICT (uscc) DO UPDATE SET uscc = EXCLUDED.uscc RETURNING sequence, hash',
        [uscc],
      );
      const head = rows[0];
      return head && head.sequence > 0 && head.hash ? { sequence: head.sequence, hash: head.hash } : undefined;
    },
    hasSource: async (sourceEventId) => ((await client.query('SELECT 1 FROM ledger WHERE source_event_id = $1', [sourceEventId])).rowCount ?? 0) > 0,
    append: async (records) => {
      const last = records.at(-1);
      if (!last) return;
      for (const record of records) recordsAppended.add(1, { kind: record.kind });
      // One statement, one round trip: the rows and the chain's new head.
      await client.query(
        `WITH appended AS (
           INSERT INTO ledger (${LEDGER_COLUMNS})
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[], $7::text[], $8::jsonb[], $9::text[], $10::text[])
           RETURNING 1)
         UPDATE chain_heads SET sequence = $11, hash = $12 WHERE uscc = $13`,
        [
          records.map((record) => record.uscc),
          records.map((record) => record.sequence),
          records.map((record) => record.kind),
          records.map((record) => record.sourceEventId),
          records.map((record) => record.occurredAt),
          records.map((record) => record.recordedAt),
          records.map((record) => record.actor),
          records.map((record) => JSON.stringify(record.facts)),
          records.map((record) => record.previousHash),
          records.map((record) => record.hash),
          last.sequence,
          last.hash,
          last.uscc,
        ],
      );
    },
    records: async (uscc, recordOptions) =>
      (
        await client.query<LedgerRow>(
          `SELECT ${LEDGER_READ} FROM ledger WHERE uscc = $1 AND ($2::timestamptz IS NULL OR occurred_at >= $2 OR kind IN ('objection_filed', 'objection_resolved', 'restoration_applied', 'restoration_reviewed')) ORDER BY sequence`,
          [uscc, recordOptions?.since ?? null],
        )
      ).rows.map(toRecord),
    currentRating: async (uscc) => {
      const row = (await client.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings WHERE uscc = $1`, [uscc])).rows[0];
      return row ? toRating(row) : undefined;
    },
    saveRating: async (rating, publish) => {
      await client.query(`INSERT INTO ratings (${RATING_COLUMNS}) VALUES (${RATING_PARAMS}) ON CONFLICT (uscc) DO UPDATE SET ${RATING_UPDATE}`, ratingValues(rating));
      if (!publish) return;
      // Deterministic: the same ledger position and cause give the same event id, so a retried transaction cannot publish twice.
      queued.events += await enqueue(client, eventOf(rating, `${rating.uscc}:${rating.ledgerSequence}:${rating.changeKind}`), { notify: options.notifyRelays() });
      // Counted when queued: a rolled-back transaction over-counts, which a rate of changes tolerates.
      ratingsQueued.add(1, { change_kind: rating.changeKind, colour: rating.colour });
    },
    freezeRating: async (rating) => {
      await client.query(`INSERT INTO period_ratings (${RATING_COLUMNS}) VALUES (${RATING_PARAMS})`, ratingValues(rating));
      queued.events += await enqueue(client, eventOf(rating, `${rating.uscc}:close:${rating.period}`), { notify: options.notifyRelays() });
    },
    insertObjection: async (objection, at) => {
      await client.query('INSERT INTO objections (id, uscc, record_id, status, filed_by, filed_at) VALUES ($1, $2, $3, $4, $5, $6)', [objection.id, objection.uscc, objection.recordId, objection.status, objection.filedBy, at]);
    },
    objection: async (id) => {
      const row = (await client.query<{ id: string; uscc: string; record_id: string; status: Objection['status']; filed_by: string }>('SELECT id, uscc, record_id, status, filed_by FROM objections WHERE id = $1 FOR UPDATE', [id])).rows[0];
      return row ? { id: row.id, uscc: row.uscc, recordId: row.record_id, status: row.status, filedBy: row.filed_by } : undefined;
    },
    resolveObjection: async (id, status, by, at) => {
      await client.query('UPDATE objections SET status = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1', [id, status, by, at]);
    },
    insertApplication: async (application) => {
      await client.query('INSERT INTO restoration_applications (id, uscc, rule_id, case_id, status, applied_by, applied_at, cancels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
        application.id,
        application.uscc,
        application.ruleId,
        application.caseId,
        application.status,
        application.appliedBy,
        application.appliedAt,
        JSON.stringify(application.cancels),
      ]);
    },
    application: async (id) => {
      const row = (
        await client.query<{ id: string; uscc: string; rule_id: string; case_id: string; status: RestorationApplication['status']; applied_by: string; applied_at: Date; cancels: string[] }>(
          'SELECT id, uscc, rule_id, case_id, status, applied_by, applied_at, cancels FROM restoration_applications WHERE id = $1 FOR UPDATE',
          [id],
        )
      ).rows[0];
      return row ? { id: row.id, uscc: row.uscc, ruleId: row.rule_id, caseId: row.case_id, status: row.status, appliedBy: row.applied_by, appliedAt: row.applied_at, cancels: row.cancels } : undefined;
    },
    reviewApplication: async (id, status, by, at) => {
      await client.query('UPDATE restoration_applications SET status = $2, reviewed_by = $3, reviewed_at = $4 WHERE id = $1', [id, status, by, at]);
    },
    closePeriod: async (period, by, at) => ((await client.query('INSERT INTO closed_periods (period, closed_by, closed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [period, by, at])).rowCount ?? 0) > 0,
  });

  return {
    transaction: async (work) => {
      const queued = { events: 0 };
      const result = await inTransaction(pool, (client) => work(transactionOf(client, queued)));
      if (queued.events > 0) options.onEventsCommitted();
      return result;
    },
    rating: async (uscc) => {
      const row = (await pool.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings WHERE uscc = $1`, [uscc])).rows[0];
      return row ? toRating(row) : undefined;
    },
    listRatings: async (filter) => {
      const { rows } = await pool.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings WHERE uscc > $1 AND ($2::text IS NULL OR colour = $2) ORDER BY uscc LIMIT $3`, [filter.pageToken, filter.colour ?? null, filter.pageSize + 1]);
      return page(rows, filter.pageSize);
    },
    periodRatings: async (period, filter) => {
      const { rows } = await pool.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM period_ratings WHERE period = $1 AND uscc > $2 ORDER BY uscc LIMIT $3`, [period, filter.pageToken, filter.pageSize + 1]);
      return page(rows, filter.pageSize);
    },
    isClosed: async (period) => ((await pool.query('SELECT 1 FROM closed_periods WHERE period = $1', [period])).rowCount ?? 0) > 0,
    records: async (uscc) => (await pool.query<LedgerRow>(`SELECT ${LEDGER_READ} FROM ledger WHERE uscc = $1 ORDER BY sequence`, [uscc])).rows.map(toRecord),
    chains: async function* (options = {}) {
      const batchSize = options.batchSize ?? 500;
      const lean = options.withLinks === false;
      const batch = async (after: string): Promise<{ last?: string; chains: LedgerRecord[][] }> => {
        const usccs = (await pool.query<{ uscc: string }>('SELECT uscc FROM chain_heads WHERE uscc > $1 AND sequence > 0 ORDER BY uscc LIMIT $2', [after, batchSize])).rows.map((row) => row.uscc);
        const [first, last] = [usccs[0], usccs.at(-1)];
        if (first === undefined || last === undefined) return { chains: [] };
        // A range of the primary key rather than a list: an index range scan.
        if (!lean) {
          const { rows } = await pool.query<LedgerRow>(`SELECT ${LEDGER_READ} FROM ledger WHERE uscc >= $1 AND uscc <= $2 ORDER BY uscc, sequence`, [first, last]);
          const chains: LedgerRecord[][] = [];
          for (const row of rows) {
            const current = chains.at(-1);
            if (current && current[0]?.uscc === row.uscc) current.push(toRecord(row));
            else chains.push([toRecord(row)]);
          }
          return { last, chains };
        }
        // Rating reads neither the links nor who recorded what. One JSON document per enterprise, parsed by V8 at
        // once, instead of a million rows parsed field by field by pg: the Node side of a full re-rating is most of it.
        const { rows } = await pool.query<{ uscc: string; records: string }>(
          `SELECT uscc, json_agg(json_build_array(sequence, kind, floor(extract(epoch FROM occurred_at) * 1000)::float8, facts) ORDER BY sequence)::text AS records
           FROM ledger WHERE uscc >= $1 AND uscc <= $2 GROUP BY uscc ORDER BY uscc`,
          [first, last],
        );
        const chains = rows.map((row) =>
          (JSON.parse(row.records) as Array<[number, string, number, JsonObject]>).map(([sequence, kind, occurredMs, facts]) => ({
            id: `${row.uscc}/${sequence}`,
            uscc: row.uscc,
            sequence,
            kind: kind as RecordKind,
            sourceEventId: '',
            occurredAt: new Date(occurredMs),
            recordedAt: new Date(0),
            actor: '',
            facts,
            previousHash: '',
            hash: '',
          })),
        );
        return { last, chains };
      };
      // The next batch is fetched while the caller works through this one: PostgreSQL and Node overlap.
      let pending = batch('');
      for (;;) {
        const { last, chains } = await pending;
        if (last === undefined) return;
        pending = batch(last);
        // A rejected prefetch is reported when awaited; until then it must not count as unhandled.
        pending.catch(() => undefined);
        yield* chains;
      }
    },
    allRatings: async () => new Map((await pool.query<RatingRow>(`SELECT ${RATING_COLUMNS} FROM ratings`)).rows.map((row) => [row.uscc, toRating(row)])),
    enterprisesWithRecords: async () => (await pool.query<{ uscc: string }>('SELECT uscc FROM chain_heads WHERE sequence > 0 ORDER BY uscc')).rows.map((row) => row.uscc),
  };
}

import type pg from 'pg';
import { outboxInsert, outboxInsertParameters, outboxNotify, type OutboxEvent } from '@ecogrid/outbox';
import { inTransaction } from '@ecogrid/postgres';
import { canonicalJson, type ChainKey, type JsonObject } from '@ecogrid/hash-chain';
import { FeedAccessed } from '@ecogrid/proto/sharing/v1/events';
import { chainAccess, verifyAudit, type AccessRecord, type AuditEntry } from '../../domain/access-audit';
import type { AuditLog } from '../../app/ports';
import { timedStage } from '../telemetry/request-stages';

interface AuditRow {
  sequence: string;
  access_id: string;
  partner_id: string;
  dataset: string;
  query: JsonObject;
  rows: number;
  response_sha256: string;
  accessed_at: Date;
  allowed: boolean;
  denial_reason: string;
  previous_hash: string;
  hash: string;
}

const entryOf = (row: AuditRow): AuditEntry => ({
  sequence: Number(row.sequence),
  accessId: row.access_id,
  partnerId: row.partner_id,
  dataset: row.dataset,
  query: row.query,
  rows: row.rows,
  responseSha256: row.response_sha256,
  accessedAt: row.accessed_at,
  allowed: row.allowed,
  denialReason: row.denial_reason,
  previousHash: row.previous_hash,
  hash: row.hash,
});

/** Every writer of the chain holds this while it inserts, until its commit. */
const CHAIN_LOCK = "pg_advisory_xact_lock(hashtext(current_schema() || '.access_audit'))";

/**
 * One batch of the chain and its events in ONE statement (data-modifying CTEs run atomically): no transaction left
 * open between round trips. It chains from the tail the writer remembers; the sequence is the primary key, so if
 * another instance extended the chain meanwhile the statement fails on it, and the batch is written again by
 * `writeLocked`. The chain lock is taken before the first row is inserted, so that path never loses.
 */
const APPEND = `
  WITH audit AS (
    INSERT INTO access_audit (sequence, access_id, partner_id, dataset, query, rows, response_sha256, accessed_at, allowed, denial_reason, previous_hash, hash)
    SELECT u.* FROM (SELECT ${CHAIN_LOCK}) AS chain_lock,
      unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::int[], $7::text[], $8::timestamptz[], $9::boolean[], $10::text[], $11::text[], $12::text[])
        AS u(sequence, access_id, partner_id, dataset, query, rows, response_sha256, accessed_at, allowed, denial_reason, previous_hash, hash)
  ),
  outbox AS (
    ${outboxInsert(13)}
  ),
  notify AS (
    ${outboxNotify(21)}
  )
  SELECT (SELECT count(*) FROM notify)::int AS notified`;

const TAIL = 'SELECT sequence, hash FROM access_audit ORDER BY sequence DESC LIMIT 1';

export interface PgAuditLogOptions {
  pool: pg.Pool;
  /** Full name of ecogrid.sharing.access.v1 with the deployment prefix. */
  accessTopic: string;
  /** With a key the chain is an HMAC that a database administrator cannot recompute. */
  chainKey?: ChainKey;
  /** After a commit that queued events: wake the outbox relay of this process. */
  onEventsCommitted?: () => void;
  /** Whether the relays must be told through PostgreSQL (the one holding the lease is in another process). */
  notifyRelays?: () => boolean;
  /** Most accesses chained in one transaction. */
  maxBatch?: number;
}

interface Pending {
  access: AccessRecord;
  resolve: (entry: AuditEntry) => void;
  reject: (error: unknown) => void;
}

/**
 * The access audit in PostgreSQL. Appends are group-committed: accesses arriving while a batch is being written wait
 * for the next one, which chains them all and queues their FeedAccessed events in the outbox in one statement. The
 * writer remembers the chain's tail from its own last write; instances appending to the same chain meet on the
 * sequence key, and the one that lost reads the tail again under the chain lock (which every writer holds while it
 * inserts, so that second write cannot lose) and chains its batch from there. An access resolves only once
 * committed, so the API answers only what is already audited.
 */
export function createPgAuditLog(options: PgAuditLogOptions): AuditLog & { close(): Promise<void> } {
  const { pool } = options;
  const maxBatch = options.maxBatch ?? 500;
  let queue: Pending[] = [];
  let running: Promise<void> | undefined;
  /** The last link this writer knows of: null for an empty chain, undefined when it must be read. */
  let tail: { sequence: number; hash: string } | null | undefined;

  const eventOf = (entry: AuditEntry): OutboxEvent => ({
    topic: options.accessTopic,
    key: entry.partnerId,
    type: 'ecogrid.sharing.v1.FeedAccessed',
    id: entry.accessId,
    time: entry.accessedAt,
    payload: FeedAccessed.encode(
      FeedAccessed.fromPartial({
        accessId: entry.accessId,
        partnerId: entry.partnerId,
        feed: entry.dataset,
        scope: '',
        accessedAt: entry.accessedAt,
        records: entry.rows,
        allowed: entry.allowed,
        denialReason: entry.denialReason,
        queryJson: canonicalJson(entry.query),
        responseSha256: entry.responseSha256,
        auditSequence: entry.sequence,
        auditHash: entry.hash,
      }),
    ).finish(),
  });

  const chain = (batch: Pending[], from: { sequence: number; hash: string } | null): AuditEntry[] => {
    let previous = from ?? undefined;
    return batch.map(({ access }) => {
      const entry = chainAccess(access, previous, options.chainKey);
      previous = entry;
      return entry;
    });
  };

  const append = async (db: Pick<pg.Pool, 'query'>, entries: AuditEntry[]): Promise<void> => {
    const column = <T>(pick: (entry: AuditEntry) => T): T[] => entries.map(pick);
    await db.query({
      name: 'sharing-audit-append',
      text: APPEND,
      values: [
        column((e) => e.sequence),
        column((e) => e.accessId),
        column((e) => e.partnerId),
        column((e) => e.dataset),
        column((e) => JSON.stringify(e.query)),
        column((e) => e.rows),
        column((e) => e.responseSha256),
        column((e) => e.accessedAt),
        column((e) => e.allowed),
        column((e) => e.denialReason),
        column((e) => e.previousHash),
        column((e) => e.hash),
        ...outboxInsertParameters(entries.map(eventOf)),
        options.notifyRelays?.() ?? true,
      ],
    });
  };

  /** The tail read under the chain lock that every writer holds while it inserts: this write cannot lose. */
  const writeLocked = (batch: Pending[]): Promise<AuditEntry[]> =>
    inTransaction(pool, async (client) => {
      await client.query(`SELECT ${CHAIN_LOCK}`);
      const { rows } = await client.query<{ sequence: string; hash: string }>({ name: 'sharing-audit-tail', text: TAIL });
      const entries = chain(batch, rows[0] ? { sequence: Number(rows[0].sequence), hash: rows[0].hash } : null);
      await append(client, entries);
      return entries;
    });

  const writeBatch = async (batch: Pending[]): Promise<AuditEntry[]> => {
    let entries: AuditEntry[] | undefined;
    if (tail !== undefined) {
      const optimistic = chain(batch, tail);
      try {
        await append(pool, optimistic);
        entries = optimistic;
      } catch (error) {
        tail = undefined;
        if ((error as { constraint?: string }).constraint !== 'access_audit_pkey') throw error;
      }
    }
    try {
      entries ??= await writeLocked(batch);
    } catch (error) {
      // Whatever failed (a commit whose answer was lost included), the tail is read again before the next write.
      tail = undefined;
      throw error;
    }
    const last = entries.at(-1);
    if (last) tail = { sequence: last.sequence, hash: last.hash };
    return entries;
  };

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const entries = await writeBatch(batch);
        batch.forEach((pending, index) => pending.resolve(entries[index] as AuditEntry));
        options.onEventsCommitted?.();
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
  };

  const kick = (): void => {
    if (running) return;
    // An access queued after the loop saw the queue empty, but before this ran, starts the next drain here.
    running = drain().finally(() => {
      running = undefined;
      if (queue.length > 0) kick();
    });
  };

  return {
    append: (access) =>
      timedStage(
        'audit',
        () =>
          new Promise<AuditEntry>((resolve, reject) => {
            queue.push({ access, resolve, reject });
            kick();
          }),
      ),
    list: async ({ partnerId, afterSequence, limit }) => {
      const { rows } = await pool.query<AuditRow>('SELECT * FROM access_audit WHERE ($1::text IS NULL OR partner_id = $1) AND sequence > $2 ORDER BY sequence LIMIT $3', [partnerId ?? null, afterSequence, limit]);
      return rows.map(entryOf);
    },
    verify: async () => {
      // The whole chain, read in order: a check of integrity, run on demand, not per request.
      const { rows } = await pool.query<AuditRow>('SELECT * FROM access_audit ORDER BY sequence');
      return verifyAudit(rows.map(entryOf), options.chainKey);
    },
    monthlyReport: async (month, partnerId) => {
      const { rows } = await pool.query<{ partner_id: string; dataset: string; accesses: string; denied: string; rows: string }>(
        `SELECT partner_id, dataset, count(*) AS accesses, count(*) FILTER (WHERE NOT allowed) AS denied, coalesce(sum(rows), 0) AS rows
         FROM access_audit
         WHERE accessed_at >= ($1 || '-01')::timestamp AT TIME ZONE 'Asia/Shanghai'
           AND accessed_at < (($1 || '-01')::timestamp + interval '1 month') AT TIME ZONE 'Asia/Shanghai'
           AND ($2::text IS NULL OR partner_id = $2)
         GROUP BY partner_id, dataset ORDER BY partner_id, dataset`,
        [month, partnerId ?? null],
      );
      return rows.map((row) => ({ partnerId: row.partner_id, dataset: row.dataset, accesses: Number(row.accesses), denied: Number(row.denied), rows: Number(row.rows) }));
    },
    close: async () => {
      await running;
    },
  };
}

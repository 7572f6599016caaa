import { currentTraceCarrier, type TraceCarrier } from '@ecogrid/kafka';
import { OUTBOX_CHANNEL } from './outbox-migration';

/** An event to publish once the transaction that writes it commits. */
export interface OutboxEvent {
  /** Full topic name, deployment prefix included (`topicNames(prefix).cases`). */
  topic: string;
  key: string | null;
  /** CloudEvents type: the fully-qualified protobuf message name. */
  type: string;
  /** The protobuf payload; null is a tombstone on a compacted topic. */
  payload: Uint8Array | null;
  /** CloudEvents id, unique per event: deterministic where the event has a natural identity. */
  id: string;
  time: Date;
  /** Trace context the event was caused in; the context active at `enqueue` when absent. */
  causedBy?: TraceCarrier;
}

/** What `enqueue` needs of a transaction: a pg `PoolClient` inside BEGIN … COMMIT, or a `Client`. */
export interface OutboxTransaction {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

const COLUMNS = 'topic, key, event_id, event_type, payload, event_time, traceparent, tracestate';

/**
 * The INSERT of outbox rows from eight array parameters starting at `$<first>` (see `outboxInsertParameters`), for a
 * writer that folds it into a statement of its own (a data-modifying CTE). `condition` is an extra SQL guard, e.g.
 * a fence on the writer's offset. Events keep their array order (`seq` follows it); an event already waiting or
 * already sent is skipped.
 */
export function outboxInsert(first: number, condition?: string): string {
  const p = (offset: number): string => `$${first + offset}`;
  return `INSERT INTO outbox (${COLUMNS})
      SELECT e.topic, e.key, e.event_id, e.event_type, e.payload, e.event_time, e.traceparent, e.tracestate
      FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::text[], ${p(3)}::text[], ${p(4)}::bytea[], ${p(5)}::timestamptz[], ${p(6)}::text[], ${p(7)}::text[])
        WITH ORDINALITY AS e(${COLUMNS}, ord)
      WHERE NOT EXISTS (SELECT 1 FROM outbox_sent s WHERE s.event_id = e.event_id)${condition ? ` AND ${condition}` : ''}
      ORDER BY e.ord
      ON CONFLICT (event_id) DO NOTHING`;
}

/** The eight arrays `outboxInsert` reads, in its order. */
export function outboxInsertParameters(events: readonly OutboxEvent[]): unknown[][] {
  const active = events.some((event) => event.causedBy === undefined) ? currentTraceCarrier() : {};
  const topics: string[] = [];
  const keys: Array<string | null> = [];
  const ids: string[] = [];
  const types: string[] = [];
  const payloads: Array<Buffer | null> = [];
  const times: Date[] = [];
  const traceparents: Array<string | null> = [];
  const tracestates: Array<string | null> = [];
  for (const event of events) {
    const trace = event.causedBy ?? active;
    topics.push(event.topic);
    keys.push(event.key);
    ids.push(event.id);
    types.push(event.type);
    // pg sends a Buffer as bytea; a payload that is one already is not copied.
    payloads.push(event.payload === null ? null : Buffer.isBuffer(event.payload) ? event.payload : Buffer.from(event.payload.buffer, event.payload.byteOffset, event.payload.byteLength));
    times.push(event.time);
    traceparents.push(trace.traceparent ?? null);
    tracestates.push(trace.tracestate ?? null);
  }
  return [topics, keys, ids, types, payloads, times, traceparents, tracestates];
}

/**
 * A SELECT that NOTIFYs the relays of the schema when the boolean parameter `$<flag>` is true, for a writer that
 * folds its outbox insert into a statement of its own; it must be referenced for PostgreSQL to run it.
 */
export function outboxNotify(flag: number): string {
  return `SELECT pg_notify('${OUTBOX_CHANNEL}', current_schema()) AS notified WHERE $${flag}::boolean`;
}

const INSERT = outboxInsert(1);
const NOTIFY = "SELECT pg_notify($1, current_schema())";

export interface EnqueueOptions {
  /**
   * Whether the relay must be told through PostgreSQL (delivered at commit): true unless the relay holding the
   * lease is in this very process, which the writer wakes with `relay.nudge()` after the commit instead — NOTIFY
   * serialises the commits of every transaction that uses it. Default true.
   */
  notify?: boolean;
}

/**
 * Queues events in the caller's transaction: they are published if and only if it commits. Per key, events leave
 * in the order they were enqueued, provided the writer holds a lock on what the key names (the entity row) while
 * it enqueues, as every change of an entity does. Returns the number of rows stored (repeats of an id are not).
 */
export async function enqueue(tx: OutboxTransaction, events: OutboxEvent | readonly OutboxEvent[], options: EnqueueOptions = {}): Promise<number> {
  const list = Array.isArray(events) ? (events as readonly OutboxEvent[]) : [events as OutboxEvent];
  if (list.length === 0) return 0;
  const stored = (await tx.query(INSERT, outboxInsertParameters(list))).rowCount ?? 0;
  if (stored > 0 && options.notify !== false) await tx.query(NOTIFY, [OUTBOX_CHANNEL]);
  return stored;
}

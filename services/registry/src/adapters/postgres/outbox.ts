import type { PoolClient } from 'pg';
import { TOPICS, type TopicKey } from '@ecogrid/kafka';

export const OUTBOX_CHANNEL = 'ecogrid_registry_outbox';

/**
 * Queues an event in the outbox, in the caller's transaction. `topic` is the catalogue key; the relay adds
 * the deployment prefix. A null payload is a tombstone.
 */
export async function enqueue(client: PoolClient, topic: TopicKey, key: string, payload: Uint8Array | null): Promise<void> {
  await client.query('INSERT INTO outbox (topic, key, event_type, payload) VALUES ($1, $2, $3, $4)', [
    topic,
    key,
    TOPICS[topic].payload,
    payload === null ? null : Buffer.from(payload),
  ]);
}

/** Wakes relays once the transaction commits (NOTIFY is delivered on commit). */
export async function notifyRelays(client: PoolClient): Promise<void> {
  await client.query('SELECT pg_notify($1, current_schema())', [OUTBOX_CHANNEL]);
}

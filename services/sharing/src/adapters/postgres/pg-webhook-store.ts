import type pg from 'pg';
import type { WebhookStore, WebhookSubscription } from '../../app/ports';

interface SubscriptionRow {
  id: string;
  partner_id: string;
  dataset_id: string;
  url: string;
  secret: string;
  last_seq: string;
}

const subscriptionOf = (row: SubscriptionRow): WebhookSubscription => ({ id: row.id, partnerId: row.partner_id, datasetId: row.dataset_id, url: row.url, secret: row.secret, lastSeq: Number(row.last_seq) });

export function createPgWebhookStore(pool: pg.Pool): WebhookStore {
  return {
    create: async (subscription, now) => {
      await pool.query('INSERT INTO webhook_subscriptions (id, partner_id, dataset_id, url, secret, last_seq, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        subscription.id,
        subscription.partnerId,
        subscription.datasetId,
        subscription.url,
        subscription.secret,
        subscription.lastSeq,
        now,
      ]);
    },
    forPartner: async (partnerId) => (await pool.query<SubscriptionRow>('SELECT * FROM webhook_subscriptions WHERE partner_id = $1 AND active ORDER BY created_at, id', [partnerId])).rows.map(subscriptionOf),
    deactivate: async (id, partnerId) => (await pool.query('UPDATE webhook_subscriptions SET active = false WHERE id = $1 AND partner_id = $2 AND active', [id, partnerId])).rowCount === 1,
    claim: async (owner, leaseMs) => {
      const { rows } = await pool.query<SubscriptionRow>(
        `UPDATE webhook_subscriptions SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::float8 / 1000)
         WHERE active AND (lease_owner = $1 OR lease_until IS NULL OR lease_until < now())
         RETURNING *`,
        [owner, leaseMs],
      );
      return rows.map(subscriptionOf);
    },
    renew: async (id, owner, leaseMs) =>
      (
        await pool.query(
          `UPDATE webhook_subscriptions SET lease_until = now() + make_interval(secs => $3::float8 / 1000)
           WHERE id = $1 AND active AND lease_owner = $2`,
          [id, owner, leaseMs],
        )
      ).rowCount === 1,
    advance: async (id, lastSeq) => {
      await pool.query('UPDATE webhook_subscriptions SET last_seq = GREATEST(last_seq, $2) WHERE id = $1', [id, lastSeq]);
    },
    deadLetter: async (entry, now) => {
      await pool.query('INSERT INTO webhook_dead_letters (subscription_id, seq, event, attempts, last_error, dead_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING', [
        entry.subscriptionId,
        entry.seq,
        JSON.stringify(entry.event),
        entry.attempts,
        entry.lastError.slice(0, 500),
        now,
      ]);
    },
    deadLetters: async (subscriptionId) =>
      (await pool.query<{ seq: string; attempts: number; last_error: string }>('SELECT seq, attempts, last_error FROM webhook_dead_letters WHERE subscription_id = $1 ORDER BY seq', [subscriptionId])).rows.map((row) => ({
        seq: Number(row.seq),
        attempts: row.attempts,
        lastError: row.last_error,
      })),
  };
}

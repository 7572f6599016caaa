import type pg from 'pg';
import type { Partner, PartnerKey, PartnerStore } from '../../app/ports';

export interface PartnerRow {
  id: string;
  name: string;
  requests_per_second: number;
  rows_per_day: number;
  page_cap: number;
  webhook_hosts: string[];
}

export const partnerOf = (row: PartnerRow): Partner => ({
  id: row.id,
  name: row.name,
  quota: { requestsPerSecond: row.requests_per_second, rowsPerDay: row.rows_per_day, pageCap: row.page_cap },
  webhookHosts: row.webhook_hosts,
});

export const keyOf = (row: { key_id: string; partner_id: string; revoked_at: Date | null }): PartnerKey => ({ keyId: row.key_id, partnerId: row.partner_id, revoked: row.revoked_at !== null });

export function createPgPartnerStore(pool: pg.Pool): PartnerStore {
  return {
    create: async (partner, now) => {
      await pool.query('INSERT INTO partners (id, name, requests_per_second, rows_per_day, page_cap, webhook_hosts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        partner.id,
        partner.name,
        partner.quota.requestsPerSecond,
        partner.quota.rowsPerDay,
        partner.quota.pageCap,
        partner.webhookHosts,
        now,
      ]);
    },
    get: async (id) => {
      const { rows } = await pool.query<PartnerRow>('SELECT * FROM partners WHERE id = $1', [id]);
      return rows[0] ? partnerOf(rows[0]) : undefined;
    },
    list: async () => (await pool.query<PartnerRow>('SELECT * FROM partners ORDER BY id')).rows.map(partnerOf),
    addKey: async (key, now) => {
      await pool.query('INSERT INTO partner_keys (key_id, partner_id, sha256, created_at) VALUES ($1, $2, $3, $4)', [key.keyId, key.partnerId, key.sha256, now]);
    },
    keyByHash: async (sha256) => {
      const { rows } = await pool.query('SELECT key_id, partner_id, revoked_at FROM partner_keys WHERE sha256 = $1', [sha256]);
      return rows[0] ? keyOf(rows[0]) : undefined;
    },
    keyById: async (keyId) => {
      const { rows } = await pool.query('SELECT key_id, partner_id, revoked_at FROM partner_keys WHERE key_id = $1', [keyId]);
      return rows[0] ? keyOf(rows[0]) : undefined;
    },
    revokeKey: async (keyId, now) => (await pool.query('UPDATE partner_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE key_id = $1', [keyId, now])).rowCount === 1,
  };
}

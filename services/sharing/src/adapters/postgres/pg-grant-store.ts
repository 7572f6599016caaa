import type pg from 'pg';
import { DomainError } from '@ecogrid/domain-errors';
import type { Grant, GrantScope, GrantStatus } from '../../domain/grant';
import type { GrantStore } from '../../app/ports';

export interface GrantRow {
  id: string;
  partner_id: string;
  dataset_id: string;
  scope: GrantScope;
  fields: string[];
  window_from: Date | null;
  window_to: Date | null;
  purpose: string;
  expires_at: Date;
  status: GrantStatus;
  approved_by: string | null;
}

export const grantOf = (row: GrantRow): Grant => ({
  id: row.id,
  partnerId: row.partner_id,
  datasetId: row.dataset_id,
  scope: row.scope,
  fields: row.fields,
  window: { ...(row.window_from ? { from: row.window_from } : {}), ...(row.window_to ? { to: row.window_to } : {}) },
  purpose: row.purpose,
  expiresAt: row.expires_at,
  status: row.status,
  ...(row.approved_by ? { approvedBy: row.approved_by } : {}),
});

const UNIQUE_VIOLATION = '23505';

export function createPgGrantStore(pool: pg.Pool): GrantStore {
  return {
    insert: async (grant, now) => {
      try {
        await pool.query(
          `INSERT INTO grants (id, partner_id, dataset_id, scope, fields, window_from, window_to, purpose, expires_at, status, approved_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
          [grant.id, grant.partnerId, grant.datasetId, JSON.stringify(grant.scope), grant.fields, grant.window.from ?? null, grant.window.to ?? null, grant.purpose, grant.expiresAt, grant.status, grant.approvedBy ?? null, now],
        );
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new DomainError('ALREADY_EXISTS', `grant ${grant.id} or a current grant of ${grant.partnerId} on ${grant.datasetId} exists`, { reason: 'grant_exists' });
        throw error;
      }
    },
    get: async (id) => {
      const { rows } = await pool.query<GrantRow>('SELECT * FROM grants WHERE id = $1', [id]);
      return rows[0] ? grantOf(rows[0]) : undefined;
    },
    update: async (grant, now) => {
      await pool.query('UPDATE grants SET status = $2, approved_by = $3, updated_at = $4 WHERE id = $1', [grant.id, grant.status, grant.approvedBy ?? null, now]);
    },
    current: async (partnerId, datasetId) => {
      const { rows } = await pool.query<GrantRow>("SELECT * FROM grants WHERE partner_id = $1 AND dataset_id = $2 AND status <> 'revoked'", [partnerId, datasetId]);
      return rows[0] ? grantOf(rows[0]) : undefined;
    },
    forPartner: async (partnerId) => (await pool.query<GrantRow>('SELECT * FROM grants WHERE partner_id = $1 ORDER BY created_at, id', [partnerId])).rows.map(grantOf),
  };
}

import type pg from 'pg';
import type { Grant } from '../../domain/grant';
import type { AccessView, Partner, PartnerKey } from '../../app/ports';
import { grantOf, type GrantRow } from './pg-grant-store';
import { keyOf, partnerOf, type PartnerRow } from './pg-partner-store';

/** Unknown keys are not remembered (anyone can send one); past this many known ones the copy starts again. */
const MAX_KEYS = 10_000;

type Versioned<T> = T & { access_version: string };

/**
 * Keys, partners and current grants kept in memory, valid for one value of `access_version`, which a trigger moves
 * forward in the transaction of every change to them (migrations/0004). Every entry was read in the same statement
 * as that value, so the copy only ever holds what was true at the version it names; a read that shows a newer
 * version empties the copy, and a read at an older one (it raced a change) is answered but not kept.
 *
 * `sync()` reads the version: one query shared by the requests that call it while none is waiting to start, but
 * never one that started before the caller asked (it may predate a revocation that had already returned), so
 * whatever committed before `sync()` was called is seen after it. That is what a NOTIFY cannot promise: it reaches
 * other instances some time after the commit, while the revoking call may already have returned.
 */
export function createPgAccessView(pool: pg.Pool): AccessView {
  let version = 0;
  const keysByHash = new Map<string, PartnerKey>();
  const keysById = new Map<string, PartnerKey | null>();
  const partners = new Map<string, Partner | null>();
  const grants = new Map<string, Grant | null>();

  const clear = (): void => {
    keysByHash.clear();
    keysById.clear();
    partners.clear();
    grants.clear();
  };

  /** Whether what was read at `seen` may be kept; a newer version first empties the copy. */
  const adopt = (seen: number): boolean => {
    if (seen > version) {
      clear();
      version = seen;
    }
    return seen === version;
  };

  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  const readVersion = (): Promise<void> => {
    const started = pool.query<{ version: string }>({ name: 'sharing-access-version', text: 'SELECT version FROM access_version' }).then(({ rows }) => {
      adopt(Number(rows[0]?.version ?? 0));
    });
    const settled: Promise<void> = started
      .catch(() => undefined)
      .then(() => {
        if (running === settled) running = undefined;
      });
    running = settled;
    return started;
  };

  const read = async <Row extends object, T>(name: string, text: string, values: unknown[], present: (row: Versioned<Row>) => boolean, map: (row: Row) => T): Promise<{ value: T | undefined; keep: boolean }> => {
    const { rows } = await pool.query<Versioned<Row>>({ name, text, values });
    const row = rows[0];
    if (!row) throw new Error('access_version has no row: the sharing schema is not migrated');
    const keep = adopt(Number(row.access_version));
    return { value: present(row) ? map(row) : undefined, keep };
  };

  return {
    version: () => version,
    observe: (seen) => {
      adopt(seen);
    },
    sync: () => {
      if (!running) return readVersion();
      // The read in flight may have been sent before the caller's request began: wait for the next one.
      queued ??= running.then(() => {
        queued = undefined;
        return readVersion();
      });
      return queued;
    },
    keyByHash: async (sha256) => {
      const known = keysByHash.get(sha256);
      if (known) return known;
      const { value, keep } = await read<{ key_id: string; partner_id: string; revoked_at: Date | null }, PartnerKey>(
        'sharing-access-key-by-hash',
        'SELECT v.version AS access_version, k.key_id, k.partner_id, k.revoked_at FROM access_version v LEFT JOIN partner_keys k ON k.sha256 = $1',
        [sha256],
        (row) => row.key_id !== null,
        keyOf,
      );
      if (value && keep) {
        if (keysByHash.size >= MAX_KEYS) clear();
        keysByHash.set(sha256, value);
      }
      return value;
    },
    keyById: async (keyId) => {
      const known = keysById.get(keyId);
      if (known !== undefined) return known ?? undefined;
      const { value, keep } = await read<{ key_id: string; partner_id: string; revoked_at: Date | null }, PartnerKey>(
        'sharing-access-key-by-id',
        'SELECT v.version AS access_version, k.key_id, k.partner_id, k.revoked_at FROM access_version v LEFT JOIN partner_keys k ON k.key_id = $1',
        [keyId],
        (row) => row.key_id !== null,
        keyOf,
      );
      // Key ids come from signed tokens, so an unknown one is remembered too.
      if (keep) {
        if (keysById.size >= MAX_KEYS) clear();
        keysById.set(keyId, value ?? null);
      }
      return value;
    },
    partner: async (id) => {
      const known = partners.get(id);
      if (known !== undefined) return known ?? undefined;
      const { value, keep } = await read<PartnerRow, Partner>('sharing-access-partner', 'SELECT v.version AS access_version, p.* FROM access_version v LEFT JOIN partners p ON p.id = $1', [id], (row) => row.id !== null, partnerOf);
      if (keep) partners.set(id, value ?? null);
      return value;
    },
    currentGrant: async (partnerId, datasetId) => {
      const cacheKey = `${partnerId}\u0000${datasetId}`;
      const known = grants.get(cacheKey);
      if (known !== undefined) return known ?? undefined;
      const { value, keep } = await read<GrantRow, Grant>(
        'sharing-access-current-grant',
        "SELECT v.version AS access_version, g.* FROM access_version v LEFT JOIN grants g ON g.partner_id = $1 AND g.dataset_id = $2 AND g.status <> 'revoked'",
        [partnerId, datasetId],
        (row) => row.id !== null,
        grantOf,
      );
      // Only partners that passed authentication ask, and datasets come from the catalogue's ids or are refused
      // before this; absence is remembered like presence.
      if (keep) grants.set(cacheKey, value ?? null);
      return value;
    },
  };
}

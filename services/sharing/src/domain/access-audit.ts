import { canonicalJson, GENESIS_HASH, linkHash, verifyLinks, type ChainKey, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';

/** One access to the sharing surface, as the audit keeps it. */
export interface AccessRecord {
  accessId: string;
  partnerId: string;
  /** The dataset asked for, or the surface (`audit`, `catalogue`, `subscription`). */
  dataset: string;
  /** The query as asked: filters, cursor, limit. Never a credential. */
  query: JsonObject;
  rows: number;
  /** SHA-256 of the body sent, hex; empty when nothing was sent. */
  responseSha256: string;
  accessedAt: Date;
  allowed: boolean;
  denialReason: string;
}

export interface AuditEntry extends AccessRecord {
  sequence: number;
  previousHash: string;
  hash: string;
}

/** The content a link hashes: every field of the access, the time in ISO-8601 UTC. */
export function canonicalAccess(access: AccessRecord): string {
  return canonicalJson({
    access_id: access.accessId,
    partner_id: access.partnerId,
    dataset: access.dataset,
    query: access.query,
    rows: access.rows,
    response_sha256: access.responseSha256,
    accessed_at: access.accessedAt.toISOString(),
    allowed: access.allowed,
    denial_reason: access.denialReason,
  });
}

/** The next link of the audit chain after `previous` (undefined for the first). */
export function chainAccess(access: AccessRecord, previous: { sequence: number; hash: string } | undefined, key?: ChainKey): AuditEntry {
  const previousHash = previous?.hash ?? GENESIS_HASH;
  return { ...access, sequence: (previous?.sequence ?? 0) + 1, previousHash, hash: linkHash(canonicalAccess(access), previousHash, key) };
}

/** Walks the audit in order and names the first entry that was altered, reordered or removed. */
export function verifyAudit(entries: readonly AuditEntry[], key?: ChainKey): ChainVerdict {
  return verifyLinks(entries, canonicalAccess, key ? () => key : undefined);
}

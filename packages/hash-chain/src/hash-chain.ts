import { createHash, createHmac } from 'node:crypto';

/** The previous hash of a chain's first link. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * A secret kept outside the database (an environment variable, a secrets manager): with it the chain is an HMAC,
 * which someone who can rewrite the table but does not hold the key cannot forge, a database superuser included.
 */
export interface ChainKey {
  /** Names the key in stored links, so keys can be rotated: old links keep verifying with their own key. */
  id: string;
  secret: string | Uint8Array;
}

/** What every chained record stores besides its content. */
export interface ChainLink {
  sequence: number;
  previousHash: string;
  hash: string;
}

/** hash = SHA-256 (or HMAC-SHA-256 with the key) of (canonical content ‖ "\n" ‖ previous hash), hex. */
export function linkHash(canonicalContent: string, previousHash: string, key?: ChainKey): string {
  const digest = key ? createHmac('sha256', key.secret) : createHash('sha256');
  return digest.update(canonicalContent).update('\n').update(previousHash).digest('hex');
}

export interface ChainVerdict {
  intact: boolean;
  entries: number;
  firstBroken?: {
    sequence: number;
    reason: 'hash_mismatch' | 'previous_hash_mismatch' | 'sequence_gap';
    storedHash: string;
    recomputedHash: string;
  };
}

/**
 * Walks a chain in sequence order from 1 and names the first link that does not hold: its content no longer
 * hashes to its stored hash, it does not point at its predecessor's hash, or a sequence is missing (a deleted row).
 */
export function verifyLinks<E extends ChainLink>(entries: readonly E[], canonicalOf: (entry: E) => string, keyOf?: (entry: E) => ChainKey | undefined): ChainVerdict {
  let previousHash = GENESIS_HASH;
  let expectedSequence = 1;
  for (const entry of entries) {
    const recomputed = linkHash(canonicalOf(entry), entry.previousHash, keyOf?.(entry));
    const broken = (reason: NonNullable<ChainVerdict['firstBroken']>['reason']): ChainVerdict => ({
      intact: false,
      entries: entries.length,
      firstBroken: { sequence: entry.sequence, reason, storedHash: entry.hash, recomputedHash: recomputed },
    });
    if (entry.sequence !== expectedSequence) return broken('sequence_gap');
    if (entry.previousHash !== previousHash) return broken('previous_hash_mismatch');
    if (recomputed !== entry.hash) return broken('hash_mismatch');
    previousHash = entry.hash;
    expectedSequence += 1;
  }
  return { intact: true, entries: entries.length };
}

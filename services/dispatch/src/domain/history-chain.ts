import { canonicalJson, linkHash, verifyLinks, type ChainKey, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';
import type { CaseState, CaseStatus } from './case';

export { canonicalJson, GENESIS_HASH, type ChainKey, type ChainVerdict, type JsonObject, type JsonValue } from '@ecogrid/hash-chain';

/** One entry of a case's history, as stored. Entries are only ever appended. */
export interface HistoryEntry {
  caseId: string;
  sequence: number;
  action: string;
  actor: string;
  occurredAt: Date;
  fromStatus: CaseStatus | null;
  toStatus: CaseStatus;
  details: JsonObject;
  previousHash: string;
  hash: string;
  /** The key the entry was sealed with (rotation); none on entries from before keying, verified with the current key. */
  keyId?: string;
}

/**
 * The keys of the chain: the current one seals new entries; retired ones still verify the entries they sealed. They
 * live outside the database (configuration), so someone who can rewrite the table but lacks them cannot forge a link.
 */
export interface ChainKeyring {
  current: ChainKey;
  retired: readonly ChainKey[];
}

/** What is hashed for an entry: every stored field except the hash itself (and the key id, which the key proves). */
export function canonicalEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash' | 'keyId'>): string {
  return canonicalJson({
    caseId: entry.caseId,
    sequence: entry.sequence,
    action: entry.action,
    actor: entry.actor,
    occurredAt: entry.occurredAt.toISOString(),
    fromStatus: entry.fromStatus,
    toStatus: entry.toStatus,
    details: entry.details,
  });
}

/** hash = HMAC-SHA-256(key, canonical entry ‖ "\n" ‖ previous hash), hex (`@ecogrid/hash-chain`). */
export function hashEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash' | 'keyId'>, previousHash: string, key: ChainKey): string {
  return linkHash(canonicalEntry(entry), previousHash, key);
}

/** Seals a new entry onto the chain whose last hash is `previousHash`, with the current key. */
export function sealEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash' | 'keyId'>, previousHash: string, key: ChainKey): HistoryEntry {
  return { ...entry, previousHash, hash: hashEntry(entry, previousHash, key), keyId: key.id };
}

/**
 * Walks a case's history in sequence order and names the first entry that does not hold: its content no longer
 * hashes (with its key) to its stored hash, it does not point at its predecessor's hash, a sequence is missing (a
 * deleted row), or it names a key this service does not hold (nothing it says can be checked).
 */
export function verifyChain(entries: readonly HistoryEntry[], keys: ChainKeyring): ChainVerdict {
  const byId = new Map<string, ChainKey>([...keys.retired, keys.current].map((key) => [key.id, key]));
  const unknown = entries.findIndex((entry) => entry.keyId !== undefined && !byId.has(entry.keyId));
  const checkable = unknown < 0 ? entries : entries.slice(0, unknown);
  const verdict = verifyLinks(checkable, canonicalEntry, (entry) => (entry.keyId === undefined ? keys.current : byId.get(entry.keyId)));
  if (!verdict.intact || unknown < 0) return { ...verdict, entries: entries.length };
  const entry = entries[unknown] as HistoryEntry;
  return { intact: false, entries: entries.length, firstBroken: { sequence: entry.sequence, reason: 'hash_mismatch', storedHash: entry.hash, recomputedHash: '' } };
}

/** The state fields every entry records, so KPIs can be computed from the history alone. */
export function snapshotOf(state: CaseState): JsonObject {
  const snapshot: JsonObject = {
    status: state.status,
    priority: state.priority,
    caseType: state.caseType,
    escalationLevel: state.escalationLevel,
  };
  if (state.assigneeOfficerId) snapshot.assignee = state.assigneeOfficerId;
  if (state.townshipCode) snapshot.township = state.townshipCode;
  if (state.cellId) snapshot.cell = state.cellId;
  if (state.step) snapshot.step = state.step;
  if (state.stepStartedAt) snapshot.stepStartedAt = state.stepStartedAt.toISOString();
  if (state.stepDeadline) snapshot.stepDeadline = state.stepDeadline.toISOString();
  if (state.supervisorOfficerId) snapshot.supervisor = state.supervisorOfficerId;
  return snapshot;
}

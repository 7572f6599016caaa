import { canonicalJson, linkHash, verifyLinks, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';
import type { CaseState, CaseStatus } from './case';

export { canonicalJson, GENESIS_HASH, type ChainVerdict, type JsonObject, type JsonValue } from '@ecogrid/hash-chain';

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
}

/** What is hashed for an entry: every stored field except the hash itself. */
export function canonicalEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash'>): string {
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

/** hash = SHA-256(canonical entry ‖ "\n" ‖ previous hash), hex (`@ecogrid/hash-chain`). */
export function hashEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash'>, previousHash: string): string {
  return linkHash(canonicalEntry(entry), previousHash);
}

/** Seals a new entry onto the chain whose last hash is `previousHash`. */
export function sealEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash'>, previousHash: string): HistoryEntry {
  return { ...entry, previousHash, hash: hashEntry(entry, previousHash) };
}

/**
 * Walks a case's history in sequence order and names the first entry that does not hold: its content no
 * longer hashes to its stored hash, it does not point at its predecessor's hash, or a sequence is missing
 * (a deleted row).
 */
export function verifyChain(entries: readonly HistoryEntry[]): ChainVerdict {
  return verifyLinks(entries, canonicalEntry);
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

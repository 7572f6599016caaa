import { createHash } from 'node:crypto';
import type { CaseState, CaseStatus } from './case';

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

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

/** The previous hash of a case's first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** Serialises JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON cannot hold a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value)
    .filter((key) => value[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`).join(',')}}`;
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

/** hash = SHA-256(canonical entry ‖ "\n" ‖ previous hash), hex. */
export function hashEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash'>, previousHash: string): string {
  return createHash('sha256').update(canonicalEntry(entry)).update('\n').update(previousHash).digest('hex');
}

/** Seals a new entry onto the chain whose last hash is `previousHash`. */
export function sealEntry(entry: Omit<HistoryEntry, 'hash' | 'previousHash'>, previousHash: string): HistoryEntry {
  return { ...entry, previousHash, hash: hashEntry(entry, previousHash) };
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
 * Walks a case's history in sequence order and names the first entry that does not hold: its content no
 * longer hashes to its stored hash, it does not point at its predecessor's hash, or a sequence is missing
 * (a deleted row).
 */
export function verifyChain(entries: readonly HistoryEntry[]): ChainVerdict {
  let previousHash = GENESIS_HASH;
  let expectedSequence = 1;
  for (const entry of entries) {
    const recomputed = hashEntry(entry, entry.previousHash);
    if (entry.sequence !== expectedSequence) {
      return { intact: false, entries: entries.length, firstBroken: { sequence: entry.sequence, reason: 'sequence_gap', storedHash: entry.hash, recomputedHash: recomputed } };
    }
    if (entry.previousHash !== previousHash) {
      return {
        intact: false,
        entries: entries.length,
        firstBroken: { sequence: entry.sequence, reason: 'previous_hash_mismatch', storedHash: entry.hash, recomputedHash: recomputed },
      };
    }
    if (recomputed !== entry.hash) {
      return { intact: false, entries: entries.length, firstBroken: { sequence: entry.sequence, reason: 'hash_mismatch', storedHash: entry.hash, recomputedHash: recomputed } };
    }
    previousHash = entry.hash;
    expectedSequence += 1;
  }
  return { intact: true, entries: entries.length };
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

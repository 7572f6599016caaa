import { canonicalJson, linkHash, verifyLinks, type ChainLink, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';
import type { EvidenceKind } from './ruleset';

export { GENESIS_HASH, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';

/** Evidence, and the decisions that act on evidence (objections, restorations). */
export type RecordKind = EvidenceKind | 'objection_filed' | 'objection_resolved' | 'restoration_applied' | 'restoration_reviewed';

export const RECORD_KINDS: readonly RecordKind[] = [
  'exceedance',
  'case',
  'penalty',
  'inspection',
  'complaint',
  'veto_event',
  'monitoring_completeness',
  'objection_filed',
  'objection_resolved',
  'restoration_applied',
  'restoration_reviewed',
];

/** A record before the ledger gives it a place: what happened, to whom, according to which source event. */
export interface RecordDraft {
  uscc: string;
  kind: RecordKind;
  /** The CloudEvents id of the event it came from, or the id of the request that entered it: unique in the ledger. */
  sourceEventId: string;
  occurredAt: Date;
  /** `alerting`, `dispatch`, or the staff subject who entered it. */
  actor: string;
  facts: JsonObject;
}

/** A record in an enterprise's chain. Records are only ever appended. */
export interface LedgerRecord extends RecordDraft, ChainLink {
  /** `<USCC>/<sequence>`: what objections and restorations point at. */
  id: string;
  recordedAt: Date;
}

export function recordId(uscc: string, sequence: number): string {
  return `${uscc}/${sequence}`;
}

/** What is hashed: every stored field but the two hashes. */
export function canonicalRecord(record: Omit<LedgerRecord, 'hash' | 'previousHash' | 'id'>): string {
  return canonicalJson({
    uscc: record.uscc,
    sequence: record.sequence,
    kind: record.kind,
    sourceEventId: record.sourceEventId,
    occurredAt: record.occurredAt.toISOString(),
    recordedAt: record.recordedAt.toISOString(),
    actor: record.actor,
    facts: record.facts,
  });
}

/** Seals a draft onto the chain whose last link is `previous` (none for the enterprise's first record). */
export function sealRecord(draft: RecordDraft, previous: { sequence: number; hash: string } | undefined, recordedAt: Date, genesis: string): LedgerRecord {
  const sequence = (previous?.sequence ?? 0) + 1;
  const previousHash = previous?.hash ?? genesis;
  const unsealed = { ...draft, sequence, recordedAt };
  return { ...unsealed, id: recordId(draft.uscc, sequence), previousHash, hash: linkHash(canonicalRecord(unsealed), previousHash) };
}

/** Walks one enterprise's chain from sequence 1 and names the first record that does not hold. */
export function verifyChain(records: readonly LedgerRecord[]): ChainVerdict {
  return verifyLinks(records, canonicalRecord);
}

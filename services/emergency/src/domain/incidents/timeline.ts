import { canonicalJson, linkHash, verifyLinks, GENESIS_HASH, type ChainKey, type ChainVerdict, type JsonObject } from '@ecogrid/hash-chain';

/** The steps an incident's timeline records. */
export type TimelineStep =
  | 'proposed'
  | 'declared'
  | 'dismissed'
  | 'analysis'
  | 'plan_activated'
  | 'task_requested'
  | 'task_case_opened'
  | 'task_case_accepted'
  | 'task_case_closed'
  | 'partner_notified'
  | 'readings_exceeded'
  | 'readings_recovered'
  | 'closed';

/** One row of an incident's timeline, as stored. Rows are only ever appended. */
export interface TimelineEntry {
  incidentId: string;
  sequence: number;
  step: TimelineStep;
  actor: string;
  occurredAt: Date;
  details: JsonObject;
  previousHash: string;
  hash: string;
  keyId: string;
}

export type TimelineDraft = Omit<TimelineEntry, 'sequence' | 'previousHash' | 'hash' | 'keyId'>;

/** What is hashed: every stored field except the link itself (and the key id, which the key proves). */
export function canonicalTimelineEntry(entry: Omit<TimelineEntry, 'previousHash' | 'hash' | 'keyId'>): string {
  return canonicalJson({
    incidentId: entry.incidentId,
    sequence: entry.sequence,
    step: entry.step,
    actor: entry.actor,
    occurredAt: entry.occurredAt.toISOString(),
    details: entry.details,
  });
}

/** Seals a draft onto the chain after `last` (none: the first row), with the chain key (HMAC, kept outside the database). */
export function sealTimelineEntry(draft: TimelineDraft, last: Pick<TimelineEntry, 'sequence' | 'hash'> | undefined, key: ChainKey): TimelineEntry {
  const sequence = (last?.sequence ?? 0) + 1;
  const previousHash = last?.hash ?? GENESIS_HASH;
  const hash = linkHash(canonicalTimelineEntry({ ...draft, sequence }), previousHash, key);
  return { ...draft, sequence, previousHash, hash, keyId: key.id };
}

/**
 * Recomputes the chain and names the first row that does not hold: altered content, a broken link, a deleted row, or
 * a key this service does not hold.
 */
export function verifyTimeline(entries: readonly TimelineEntry[], keys: readonly ChainKey[]): ChainVerdict {
  const byId = new Map(keys.map((key) => [key.id, key]));
  const unknown = entries.findIndex((entry) => !byId.has(entry.keyId));
  const checkable = unknown < 0 ? entries : entries.slice(0, unknown);
  const verdict = verifyLinks(checkable, canonicalTimelineEntry, (entry) => byId.get(entry.keyId));
  if (!verdict.intact || unknown < 0) return { ...verdict, entries: entries.length };
  const entry = entries[unknown] as TimelineEntry;
  return { intact: false, entries: entries.length, firstBroken: { sequence: entry.sequence, reason: 'hash_mismatch', storedHash: entry.hash, recomputedHash: '' } };
}

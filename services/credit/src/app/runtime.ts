import { GENESIS_HASH, sealRecord, type LedgerRecord, type RecordDraft } from '../domain/ledger';
import { periodOf } from '../domain/period';
import { rateEnterprise, type Rating } from '../domain/rate-enterprise';
import type { RulesetCatalogue } from '../domain/ruleset-catalogue';
import { storedRatingOf, type ChangeKind, type Clock, type CreditStore, type CreditTransaction, type EnterpriseDirectory, type StoredRating } from './ports';

/** What every use case is built over. */
export interface CreditRuntime {
  store: CreditStore;
  directory: EnterpriseDirectory;
  catalogue: RulesetCatalogue;
  /** The jurisdiction whose ruleset rates this deployment's enterprises (`CN`, `CN-SX`). */
  jurisdiction: string;
  clock: Clock;
}

export interface AppendOutcome {
  duplicate: boolean;
  record?: LedgerRecord;
  rating?: StoredRating;
}

/** The current rating of an enterprise from its records, under the ruleset in force now. */
export function rateNow(runtime: CreditRuntime, uscc: string, records: readonly LedgerRecord[], at: Date, headSequence?: number): Rating {
  return rateEnterprise(runtime.catalogue.inForce(runtime.jurisdiction, at), uscc, records, periodOf(at), headSequence);
}

/**
 * Re-rates an enterprise inside the caller's transaction and stores the result; it is published when the score,
 * level or veto changed (not for evidence that moves nothing).
 */
export async function rerate(runtime: CreditRuntime, tx: CreditTransaction, uscc: string, changeKind: ChangeKind, cause: LedgerRecord, at: Date): Promise<StoredRating> {
  const causedByRecordId = cause.id;
  // The cause is the chain's newest record (just appended, under the lock).
  const records = await tx.records(uscc, { since: periodOf(at).start });
  const rating = rateNow(runtime, uscc, records, at, cause.sequence);
  const previous = await tx.currentRating(uscc);
  const changed = !previous || previous.score !== rating.score || previous.level !== rating.level || previous.vetoed !== rating.vetoed || previous.period !== rating.period || previous.rulesetVersion !== rating.rulesetVersion;
  const stored = storedRatingOf(rating, {
    enterpriseName: runtime.directory.nameOf(uscc) ?? previous?.enterpriseName ?? '',
    ratedAt: at,
    changeKind: changed ? changeKind : (previous?.changeKind ?? changeKind),
    ...(previous && changed ? { previousColour: previous.colour } : previous?.previousColour ? { previousColour: previous.previousColour } : {}),
    causedByRecordId: changed ? causedByRecordId : (previous?.causedByRecordId ?? causedByRecordId),
  });
  await tx.saveRating(changed ? stored : { ...stored, ratedAt: previous?.ratedAt ?? at }, changed);
  return stored;
}

/**
 * Seals drafts onto the enterprise's chain inside the caller's transaction, after `tx.lockEnterprise`: a draft whose
 * source event is already in the ledger is skipped (redelivery), so nothing counts twice.
 */
export async function appendInTransaction(tx: CreditTransaction, head: { sequence: number; hash: string } | undefined, drafts: readonly RecordDraft[], at: Date): Promise<LedgerRecord[]> {
  const sealed: LedgerRecord[] = [];
  let last = head;
  for (const draft of drafts) {
    if (await tx.hasSource(draft.sourceEventId)) continue;
    const record = sealRecord(draft, last, at, GENESIS_HASH);
    sealed.push(record);
    last = { sequence: record.sequence, hash: record.hash };
  }
  if (sealed.length > 0) await tx.append(sealed);
  return sealed;
}

/** Appends records to an enterprise's chain and re-rates it, in one transaction. */
export async function appendAndRate(runtime: CreditRuntime, drafts: readonly RecordDraft[], changeKind: ChangeKind = 'dynamic'): Promise<AppendOutcome> {
  const first = drafts[0];
  if (!first) return { duplicate: true };
  return runtime.store.transaction(async (tx) => {
    const head = await tx.lockEnterprise(first.uscc);
    const at = runtime.clock.now();
    const sealed = await appendInTransaction(tx, head, drafts, at);
    if (sealed.length === 0) return { duplicate: true };
    const rating = await rerate(runtime, tx, first.uscc, changeKind, sealed.at(-1) as LedgerRecord, at);
    return { duplicate: false, record: sealed[0] as LedgerRecord, rating };
  });
}

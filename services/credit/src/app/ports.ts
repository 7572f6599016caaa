import type { LedgerRecord } from '../domain/ledger';
import type { Rating } from '../domain/rate-enterprise';
import type { Colour, Text } from '../domain/ruleset';

export type { Clock } from '@ecogrid/service-kit';

// ---------------------------------------------------------------------------------------------------------
// The registry as credit needs it: who owns a device, what an enterprise is called, which enterprises exist.

export interface EnterpriseDirectory {
  /** The enterprise a monitoring device belongs to: the device's own link, else the outlet that lists it. */
  ownerOfDevice(mn: string): { uscc: string; outletId?: string } | undefined;
  nameOf(uscc: string): string | undefined;
  /** Every enterprise the registry knows, for period close and the public list. */
  enterprises(): string[];
}

// ---------------------------------------------------------------------------------------------------------
// Persistence.

export type ChangeKind = 'dynamic' | 'period_close' | 'restoration';

/** A rating as stored and published (the explanation is recomputed from the ledger on demand). */
export interface StoredRating {
  uscc: string;
  enterpriseName: string;
  period: string;
  rulesetId: string;
  rulesetVersion: string;
  score: number;
  level: string;
  colour: Colour;
  vetoed: boolean;
  evidenceCount: number;
  ledgerSequence: number;
  ratedAt: Date;
  changeKind: ChangeKind;
  previousColour?: Colour;
  causedByRecordId: string;
  reason: Text;
  jointPunishment: boolean;
  jointMeasures: Text[];
}

export function storedRatingOf(rating: Rating, context: { enterpriseName: string; ratedAt: Date; changeKind: ChangeKind; previousColour?: Colour; causedByRecordId: string }): StoredRating {
  return {
    uscc: rating.uscc,
    enterpriseName: context.enterpriseName,
    period: rating.period,
    rulesetId: rating.rulesetId,
    rulesetVersion: rating.rulesetVersion,
    score: rating.score,
    level: rating.level,
    colour: rating.colour,
    vetoed: rating.vetoed,
    evidenceCount: rating.evidenceCount,
    ledgerSequence: rating.ledgerSequence,
    ratedAt: context.ratedAt,
    changeKind: context.changeKind,
    ...(context.previousColour ? { previousColour: context.previousColour } : {}),
    causedByRecordId: context.causedByRecordId,
    reason: rating.reason,
    jointPunishment: rating.jointPunishment,
    jointMeasures: rating.jointMeasures,
  };
}

export interface Objection {
  id: string;
  uscc: string;
  recordId: string;
  status: 'pending' | 'upheld' | 'rejected';
  filedBy: string;
}

export interface RestorationApplication {
  id: string;
  uscc: string;
  ruleId: string;
  caseId: string;
  status: 'pending' | 'approved' | 'rejected';
  appliedBy: string;
  appliedAt: Date;
  cancels: string[];
}

/** Work inside one database transaction, with the enterprise's chain locked by `lockEnterprise` until it ends. */
export interface CreditTransaction {
  /** Locks the enterprise's chain (creating its head) and returns its last link. */
  lockEnterprise(uscc: string): Promise<{ sequence: number; hash: string } | undefined>;
  /** Whether a source event is already in the ledger (a redelivery). */
  hasSource(sourceEventId: string): Promise<boolean>;
  append(records: readonly LedgerRecord[]): Promise<void>;
  /**
   * The enterprise's chain in order; with `since`, without evidence recorded as occurring before it (which cannot
   * count in a period starting then): a long-rated enterprise is re-rated from its period, not its whole history.
   * Objections and restorations are always included.
   */
  records(uscc: string, options?: { since?: Date }): Promise<LedgerRecord[]>;
  currentRating(uscc: string): Promise<StoredRating | undefined>;
  /** Stores the current rating and, when `publish`, queues it on ecogrid.credit.v1 (through the outbox). */
  saveRating(rating: StoredRating, publish: boolean): Promise<void>;
  insertObjection(objection: Objection, at: Date): Promise<void>;
  /** Locks and returns an objection. */
  objection(id: string): Promise<Objection | undefined>;
  resolveObjection(id: string, status: 'upheld' | 'rejected', by: string, at: Date): Promise<void>;
  insertApplication(application: RestorationApplication): Promise<void>;
  application(id: string): Promise<RestorationApplication | undefined>;
  reviewApplication(id: string, status: 'approved' | 'rejected', by: string, at: Date): Promise<void>;
  /** Records a closed period; false when it was closed already. */
  closePeriod(period: string, by: string, at: Date): Promise<boolean>;
  /** Freezes a period's rating (published as a period-close event). */
  freezeRating(rating: StoredRating): Promise<void>;
}

export interface RatingPage {
  ratings: StoredRating[];
  nextPageToken: string;
}

export interface CreditStore {
  transaction<T>(work: (tx: CreditTransaction) => Promise<T>): Promise<T>;
  rating(uscc: string): Promise<StoredRating | undefined>;
  listRatings(filter: { colour?: Colour; pageSize: number; pageToken: string }): Promise<RatingPage>;
  periodRatings(period: string, filter: { pageSize: number; pageToken: string }): Promise<RatingPage>;
  isClosed(period: string): Promise<boolean>;
  records(uscc: string): Promise<LedgerRecord[]>;
  /**
   * Every enterprise's chain, one at a time, in USCC order. `withLinks: false` is for rating only: the records come
   * without their hashes, source ids, actors and recording times (empty), which the verifier needs and rating does not.
   */
  chains(options?: { batchSize?: number; withLinks?: boolean }): AsyncIterable<LedgerRecord[]>;
  /** Every stored current rating, for the rebuild to compare with. */
  allRatings(): Promise<Map<string, StoredRating>>;
  /** USCCs with at least one ledger record. */
  enterprisesWithRecords(): Promise<string[]>;
}

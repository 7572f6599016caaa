import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import { periodById, periodOf } from '../domain/period';
import { rateEnterprise, type Rating } from '../domain/rate-enterprise';
import type { Colour } from '../domain/ruleset';
import { storedRatingOf, type RatingPage, type StoredRating } from './ports';
import { rateNow, type CreditRuntime } from './runtime';
import { requireUscc } from './staff';

const pageSize = (requested: number): number => (requested <= 0 ? 50 : Math.min(requested, 500));

/** The stored rating, or for an enterprise the registry knows but no evidence names, the rating of no evidence. */
async function currentOf(runtime: CreditRuntime, uscc: string): Promise<StoredRating> {
  const stored = await runtime.store.rating(uscc);
  const at = runtime.clock.now();
  if (stored && stored.period === periodOf(at).id) return stored;
  const name = runtime.directory.nameOf(uscc) ?? stored?.enterpriseName;
  if (name === undefined) throw notFound('enterprise', uscc);
  // A new period began since the last evidence: the current rating is the new period's, from the same ledger.
  const records = stored ? await runtime.store.records(uscc) : [];
  return storedRatingOf(rateNow(runtime, uscc, records, at), { enterpriseName: name, ratedAt: at, changeKind: 'dynamic', causedByRecordId: records.at(-1)?.id ?? '' });
}

export function createGetRating(runtime: CreditRuntime) {
  return (uscc: string): Promise<StoredRating> => currentOf(runtime, requireUscc(uscc));
}

export function createListRatings(runtime: CreditRuntime) {
  return (filter: { colour?: Colour; pageSize: number; pageToken: string }): Promise<RatingPage> => runtime.store.listRatings({ ...filter, pageSize: pageSize(filter.pageSize) });
}

/**
 * Every indicator with its points, the rules that gave them and the records behind them, recomputed from the ledger
 * with the ruleset version and period the stored rating names, up to the ledger position it was made at: the
 * explanation of exactly that rating, even after a new ruleset version came into force.
 */
export function createExplainRating(runtime: CreditRuntime) {
  return async (input: string): Promise<{ rating: StoredRating; explanation: Rating }> => {
    const uscc = requireUscc(input);
    const rating = await currentOf(runtime, uscc);
    const ruleset = runtime.catalogue.version(rating.rulesetVersion);
    if (!ruleset) throw notFound('ruleset version', rating.rulesetVersion);
    const records = (await runtime.store.records(uscc)).filter((record) => record.sequence <= rating.ledgerSequence);
    return { rating, explanation: rateEnterprise(ruleset, uscc, records, periodById(rating.period)) };
  };
}

export interface PublicRating {
  uscc: string;
  name: string;
  level: string;
  colour: Colour;
}

/**
 * The disclosure list of a period: USCC, name and level, nothing else (no scores' reasons, no people). A closed
 * period lists its frozen ratings; the open one the current ratings.
 */
const publicOf = (runtime: CreditRuntime, uscc: string, name: string, level: string, colour: Colour): PublicRating => ({ uscc, name: name || runtime.directory.nameOf(uscc) || '', level, colour });

export function createListPublicRatings(runtime: CreditRuntime) {
  return async (input: { period: string; pageSize: number; pageToken: string }): Promise<{ period: string; closed: boolean; ratings: PublicRating[]; nextPageToken: string }> => {
    const period = input.period || periodOf(runtime.clock.now()).id;
    try {
      periodById(period);
    } catch {
      throw invalidArgument('period', 'a period is a year such as 2026');
    }
    const closed = await runtime.store.isClosed(period);
    const open = periodOf(runtime.clock.now()).id === period;
    if (!closed && !open) throw invalidArgument('period', `period ${period} is neither closed nor current`, 'period_not_available');
    const size = pageSize(input.pageSize);
    if (closed) {
      const page = await runtime.store.periodRatings(period, { pageSize: size, pageToken: input.pageToken });
      return { period, closed, ratings: page.ratings.map((rating) => publicOf(runtime, rating.uscc, rating.enterpriseName, rating.level, rating.colour)), nextPageToken: page.nextPageToken };
    }
    // The open period: stored ratings, and every enterprise the registry knows that no evidence of the period names
    // (an enterprise without evidence this period is at the ruleset's best level), in USCC order.
    const page = await runtime.store.listRatings({ pageSize: size, pageToken: input.pageToken });
    const upper = page.nextPageToken ? page.ratings.at(-1)?.uscc : undefined;
    const best = runtime.catalogue.inForce(runtime.jurisdiction, runtime.clock.now()).levels[0];
    const stored = new Map(page.ratings.map((rating) => [rating.uscc, rating]));
    const usccs = new Set([...stored.keys(), ...runtime.directory.enterprises().filter((uscc) => uscc > input.pageToken && (upper === undefined || uscc <= upper))]);
    const ratings = [...usccs].sort().map((uscc) => {
      const rating = stored.get(uscc);
      if (rating && rating.period === period) return publicOf(runtime, uscc, rating.enterpriseName, rating.level, rating.colour);
      return publicOf(runtime, uscc, rating?.enterpriseName ?? '', best?.code ?? '', best?.colour ?? 'green');
    });
    return { period, closed, ratings, nextPageToken: page.nextPageToken };
  };
}

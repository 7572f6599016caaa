import { failedPrecondition, invalidArgument } from '@ecogrid/domain-errors';
import { periodById, type Period } from '../domain/period';
import { rateEnterprise } from '../domain/rate-enterprise';
import { storedRatingOf } from './ports';
import type { CreditRuntime } from './runtime';
import type { Actor } from './staff';

/**
 * Closes an ended period (annual): every enterprise the registry knows or the ledger names is rated for that period
 * with the ruleset that was in force at its end, and the ratings are frozen and published. Evidence or decisions
 * arriving later never rewrite a frozen rating; a new ruleset version never does either.
 */
export function createClosePeriod(runtime: CreditRuntime) {
  return async (input: { period: string }, actor: Actor): Promise<{ frozen: number }> => {
    let period: Period;
    try {
      period = periodById(input.period);
    } catch {
      throw invalidArgument('period', 'a period is a year such as 2026');
    }
    const at = runtime.clock.now();
    if (at < period.end) throw failedPrecondition(`period ${period.id} has not ended yet`, 'period_open');
    const ruleset = runtime.catalogue.inForce(runtime.jurisdiction, new Date(period.end.getTime() - 1));
    const usccs = [...new Set([...runtime.directory.enterprises(), ...(await runtime.store.enterprisesWithRecords())])].sort();
    return runtime.store.transaction(async (tx) => {
      if (!(await tx.closePeriod(period.id, actor.subject, at))) throw failedPrecondition(`period ${period.id} is closed already`, 'period_closed');
      for (const uscc of usccs) {
        const head = await tx.lockEnterprise(uscc);
        const records = await tx.records(uscc, { since: period.start });
        const rating = rateEnterprise(ruleset, uscc, records, period, head?.sequence ?? 0);
        await tx.freezeRating(storedRatingOf(rating, { enterpriseName: runtime.directory.nameOf(uscc) ?? '', ratedAt: at, changeKind: 'period_close', causedByRecordId: head ? `${uscc}/${head.sequence}` : '' }));
      }
      return { frozen: usccs.length };
    });
  };
}

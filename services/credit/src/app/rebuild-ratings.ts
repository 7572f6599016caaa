import { periodById, periodOf } from '../domain/period';
import { rateEnterprise } from '../domain/rate-enterprise';
import type { CreditRuntime } from './runtime';

export interface RebuildReport {
  enterprises: number;
  records: number;
  matched: number;
  /** Enterprises whose stored rating differs from the one the ledger gives, with both. */
  mismatched: Array<{ uscc: string; stored: string; rebuilt: string }>;
  elapsedMs: number;
}

const summary = (rating: { score: number; level: string; vetoed: boolean; evidenceCount: number; rulesetVersion: string; period: string }): string =>
  `${rating.period} ${rating.rulesetVersion} ${rating.level} ${rating.score}${rating.vetoed ? ' vetoed' : ''} (${rating.evidenceCount} records)`;

/**
 * Rebuilds every current rating from the ledger alone, with the ruleset version, period and ledger position each
 * stored rating names, and compares: the ledger is the truth, the ratings table a cache of it.
 */
export function createRebuildRatings(runtime: CreditRuntime) {
  return async (): Promise<RebuildReport> => {
    const started = performance.now();
    const stored = await runtime.store.allRatings();
    const report: RebuildReport = { enterprises: 0, records: 0, matched: 0, mismatched: [], elapsedMs: 0 };
    for await (const chain of runtime.store.chains({ withLinks: false })) {
      const uscc = chain[0]?.uscc;
      if (!uscc) continue;
      report.enterprises += 1;
      report.records += chain.length;
      const current = stored.get(uscc);
      if (!current) {
        report.mismatched.push({ uscc, stored: '(none)', rebuilt: '(records without a rating)' });
        continue;
      }
      const ruleset = runtime.catalogue.version(current.rulesetVersion);
      const rebuilt = ruleset ? rateEnterprise(ruleset, uscc, chain.filter((record) => record.sequence <= current.ledgerSequence), periodById(current.period)) : undefined;
      const a = summary(current);
      const b = rebuilt ? summary(rebuilt) : `(ruleset ${current.rulesetVersion} unknown)`;
      if (a === b) report.matched += 1;
      else report.mismatched.push({ uscc, stored: a, rebuilt: b });
    }
    report.elapsedMs = Math.round(performance.now() - started);
    return report;
  };
}

/** Rates every enterprise in the ledger afresh for the current period (the full re-rating of the benchmark), without storing. */
export function createRerateAll(runtime: CreditRuntime) {
  return async (): Promise<{ enterprises: number; records: number; byLevel: Record<string, number>; elapsedMs: number }> => {
    const started = performance.now();
    const at = runtime.clock.now();
    const ruleset = runtime.catalogue.inForce(runtime.jurisdiction, at);
    const period = periodOf(at);
    const byLevel: Record<string, number> = {};
    let enterprises = 0;
    let records = 0;
    for await (const chain of runtime.store.chains({ withLinks: false })) {
      const uscc = chain[0]?.uscc;
      if (!uscc) continue;
      enterprises += 1;
      records += chain.length;
      const level = rateEnterprise(ruleset, uscc, chain, period).level;
      byLevel[level] = (byLevel[level] ?? 0) + 1;
    }
    return { enterprises, records, byLevel, elapsedMs: Math.round(performance.now() - started) };
  };
}

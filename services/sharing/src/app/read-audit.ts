import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import { requireSteward, type Actor } from './actors';
import type { SharingRuntime } from './runtime';

/** Partners read their own audit; stewards and administrators read everyone's and verify the chain. */
export function createReadAudit(runtime: SharingRuntime) {
  const whose = (actor: Actor, partnerId: string | undefined): string | undefined => {
    if (actor.kind === 'partner') {
      if (partnerId !== undefined && partnerId !== actor.partnerId) throw new DomainError('PERMISSION_DENIED', 'a partner reads its own audit only', { reason: 'not_own' });
      return actor.partnerId;
    }
    requireSteward(actor);
    return partnerId;
  };
  return {
    list: async (actor: Actor, filter: { partnerId?: string; afterSequence?: number; limit?: number }) => {
      const partnerId = whose(actor, filter.partnerId);
      return runtime.audit.list({ ...(partnerId ? { partnerId } : {}), afterSequence: filter.afterSequence ?? 0, limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000) });
    },
    verify: async (actor: Actor) => {
      requireSteward(actor);
      return runtime.audit.verify();
    },
    /** The month's accesses per partner and dataset (月度共享报告). */
    monthlyReport: async (actor: Actor, month: string, partnerId?: string) => {
      const partner = whose(actor, partnerId);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw invalidArgument('month', 'month is YYYY-MM', 'bad_month');
      return runtime.audit.monthlyReport(month, partner);
    },
  };
}

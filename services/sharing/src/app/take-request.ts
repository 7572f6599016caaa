import { notFound } from '@ecogrid/domain-errors';
import { QuotaExceeded } from '../domain/quota';
import type { Partner } from './ports';
import type { SharingRuntime } from './runtime';

/** Admits one partner request against its per-second allowance; the partner as stored is what the request runs as. */
export function createTakeRequest(runtime: SharingRuntime) {
  return async (partnerId: string): Promise<Partner> => {
    const partner = await runtime.partners.get(partnerId);
    if (!partner) throw notFound('partner', partnerId);
    const decision = await runtime.quotas.takeRequest(partner.id, partner.quota);
    if (!decision.allowed) throw new QuotaExceeded('requests_per_second', decision.retryAfterSeconds);
    return partner;
  };
}

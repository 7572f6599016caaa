import { notFound } from '@ecogrid/domain-errors';
import { QuotaExceeded, quotaDay } from '../domain/quota';
import type { Partner } from './ports';
import type { SharingRuntime } from './runtime';

/** A partner request let in: the partner as stored, and its rows of the day as counted when it was let in. */
export interface AdmittedRequest {
  partner: Partner;
  rowsUsed: { day: string; rows: number };
}

/**
 * Admits one partner request against its per-second allowance; the partner as stored is what the request runs as
 * (from the access view, answered as its authentication was).
 */
export function createTakeRequest(runtime: SharingRuntime) {
  return async (partnerId: string): Promise<AdmittedRequest> => {
    const partner = await runtime.access.partner(partnerId);
    if (!partner) throw notFound('partner', partnerId);
    const day = quotaDay(runtime.clock.now());
    const decision = await runtime.quotas.takeRequest(partner.id, partner.quota, day);
    if (!decision.allowed) throw new QuotaExceeded('requests_per_second', decision.retryAfterSeconds);
    return { partner, rowsUsed: { day, rows: decision.rowsUsed } };
  };
}

import type { EnterpriseReading, WarningDependencies } from './ports';
import { chinaYear } from './apply-transition';

/** HJ 212-2025 system codes of production (工况) and power-use (用电) monitoring. */
const ACTIVITY_SYSTEM_CODES = new Set(['44', '45']);
/** How long the set of listed enterprises is trusted before it is read again (an import also refreshes it). */
const LISTED_TTL_MS = 5 * 60_000;

export interface ObservationInput {
  observationId: string;
  deviceMn: string;
  dataTime: Date;
  /** The system code the frame carried (ST); empty: the registry's. */
  systemCode: string;
  values: Array<{ factorCode: string; value: number }>;
}

/**
 * Folds the readings of listed enterprises' devices into hourly means: CEMS outlet devices (emissions per factor)
 * and production or power-use monitors (activity). Readings of anyone else are not kept. Returns the outcome.
 */
export function createRecordReading(deps: WarningDependencies) {
  let listed: { usccs: Set<string>; year: number; readAt: number } | undefined;
  const listedUsccs = async (now: Date): Promise<Set<string>> => {
    const year = chinaYear(now);
    if (listed && listed.year === year && now.getTime() - listed.readAt < LISTED_TTL_MS) return listed.usccs;
    const list = await deps.store.reductionList(year);
    listed = { usccs: new Set(list?.entries.map((entry) => entry.uscc) ?? []), year, readAt: now.getTime() };
    return listed.usccs;
  };
  const record = async (input: ObservationInput): Promise<'recorded' | 'duplicate' | 'not_listed' | 'no_values'> => {
    const owner = deps.directory.ownerOfDevice(input.deviceMn);
    if (!owner || !(await listedUsccs(deps.clock.now())).has(owner.uscc)) return 'not_listed';
    const source = ACTIVITY_SYSTEM_CODES.has(input.systemCode || owner.systemCode) ? 'activity' : 'emission';
    if (source === 'emission' && !owner.outletId) return 'not_listed';
    if (input.values.length === 0) return 'no_values';
    const reading: EnterpriseReading = { observationId: input.observationId, uscc: owner.uscc, deviceMn: input.deviceMn, outletId: owner.outletId ?? '', source, dataTime: input.dataTime, values: input.values };
    return (await deps.store.recordReadings([reading])) > 0 ? 'recorded' : 'duplicate';
  };
  return Object.assign(record, { forgetListed: () => void (listed = undefined) });
}

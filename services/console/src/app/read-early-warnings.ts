import type { EarlyWarningView } from '../domain/emergency-view';
import type { StaffUser } from '../domain/staff-user';
import type { EarlyWarningDesk } from './ports';

/** The open early warnings, the likeliest crossing first (then the soonest). */
export function createReadEarlyWarnings(earlyWarnings: EarlyWarningDesk) {
  return async function readEarlyWarnings(user: StaffUser): Promise<EarlyWarningView[]> {
    const open = await earlyWarnings.list(user, { activeOnly: true });
    const crossing = (warning: EarlyWarningView): number => (warning.expectedCrossingAt ? Date.parse(warning.expectedCrossingAt) : Number.MAX_SAFE_INTEGER);
    return [...open].sort((a, b) => b.maxProbability - a.maxProbability || crossing(a) - crossing(b));
  };
}

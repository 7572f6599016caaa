import { backlogByHour } from '../domain/backlog';
import type { CaseSummary } from '../domain/case-view';
import type { StaffUser } from '../domain/staff-user';
import type { CaseService, Clock } from './ports';

const DAY_MS = 86_400_000;
const OPEN_STATUSES = ['registered', 'dispatched', 'accepted', 'on_site', 'handled', 'verified', 'returned', 'suspended'] as const;
/** A case closed within the window but created this long before it is not counted (dispatch filters by creation only). */
const CREATED_BEFORE_WINDOW_MS = 30 * DAY_MS;
const CASE_LIMIT = 5_000;

/**
 * Cases open during each hour of the last `days`, from dispatch's case list as the user may see it (their own scope):
 * every case still open, and every case created from 30 days before the window on, with their creation and closing
 * times. Dispatch keeps no backlog history of its own, so this is the one place it is derived.
 */
export function createReadBacklog(deps: { cases: CaseService; clock: Clock }) {
  return async function readBacklog(user: StaffUser, days: number): Promise<{ hours: Array<{ hour: string; open: number }>; truncated: boolean }> {
    const to = deps.clock.now();
    const from = new Date(to.getTime() - days * DAY_MS);
    const [open, recent] = await Promise.all([
      deps.cases.list(user, { statuses: [...OPEN_STATUSES], limit: CASE_LIMIT }),
      deps.cases.list(user, { createdFrom: new Date(from.getTime() - CREATED_BEFORE_WINDOW_MS), limit: CASE_LIMIT }),
    ]);
    const byId = new Map<string, CaseSummary>([...recent, ...open].map((item) => [item.id, item]));
    return { hours: backlogByHour([...byId.values()], from, to), truncated: open.length >= CASE_LIMIT || recent.length >= CASE_LIMIT };
  };
}

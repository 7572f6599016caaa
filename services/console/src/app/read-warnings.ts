import { allowedWarningActions, type WarningAction } from '../domain/emergency-actions';
import type { WarningView } from '../domain/emergency-view';
import type { StaffUser } from '../domain/staff-user';
import type { Clock, WarningDesk } from './ports';

/** How long a lifted warning stays on the page's list of recent ones. */
export const RECENT_WARNING_DAYS = 30;

export interface WarningsPage {
  /** Active warnings, strictest level first. */
  active: WarningView[];
  /** Warnings lifted in the last RECENT_WARNING_DAYS days, newest first. */
  recent: WarningView[];
  /** What this user may do on the page itself (issue). */
  allowedActions: WarningAction[];
}

const RANK: Record<string, number> = { red: 3, orange: 2, yellow: 1 };

/** The warnings page: what is in force now and what ended lately, with the actions the user's role allows. */
export function createReadWarnings(deps: { warnings: WarningDesk; clock: Clock }) {
  return async function readWarnings(user: StaffUser): Promise<WarningsPage> {
    const all = await deps.warnings.list(user);
    const since = deps.clock.now().getTime() - RECENT_WARNING_DAYS * 86_400_000;
    const active = all.filter((warning) => warning.status === 'active').sort((a, b) => (RANK[b.level] ?? 0) - (RANK[a.level] ?? 0));
    const recent = all
      .filter((warning) => warning.status === 'lifted' && warning.liftedAt !== null && Date.parse(warning.liftedAt) >= since)
      .sort((a, b) => Date.parse(b.liftedAt ?? '') - Date.parse(a.liftedAt ?? ''));
    return { active, recent, allowedActions: allowedWarningActions(user) };
  };
}

import { allowedWarningActions, type WarningAction } from '../domain/emergency-actions';
import type { EpisodeEvaluationView, ObligationView, WarningView } from '../domain/emergency-view';
import type { StaffUser } from '../domain/staff-user';
import type { WarningDesk } from './ports';

export interface WarningPage {
  warning: WarningView;
  /** Breached first, then the active ones, then the rest; by enterprise name within each. */
  obligations: ObligationView[];
  /** Obligations by compliance state. */
  compliance: Record<string, number>;
  /** The episode's evaluation once the warning is lifted. */
  evaluation: EpisodeEvaluationView | null;
  allowedActions: WarningAction[];
}

const ORDER: Record<string, number> = { breached: 0, active: 1, self_directed: 2, carried_out: 3 };

/** A warning with the obligations it put on the listed enterprises and their compliance, and the evaluation when lifted. */
export function createReadWarning(warnings: WarningDesk) {
  return async function readWarning(user: StaffUser, warningId: string): Promise<WarningPage> {
    const [warning, obligations] = await Promise.all([warnings.get(user, warningId), warnings.obligations(user, warningId)]);
    const evaluation = warning.status === 'lifted' ? await warnings.evaluation(user, warningId) : null;
    const compliance: Record<string, number> = {};
    for (const obligation of obligations) compliance[obligation.status] = (compliance[obligation.status] ?? 0) + 1;
    const ordered = [...obligations].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9) || a.enterpriseName.localeCompare(b.enterpriseName, 'zh-CN') || a.measure.localeCompare(b.measure));
    return { warning, obligations: ordered, compliance, evaluation, allowedActions: allowedWarningActions(user, warning) };
  };
}

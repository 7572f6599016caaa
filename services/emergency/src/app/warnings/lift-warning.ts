import { notFound } from '@ecogrid/domain-errors';
import { evaluateEpisode, type EpisodeEvaluation, type FactorHours } from '../../domain/warnings/episode-evaluation';
import { liftWarning, type Warning } from '../../domain/warnings/warning';
import { applyTransition } from './apply-transition';
import type { Actor, EnterpriseHour, WarningDependencies } from './ports';

const HOUR_MS = 3_600_000;
/** The baseline is as long as the episode, up to a week (older hours say little about normal operation now). */
export const MAX_BASELINE_MS = 7 * 24 * HOUR_MS;

/** Per enterprise and factor, the hourly means of the baseline hours and of the warning hours. */
function factorHours(hours: readonly EnterpriseHour[], startsAt: Date): FactorHours[] {
  const groups = new Map<string, FactorHours & { baseline: number[]; during: number[] }>();
  for (const hour of hours) {
    if (hour.source !== 'emission') continue;
    const key = `${hour.uscc}/${hour.factorCode}`;
    const group = groups.get(key) ?? { uscc: hour.uscc, factorCode: hour.factorCode, baseline: [], during: [] };
    (hour.hour < startsAt.getTime() ? group.baseline : group.during).push(hour.mean);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Lifts a warning: compliance is checked one last time, the open obligations end (carried out unless breached),
 * and the episode is evaluated — measures ordered, carried out, breached; emissions during the warning against the
 * same number of hours just before it — and stored with the lift, in one transaction.
 */
export function createLiftWarning(deps: WarningDependencies & { checkCompliance: () => Promise<number> }) {
  return async (input: { warningId: string; reason: string }, actor: Actor): Promise<{ warning: Warning; evaluation: EpisodeEvaluation }> => {
    await deps.checkCompliance();
    const now = deps.clock.now();
    return deps.store.inTransaction(async (tx) => {
      await tx.lockEpisodes();
      const current = await tx.warningForUpdate(input.warningId);
      if (!current) throw notFound('warning', input.warningId);
      const transition = liftWarning(current, now);
      const warning = await applyTransition({ tx, directory: deps.directory, transition, actor, reason: input.reason || '预警解除', now });
      const obligations = await tx.obligationsOf(warning.warningId);
      const startsAt = warning.startsAt < now ? warning.startsAt : now;
      const length = Math.min(now.getTime() - startsAt.getTime(), MAX_BASELINE_MS);
      const usccs = [...new Set(obligations.map((obligation) => obligation.uscc))];
      const hours = usccs.length === 0 ? [] : await deps.store.enterpriseHours(usccs, new Date(startsAt.getTime() - length), now);
      const evaluation = evaluateEpisode({ warningId: warning.warningId, peakLevel: warning.peakLevel, startsAt, liftedAt: now, obligations, hours: factorHours(hours.filter((hour) => hour.hour + HOUR_MS <= now.getTime()), startsAt), evaluatedAt: now });
      await tx.saveEvaluation(evaluation);
      await tx.publish([{ kind: 'episode_evaluated', evaluation, drill: warning.drill, at: now }]);
      return { warning, evaluation };
    });
  };
}

import { invalidArgument } from '@ecogrid/domain-errors';
import { issueWarning, type Warning, type WarningOrigin } from '../../domain/warnings/warning';
import { compareLevels, type WarningLevel } from '../../domain/warnings/warning-level';
import { applyTransition, chinaDay, chinaYear } from './apply-transition';
import type { Actor, WarningDependencies } from './ports';

export interface IssueWarningInput {
  level: WarningLevel;
  startsAt?: Date;
  expectedEndAt?: Date;
  reason: string;
  drill: boolean;
  /** `aqi_trigger` when the platform raises it; a person's warning is the city's. */
  origin?: WarningOrigin;
}

/**
 * The city's warning, entered by a dispatcher or an admin. While an episode is active it joins that episode (a
 * stricter level upgrades it). The reduction list in force for the start's year is the one activated.
 */
export function createIssueWarning(deps: WarningDependencies) {
  const issue = createIssue(deps);
  return async (input: IssueWarningInput, actor: Actor): Promise<Warning> => {
    const warning = await issue(input, actor, false);
    if (!warning) throw new Error('a warning that is not conditional was not issued');
    return warning;
  };
}

/**
 * The platform's trigger: issues a warning or upgrades the active episode, and leaves an episode already at that
 * level or stricter alone (undefined). Decided under the episodes' lock, so triggers evaluated at the same moment
 * for different stations' hours raise one warning, not a warning and a spurious 'extended'.
 */
export function createRaiseWarningUnlessCovered(deps: WarningDependencies) {
  const issue = createIssue(deps);
  return (input: IssueWarningInput, actor: Actor): Promise<Warning | undefined> => issue(input, actor, true);
}

function createIssue(deps: WarningDependencies) {
  return async (input: IssueWarningInput, actor: Actor, unlessCovered: boolean): Promise<Warning | undefined> => {
    if (!input.reason.trim()) throw invalidArgument('reason', '请填写预警依据（如市级预警文号） (a reason is required, e.g. the city notice)', 'missing_reason');
    const now = deps.clock.now();
    const startsAt = input.startsAt ?? now;
    const year = chinaYear(startsAt);
    return deps.store.inTransaction(async (tx) => {
      await tx.lockEpisodes();
      const active = await tx.activeWarning(input.drill);
      if (unlessCovered && active && compareLevels(active.level, input.level) >= 0) return undefined;
      const list = await tx.reductionList(year);
      const transition = issueWarning(active, {
        warningId: `HPW-${chinaDay(startsAt).replaceAll('-', '')}-${deps.newId().slice(0, 8)}`,
        level: input.level,
        startsAt,
        ...(input.expectedEndAt ? { expectedEndAt: input.expectedEndAt } : {}),
        reason: input.reason,
        issuedBy: actor.subject,
        origin: input.origin ?? 'city',
        drill: input.drill,
        list: { year, version: list?.version ?? 0 },
      });
      return applyTransition({ tx, directory: deps.directory, transition, actor, reason: input.reason, now });
    });
  };
}

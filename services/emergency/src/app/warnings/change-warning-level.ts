import { notFound } from '@ecogrid/domain-errors';
import { changeWarningLevel, type Warning } from '../../domain/warnings/warning';
import type { WarningLevel } from '../../domain/warnings/warning-level';
import { applyTransition } from './apply-transition';
import type { Actor, WarningDependencies } from './ports';

/** Upgrades or downgrades an active warning: its open obligations end and the new level's start now. */
export function createChangeWarningLevel(deps: WarningDependencies) {
  return async (input: { warningId: string; level: WarningLevel; expectedEndAt?: Date; reason: string }, actor: Actor): Promise<Warning> => {
    const now = deps.clock.now();
    return deps.store.inTransaction(async (tx) => {
      await tx.lockEpisodes();
      const current = await tx.warningForUpdate(input.warningId);
      if (!current) throw notFound('warning', input.warningId);
      const transition = changeWarningLevel(current, input.level, input.reason, input.expectedEndAt);
      return applyTransition({ tx, directory: deps.directory, transition, actor, reason: input.reason || current.reason, now });
    });
  };
}

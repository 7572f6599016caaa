import { MAX_BASELINE_MS } from './lift-warning';
import type { InputCutoffCounts, WarningDependencies } from './ports';

const DAY_MS = 86_400_000;

export interface InputRetention {
  outletHoursKeepDays: number;
  aqiHoursKeepDays: number;
  countedReadingsKeepDays: number;
}

/**
 * Deletes the warnings part's inputs once nothing reads them: without it the outlets' hourly means and the ids of
 * counted readings (one per CEMS reading of a listed enterprise) grow without end. An active warning's evaluation
 * will read its baseline hours (up to a week before it started) and every hour since, so those stay, however long
 * the episode has run.
 */
export function createPruneWarningInputs(deps: Pick<WarningDependencies, 'store' | 'clock'> & { retention: InputRetention }) {
  return async function pruneWarningInputs(): Promise<InputCutoffCounts> {
    const now = deps.clock.now().getTime();
    const earliestActive = await deps.store.earliestActiveStart();
    const keptForEvaluation = earliestActive === undefined ? Number.POSITIVE_INFINITY : earliestActive.getTime() - MAX_BASELINE_MS;
    return deps.store.pruneInputs({
      outletHoursBefore: new Date(Math.min(now - deps.retention.outletHoursKeepDays * DAY_MS, keptForEvaluation)),
      aqiHoursBefore: new Date(now - deps.retention.aqiHoursKeepDays * DAY_MS),
      countedReadingsOlderThanMs: deps.retention.countedReadingsKeepDays * DAY_MS,
    });
  };
}

import type { EarlyWarningPolicy } from './early-warning-policy';

/**
 * A series' early-warning state. `quiet`: no warning; `warning`: raised; `exceeded`: the value is beyond the
 * limit now — an exceedance, which alerting owns, so no early warning is raised until the series has been back
 * within the limit for `rearmAfterReadings` readings.
 */
export type WarningPhase = 'quiet' | 'warning' | 'exceeded';

export interface SeriesWarningState {
  readonly phase: WarningPhase;
  /** Calm readings in a row while raised (hysteresis counter). */
  readonly calmReadings: number;
  /** Readings back within the limit in a row while exceeded. */
  readonly insideReadings: number;
}

export const QUIET: SeriesWarningState = { phase: 'quiet', calmReadings: 0, insideReadings: 0 };

/**
 * Why a warning ended: the forecast no longer says the limit is likely crossed, the limit was reached, or the limit
 * itself changed (the registry's limit of the device, or its classification) so the warning no longer says anything.
 */
export type ClearReason = 'forecast_recovered' | 'limit_reached' | 'limit_changed';

export type WarningTransition = { readonly kind: 'none' } | { readonly kind: 'raised' } | { readonly kind: 'cleared'; readonly reason: Exclude<ClearReason, 'limit_changed'> };

export interface WarningObservation {
  /** The newest value is beyond the limit. */
  readonly beyondNow: boolean;
  /** Highest crossing probability within the horizon; null when the series is too short to forecast. */
  readonly maxProbability: number | null;
}

const NONE: WarningTransition = { kind: 'none' };

/**
 * One reading's step of the state machine. Raising needs `raiseProbability`; clearing needs the probability
 * below the lower `clearProbability` for `clearAfterReadings` readings in a row, so a forecast hovering around
 * the threshold does not flap.
 */
export function nextWarningState(state: SeriesWarningState, observation: WarningObservation, policy: EarlyWarningPolicy): { state: SeriesWarningState; transition: WarningTransition } {
  if (observation.beyondNow) {
    const exceeded: SeriesWarningState = { phase: 'exceeded', calmReadings: 0, insideReadings: 0 };
    return { state: exceeded, transition: state.phase === 'warning' ? { kind: 'cleared', reason: 'limit_reached' } : NONE };
  }
  const probability = observation.maxProbability;
  switch (state.phase) {
    case 'exceeded': {
      const insideReadings = state.insideReadings + 1;
      return { state: insideReadings >= policy.rearmAfterReadings ? QUIET : { ...state, insideReadings }, transition: NONE };
    }
    case 'quiet':
      if (probability !== null && probability >= policy.raiseProbability) return { state: { phase: 'warning', calmReadings: 0, insideReadings: 0 }, transition: { kind: 'raised' } };
      return { state, transition: NONE };
    case 'warning': {
      // A series that can no longer be forecast (window restarted after a gap) counts as calm: no evidence left.
      const calm = probability === null || probability < policy.clearProbability;
      const calmReadings = calm ? state.calmReadings + 1 : 0;
      if (calmReadings >= policy.clearAfterReadings) return { state: QUIET, transition: { kind: 'cleared', reason: 'forecast_recovered' } };
      return { state: { ...state, calmReadings }, transition: NONE };
    }
  }
}

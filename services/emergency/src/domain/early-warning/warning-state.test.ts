import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING_POLICY } from './early-warning-policy';
import { nextWarningState, QUIET, type SeriesWarningState, type WarningObservation } from './warning-state';

const policy = { ...DEFAULT_EARLY_WARNING_POLICY, raiseProbability: 0.6, clearProbability: 0.2, clearAfterReadings: 3, rearmAfterReadings: 2 };

function run(observations: WarningObservation[], start: SeriesWarningState = QUIET): string[] {
  let state = start;
  return observations.map((observation) => {
    const next = nextWarningState(state, observation, policy);
    state = next.state;
    return next.transition.kind === 'cleared' ? `cleared:${next.transition.reason}` : next.transition.kind === 'raised' ? 'raised' : state.phase;
  });
}

const p = (maxProbability: number | null): WarningObservation => ({ beyondNow: false, maxProbability });
const beyond: WarningObservation = { beyondNow: true, maxProbability: null };

describe('the warning state machine', () => {
  it('raises at the raise probability and not below it', () => {
    expect(run([p(0.59), p(0.6)])).toEqual(['quiet', 'raised']);
  });

  it('does not flap: a probability between clear and raise keeps the warning, calm readings must come in a row', () => {
    expect(run([p(0.7), p(0.3), p(0.1), p(0.1), p(0.5), p(0.1), p(0.1), p(0.1)])).toEqual([
      'raised',
      'warning',
      'warning',
      'warning',
      'warning', // 0.5 is above clearProbability: the calm count starts again
      'warning',
      'warning',
      'cleared:forecast_recovered',
    ]);
  });

  it('clears a raised warning when the limit is reached, and stays silent until the series is back within it', () => {
    expect(run([p(0.9), beyond, p(0.9), p(0.9), p(0.9)])).toEqual(['raised', 'cleared:limit_reached', 'exceeded', 'quiet', 'raised']);
  });

  it('raises nothing for an exceedance that came without warning (alerting owns it)', () => {
    expect(run([p(0.1), beyond, beyond])).toEqual(['quiet', 'exceeded', 'exceeded']);
  });

  it('counts a reading without a forecast as calm while raised, and never raises without one', () => {
    expect(run([p(null), p(0.9), p(null), p(null), p(null)])).toEqual(['quiet', 'raised', 'warning', 'warning', 'cleared:forecast_recovered']);
  });
});

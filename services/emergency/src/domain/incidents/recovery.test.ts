import { describe, expect, it } from 'vitest';
import { observeReading, recoveredSince, type RecoveryState } from './recovery';

const LIMITS = { w21003: 1.0, w01018: 20 };
const at = (minute: number): Date => new Date(Date.UTC(2026, 11, 6, 8, minute));
const reading = (mn: string, minute: number, values: Record<string, number>) => ({ mn, at: at(minute), values });

describe('recovery of an incident’s stations', () => {
  it('starts the run under the limits at the first good reading and restarts it after a bad one', () => {
    let state: RecoveryState = {};
    state = observeReading(state, reading('A', 0, { w21003: 3.2 }), LIMITS);
    expect(recoveredSince(state, ['A'])).toBeNull();
    state = observeReading(state, reading('A', 10, { w21003: 0.8, w01018: 12 }), LIMITS);
    state = observeReading(state, reading('A', 20, { w21003: 0.7 }), LIMITS);
    expect(recoveredSince(state, ['A'])).toEqual(at(10));
    state = observeReading(state, reading('A', 30, { w21003: 1.01 }), LIMITS);
    expect(recoveredSince(state, ['A'])).toBeNull();
    state = observeReading(state, reading('A', 40, { w21003: 1.0 }), LIMITS);
    expect(recoveredSince(state, ['A'])).toEqual(at(40));
  });

  it('ignores a late reading and factors without a limit', () => {
    let state: RecoveryState = {};
    state = observeReading(state, reading('A', 10, { w21003: 0.5, w01010: 99 }), LIMITS);
    state = observeReading(state, reading('A', 5, { w21003: 9 }), LIMITS);
    expect(recoveredSince(state, ['A'])).toEqual(at(10));
  });

  it('needs every station under its limits, and counts from the latest of their runs', () => {
    let state: RecoveryState = {};
    state = observeReading(state, reading('A', 10, { w21003: 0.5 }), LIMITS);
    expect(recoveredSince(state, ['A', 'B'])).toBeNull();
    state = observeReading(state, reading('B', 15, { w21003: 0.5 }), LIMITS);
    expect(recoveredSince(state, ['A', 'B'])).toEqual(at(15));
  });
});

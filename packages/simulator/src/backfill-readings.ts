import type { SimulatedDevice } from './device';
import { generateReadings, type FactorReading } from './readings';
import { seededRandom } from './random';

export const HOUR_MS = 3_600_000;

/**
 * One back-filled hour record of a station in the episode: the hour's means with the episode's factor raised, all
 * flagged N. Drawn from a random stream of its own per station and hour, so a second run sends the same values for
 * the same hour (and ingest's observation id, MN + CN + DataTime, makes it the same observation).
 */
export function backfillReadings(device: SimulatedDevice, hourStartMs: number, backfill: { code: string; multiple: number }, seed: string): FactorReading[] {
  const random = seededRandom(`${seed}:${device.mn}:backfill:${hourStartMs}`);
  const state = { exceedance: { code: backfill.code, untilMs: hourStartMs + HOUR_MS, multiple: backfill.multiple } };
  return generateReadings(device, hourStartMs, HOUR_MS, state, random, { exceedanceProbability: 0, exceedanceDurationMs: 0, abnormalFlagProbability: 0 });
}

import type { DeviceCategory } from './device';
import { curveFor, curveValue, type FactorCurve } from './factor-curves';
import { gaussian, seededRandom } from './random';

/**
 * A replayable series with drifting pollution episodes and their labelled crossings, for measuring early warning.
 *
 * The simulator's own exceedance episodes (readings.ts) jump to a multiple of the limit from one reading to the next:
 * right for testing alerting, but nothing can see a jump coming. Here the same baseline curves (factor-curves.ts,
 * with their daily shape) carry AR(1) noise — instrument readings a minute apart are correlated — and episodes that
 * ramp towards the limit, hold, and recover:
 * - `crossing` episodes peak beyond the limit (1.1–1.6 × an upper limit, or as far below a lower limit such as DO);
 * - `near_miss` episodes rise 50–85 % of the way from the baseline to the limit and turn back — the cases that tempt a
 *   trend model into a false alarm.
 * Crossings are labelled from the generated values themselves (not from the episode plan): a value beyond the limit
 * after `rearmReadings` values within it, so noise crossing on its own counts too.
 */
export interface DriftingSeriesOptions {
  /** Which baseline curves to use (water, ambient air, flue gas). */
  category: DeviceCategory;
  /** HJ 212-2017 factor code, e.g. `w01018` (COD), `w01009` (DO), `a21005` (CO). */
  code: string;
  /** The limit the episodes drift towards, in the curve's unit. */
  limit: number;
  /** `upper`: beyond means above (COD, NH3-N, gases); `lower`: beyond means below (DO). */
  direction: 'upper' | 'lower';
  startMs: number;
  stepMs: number;
  steps: number;
  seed: number | string;
  /** Episodes per day of series time (default 3); each is a crossing or a near miss with equal chance. */
  episodesPerDay?: number;
  /** Ramp duration range in steps (default 30–180: half an hour to three hours of minute data). */
  rampSteps?: readonly [number, number];
  /** Lag-one autocorrelation of the noise (default 0.8). */
  noiseCorrelation?: number;
  /** Values within the limit needed before another crossing is labelled (default 5). */
  rearmReadings?: number;
}

export interface PlannedEpisode {
  kind: 'crossing' | 'near_miss';
  startMs: number;
  /** When the ramp reaches its peak. */
  peakMs: number;
  /** The peak holds until here, then recovers linearly until `endMs`. */
  holdUntilMs: number;
  endMs: number;
  /** The value the episode drifts to (before noise). */
  peakValue: number;
}

export interface DriftingSeries {
  points: Array<{ atMs: number; value: number }>;
  crossingsMs: number[];
  episodes: PlannedEpisode[];
}

const DAY_MS = 86_400_000;

function baselineCurve(options: DriftingSeriesOptions): FactorCurve {
  // curveFor keeps an upper-limited baseline well under its limit; a lower limit (DO) must not be passed as one.
  const curve = options.direction === 'upper' ? curveFor(options.category, options.code, options.limit) : curveFor(options.category, options.code);
  if (options.direction === 'lower' && curve.base <= options.limit * 1.2) return { ...curve, base: options.limit * 1.45 };
  return curve;
}

export function generateDriftingSeries(options: DriftingSeriesOptions): DriftingSeries {
  const random = seededRandom(options.seed);
  const curve = baselineCurve(options);
  const [minRamp, maxRamp] = options.rampSteps ?? [30, 180];
  const correlation = options.noiseCorrelation ?? 0.8;
  const rearm = options.rearmReadings ?? 5;
  const endMs = options.startMs + options.steps * options.stepMs;
  const episodeCount = Math.max(1, Math.round(((options.episodesPerDay ?? 3) * options.steps * options.stepMs) / DAY_MS));

  // Episodes sit in equal slots with a random offset, so they never overlap and a series of any length gets its share.
  const slotMs = (endMs - options.startMs) / episodeCount;
  const episodes: PlannedEpisode[] = [];
  for (let index = 0; index < episodeCount; index++) {
    const rampMs = (minRamp + Math.floor(random() * (maxRamp - minRamp + 1))) * options.stepMs;
    const holdMs = rampMs * (0.3 + random() * 0.4);
    const recoverMs = rampMs * (0.6 + random() * 0.6);
    const lengthMs = rampMs + holdMs + recoverMs;
    const slack = Math.max(0, slotMs - lengthMs - 60 * options.stepMs);
    const startMs = options.startMs + index * slotMs + 30 * options.stepMs + random() * slack;
    const crossing = random() < 0.5;
    const base = curveValue(curve, startMs + rampMs);
    const towards = options.limit - base;
    const peakValue = crossing ? base + towards * (1 + ((0.1 + random() * 0.5) * options.limit) / Math.abs(towards)) : base + towards * (0.5 + random() * 0.35);
    episodes.push({ kind: crossing ? 'crossing' : 'near_miss', startMs, peakMs: startMs + rampMs, holdUntilMs: startMs + rampMs + holdMs, endMs: startMs + lengthMs, peakValue });
  }

  const innovationScale = Math.sqrt(1 - correlation * correlation);
  let noise = gaussian(random);
  const points: DriftingSeries['points'] = [];
  for (let step = 0; step < options.steps; step++) {
    const atMs = options.startMs + step * options.stepMs;
    noise = correlation * noise + innovationScale * gaussian(random);
    const base = curveValue(curve, atMs);
    let value = base * (1 + curve.noise * noise);
    const episode = episodes.find((item) => atMs >= item.startMs && atMs < item.endMs);
    if (episode) {
      const peakBase = curveValue(curve, episode.peakMs);
      const fullDelta = episode.peakValue - peakBase;
      const share =
        atMs < episode.peakMs
          ? (atMs - episode.startMs) / (episode.peakMs - episode.startMs)
          : atMs < episode.holdUntilMs
            ? 1
            : 1 - (atMs - episode.holdUntilMs) / (episode.endMs - episode.holdUntilMs);
      value += fullDelta * Math.max(0, Math.min(1, share)) * (1 + curve.noise * noise * 0.5);
    }
    value = Math.max(curve.min, curve.max === undefined ? value : Math.min(value, curve.max));
    points.push({ atMs, value: Number(value.toFixed(curve.decimals + 1)) });
  }

  const beyond = (value: number): boolean => (options.direction === 'upper' ? value > options.limit : value < options.limit);
  const crossingsMs: number[] = [];
  let inside = rearm;
  for (const point of points) {
    if (beyond(point.value)) {
      if (inside >= rearm) crossingsMs.push(point.atMs);
      inside = 0;
    } else inside += 1;
  }
  return { points, crossingsMs, episodes };
}

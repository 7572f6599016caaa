import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateDriftingSeries, generateReadings, seededRandom, type BehaviourState, type SimulatedDevice } from '@ecogrid/simulator';
import { DEFAULT_EARLY_WARNING_POLICY, DEFAULT_HOURLY_EARLY_WARNING_POLICY, type EarlyWarningPolicy } from '../domain/early-warning/early-warning-policy';
import { combineEvaluations, evaluateWarnings, summarizeLeadTimes, type WarningEvaluation } from '../domain/early-warning/evaluate-warnings';
import { classifyDevice, type MonitoredFactor } from '../domain/early-warning/monitored-series';
import { replaySeries, type LabelledSeries } from '../domain/early-warning/replay-series';
import { isBeyondLimit, type SeriesLimit } from '../domain/early-warning/series-limit';

/**
 * The early-warning evaluation: replays series with known crossings through the same tracker the service runs and
 * scores its warnings. Three sets, all seeded (the same figures on every run):
 * - `simulator-drift`: the simulator's drifting-episode generator on GB 3838 class III water factors (COD, NH3-N,
 *   TP, DO falling to its floor, pH) and on CO/SO2 at a toxic-gas monitor — crossing and near-miss episodes;
 * - `yanhu-drift`: the Yanhu demo's 姚暹渠曾家营 section (its registered factors and limits, classified as the
 *   service classifies it) with the same drifting episodes;
 * - `yanhu-steps`: that section's minute values as the demo simulator produces them, with its own exceedance
 *   episodes — jumps to 1.15–2 × the limit from one reading to the next. No trend model can see a jump coming; the
 *   set shows what the early warning does not do (alerting catches those) and that it raises few false alarms there;
 * - `simulator-drift-hourly`: the drifting generator on hourly data (ramps of 6–36 h, one episode every four days),
 *   through the hourly policy: 6 h ahead, a hit needs the warning an hour before the crossing.
 */
export interface ReplayOptions {
  readonly days: number;
  readonly seeds: readonly number[];
  readonly policy: EarlyWarningPolicy;
  /** A crossing counts as warned only with a warning up this long before it. */
  readonly minLeadMinutes: number;
  readonly startMs: number;
  /** Hourly data: its policy, how many days, and its minimum lead. */
  readonly hourlyPolicy: EarlyWarningPolicy;
  readonly hourlyDays: number;
  readonly hourlyMinLeadMinutes: number;
}

export const DEFAULT_REPLAY_OPTIONS: ReplayOptions = {
  days: 7,
  seeds: [1, 2, 3],
  policy: DEFAULT_EARLY_WARNING_POLICY,
  minLeadMinutes: 10,
  // A fixed start: the daily shapes of the simulator's curves depend on the hour, so the figures do not depend on today.
  startMs: Date.UTC(2026, 10, 30, 16, 0),
  hourlyPolicy: DEFAULT_HOURLY_EARLY_WARNING_POLICY,
  hourlyDays: 120,
  hourlyMinLeadMinutes: 60,
};

export interface ReplaySetResult {
  readonly name: string;
  readonly description: string;
  readonly series: number;
  readonly horizonMinutes: number;
  readonly minLeadMinutes: number;
  readonly evaluation: WarningEvaluation;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;

/** The Yanhu demo's water station as the registry seeds it (services/registry/data/yanhu/devices.csv). */
export function readYanhuWaterStation(devicesCsv = resolve(__dirname, '../../../registry/data/yanhu/devices.csv')): { mn: string; name: string; factors: Array<{ code: string; unit: string; limit?: number }> } {
  const row = readFileSync(devicesCsv, 'utf8')
    .split('\n')
    .map((line) => line.split(','))
    .find((cells) => cells[2] === 'water_station');
  if (!row) throw new Error(`no water_station in ${devicesCsv}`);
  const factors = (row[7] ?? '').split(';').map((entry) => {
    const [code = '', unit = '', limit] = entry.split(':');
    return limit ? { code, unit, limit: Number(limit) } : { code, unit };
  });
  return { mn: row[0] ?? '', name: row[1] ?? '', factors };
}

function direction(limit: SeriesLimit): { bound: number; direction: 'upper' | 'lower' } {
  if (limit.kind === 'upper') return { bound: limit.value, direction: 'upper' };
  if (limit.kind === 'lower') return { bound: limit.value, direction: 'lower' };
  // pH: drift towards the upper end of 6–9, where alkaline discharges push it.
  return { bound: limit.high, direction: 'upper' };
}

function driftSeries(id: string, category: 'water' | 'ambient_air', factor: MonitoredFactor, seed: number, options: ReplayOptions, hourly = false): LabelledSeries {
  const { bound, direction: towards } = direction(factor.limit);
  const stepMs = hourly ? HOUR : MINUTE;
  const generated = generateDriftingSeries({
    category,
    code: factor.code,
    limit: bound,
    direction: towards,
    startMs: options.startMs,
    stepMs,
    steps: hourly ? options.hourlyDays * 24 : options.days * 1_440,
    seed: `${id}:${seed}`,
    rearmReadings: (hourly ? options.hourlyPolicy : options.policy).rearmAfterReadings,
    ...(hourly ? { episodesPerDay: 0.25, rampSteps: [6, 36] as const } : {}),
  });
  return { id: `${id}:${seed}`, stepMs, limit: factor.limit, points: generated.points, crossingsMs: generated.crossingsMs };
}

/** Crossings labelled from the values: beyond the limit after `rearm` readings within it (the tracker's own rule). */
function labelCrossings(points: LabelledSeries['points'], limit: SeriesLimit, rearm: number): number[] {
  const crossings: number[] = [];
  let inside = rearm;
  for (const point of points) {
    if (isBeyondLimit(limit, point.value)) {
      if (inside >= rearm) crossings.push(point.atMs);
      inside = 0;
    } else inside += 1;
  }
  return crossings;
}

function stepSeries(station: SimulatedDevice, factors: readonly MonitoredFactor[], seed: number, options: ReplayOptions): LabelledSeries[] {
  const random = seededRandom(`yanhu-steps:${seed}`);
  const state: BehaviourState = {};
  const values = new Map<string, Array<{ atMs: number; value: number }>>(factors.map((factor) => [factor.code, []]));
  // The demo simulator's defaults (create-simulator.ts): 0.2 % per real-time upload, 15 min per episode.
  const behaviour = { exceedanceProbability: 0.002, exceedanceDurationMs: 15 * MINUTE, abnormalFlagProbability: 0 };
  for (let step = 0; step < options.days * 1_440; step++) {
    const atMs = options.startMs + step * MINUTE;
    for (const reading of generateReadings(station, atMs, 0, state, random, behaviour)) values.get(reading.code)?.push({ atMs, value: reading.value });
  }
  return factors.map((factor) => {
    const points = values.get(factor.code) ?? [];
    return { id: `yanhu-steps:${factor.code}:${seed}`, stepMs: MINUTE, limit: factor.limit, points, crossingsMs: labelCrossings(points, factor.limit, options.policy.rearmAfterReadings) };
  });
}

function score(name: string, description: string, series: readonly LabelledSeries[], policy: EarlyWarningPolicy, stepMs: number, minLeadMinutes: number): ReplaySetResult {
  const window = { horizonMs: policy.horizonSteps * stepMs, minLeadMs: minLeadMinutes * MINUTE };
  const evaluation = combineEvaluations(series.map((item) => evaluateWarnings(item.crossingsMs, replaySeries(item, policy), window)));
  return { name, description, series: series.length, horizonMinutes: window.horizonMs / MINUTE, minLeadMinutes, evaluation };
}

export function runEarlyWarningReplay(options: ReplayOptions = DEFAULT_REPLAY_OPTIONS): ReplaySetResult[] {
  const classIII = classifyDevice({
    mn: 'simulated-class-iii',
    kind: 'water_station',
    factors: ['w01018', 'w21003', 'w21011', 'w01009', 'w01001'].map((code) => ({ code, unit: 'mg/L' })),
  });
  const toxic = classifyDevice({
    mn: 'simulated-toxic-gas',
    kind: 'air_station',
    factors: [
      { code: 'a21005', unit: 'mg/m3' },
      { code: 'a21026', unit: 'ug/m3' },
    ],
    riskSource: { id: 'RSK', name: 'simulated', distanceM: 300 },
  });
  const yanhu = readYanhuWaterStation();
  const yanhuWatched = classifyDevice({ mn: yanhu.mn, kind: 'water_station', factors: yanhu.factors });
  if (!classIII || !toxic || !yanhuWatched) throw new Error('replay devices are not classified as watched');

  const simulatorDrift = options.seeds.flatMap((seed) => [
    ...classIII.factors.map((factor) => driftSeries(`simulator-drift:${factor.code}`, 'water', factor, seed, options)),
    ...toxic.factors.map((factor) => driftSeries(`simulator-drift:${factor.code}`, 'ambient_air', factor, seed, options)),
  ]);
  const yanhuDrift = options.seeds.flatMap((seed) => yanhuWatched.factors.map((factor) => driftSeries(`yanhu-drift:${factor.code}`, 'water', factor, seed, options)));
  const station: SimulatedDevice = {
    mn: yanhu.mn,
    password: '',
    systemCode: '21',
    category: 'water',
    profile: '2017',
    factors: yanhu.factors.map((factor) => (factor.limit === undefined ? { code: factor.code } : { code: factor.code, limit: factor.limit })),
  };
  const yanhuSteps = options.seeds.flatMap((seed) => stepSeries(station, yanhuWatched.factors, seed, options));

  const hourlyDrift = options.seeds.flatMap((seed) => classIII.factors.map((factor) => driftSeries(`simulator-drift-hourly:${factor.code}`, 'water', factor, seed, options, true)));

  const minute = (name: string, description: string, series: readonly LabelledSeries[]) => score(name, description, series, options.policy, MINUTE, options.minLeadMinutes);
  return [
    minute('simulator-drift', '模拟器漂移过程（GB 3838 III 类水质因子 + 有毒气体 CO/SO2，分钟数据）/ simulator drifting episodes, minute data', simulatorDrift),
    minute('yanhu-drift', `盐湖示范 ${yanhu.name}（登记限值）漂移过程 / Yanhu demo section, drifting episodes`, yanhuDrift),
    minute('yanhu-steps', `盐湖示范 ${yanhu.name} 模拟器阶跃超标 / Yanhu demo section, the simulator's step exceedances`, yanhuSteps),
    score('simulator-drift-hourly', '模拟器漂移过程（GB 3838 III 类水质因子，小时数据）/ simulator drifting episodes, hourly data', hourlyDrift, options.hourlyPolicy, HOUR, options.hourlyMinLeadMinutes),
  ];
}

const percent = (rate: number | null): string => (rate === null ? '—' : `${(rate * 100).toFixed(1)}%`);
const minutes = (ms: number | null): string => (ms === null ? '—' : (ms / MINUTE).toFixed(0));

/** The report as printed: one block per set, every figure labelled so a reader (and the test) can pick it out. */
export function formatReplayReport(results: readonly ReplaySetResult[], options: ReplayOptions = DEFAULT_REPLAY_OPTIONS): string {
  const lines = [
    `预警评估 / early-warning evaluation: minute data ${options.days} d, hourly data ${options.hourlyDays} d, seeds ${options.seeds.join(',')}; hit = a warning up at least the minimum lead before the crossing`,
  ];
  const minuteSets = results.filter((item) => item.horizonMinutes === options.policy.horizonSteps);
  const all = { name: 'all-minute', description: '分钟数据合计 / all minute-data sets', series: minuteSets.reduce((sum, item) => sum + item.series, 0), horizonMinutes: options.policy.horizonSteps, minLeadMinutes: options.minLeadMinutes, evaluation: combineEvaluations(minuteSets.map((item) => item.evaluation)) };
  for (const result of [...results, all]) {
    const { evaluation } = result;
    const leads = summarizeLeadTimes(evaluation.leadTimesMs);
    lines.push(
      `[${result.name}] ${result.description} — horizon ${result.horizonMinutes} min, min lead ${result.minLeadMinutes} min`,
      `  series=${result.series} crossings=${evaluation.crossings} hits=${evaluation.hits} hit_rate=${percent(evaluation.hitRate)} warnings=${evaluation.warnings} false_alarms=${evaluation.falseAlarms} false_alarm_rate=${percent(evaluation.falseAlarmRate)}`,
      `  lead_min: n=${leads.count} min=${minutes(leads.minMs)} p10=${minutes(leads.p10Ms)} p50=${minutes(leads.p50Ms)} p90=${minutes(leads.p90Ms)} max=${minutes(leads.maxMs)}`,
    );
  }
  return lines.join('\n');
}

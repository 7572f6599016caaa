import { assessAmbient, computeAqi, type AqiIndicator, type AmbientPollutant } from '@ecogrid/standards';
import { AQI_FACTORS, FACTOR_OF_POLLUTANT, POLLUTANTS_WITH_LIMIT, toAmbientUnit } from './ambient-pollutants';
import type { DeviceState, PollutantAccumulator, StationState } from './device-state';
import type { Evidence, Observation, StationAqi } from './model';
import { factorName, runEpisode, type EvaluationContext, type Emitted } from './rule-runner';

export const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const hourStartOf = (time: number): number => Math.floor(time / HOUR) * HOUR;

type HourSource = 'hourly_data' | 'aggregated_realtime';

function stationOf(state: DeviceState): StationState {
  state.station ??= { open: {}, hourly: {}, published: {} };
  return state.station;
}

function unitOf(context: EvaluationContext, factorCode: string, reported: string): string {
  return context.device?.factors.find((factor) => factor.factorCode === factorCode)?.unit ?? reported;
}

/** Valid (flag N) values of the AQI pollutants in an observation, of the given value kind, in ambient units. */
function pollutantValues(observation: Observation, kind: string, context: EvaluationContext): Map<string, { value: number; evidence: Evidence }> {
  const values = new Map<string, { value: number; evidence: Evidence }>();
  for (const measurement of observation.measurements) {
    const pollutant = AQI_FACTORS[measurement.factorCode];
    if (!pollutant || measurement.kind !== kind || measurement.flag !== 'N' || values.has(pollutant) || measurement.value < 0) continue;
    values.set(pollutant, {
      value: toAmbientUnit(pollutant, measurement.value, unitOf(context, measurement.factorCode, measurement.unit)),
      evidence: {
        observationId: observation.id,
        dataTime: observation.dataTime,
        value: measurement.value,
        flag: measurement.flag,
        valueKind: measurement.kind,
        command: observation.command,
        matched: false,
      },
    });
  }
  return values;
}

const minuteBit = (accumulator: PollutantAccumulator, minute: number): void => {
  if (minute < 30) accumulator.lo |= 1 << minute;
  else accumulator.hi |= 1 << (minute - 30);
};

const bitCount = (word: number): number => {
  let count = 0;
  for (let bits = word >>> 0; bits !== 0; bits &= bits - 1) count += 1;
  return count;
};

/**
 * A station observation: hourly data (2061) is an hour's means; real-time (2011) and minute (2051) values are
 * accumulated until a reading from a later hour (or the sweep) closes the hour; daily data (2031) is judged
 * against the 24-hour limits.
 */
export function evaluateStationObservation(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  const station = stationOf(state);
  const hourStart = hourStartOf(observation.dataTime);
  switch (observation.command) {
    case '2061': {
      const values = pollutantValues(observation, 'Avg', context);
      if (values.size > 0) acceptHour(state, hourStart, values, 'hourly_data', context, out);
      return;
    }
    case '2011':
    case '2051': {
      closeHoursBefore(state, hourStart, context, out);
      const key = String(hourStart);
      // A reading in order for its command may still fall in an hour closed short of minutes (the other command moved on).
      if (station.incomplete?.[key]) {
        acceptLateMinutes(state, observation, hourStart, context, out);
        return;
      }
      const values = pollutantValues(observation, observation.command === '2011' ? 'Rtd' : 'Avg', context);
      if (values.size === 0) return;
      const hour = (station.open[key] ??= {});
      const minute = Math.floor((observation.dataTime - hourStart) / 60_000);
      for (const [pollutant, { value }] of values) {
        const accumulator = (hour[pollutant] ??= { sum: 0, n: 0, lo: 0, hi: 0 });
        accumulator.sum += value;
        accumulator.n += 1;
        minuteBit(accumulator, minute);
      }
      return;
    }
    case '2031': {
      for (const [pollutant, { value, evidence }] of pollutantValues(observation, 'Avg', context)) {
        judgeAmbient(state, pollutant, '24h', value, observation.dataTime, [evidence], 'day_avg', context, out);
      }
      return;
    }
    default:
      return;
  }
}

/**
 * A late station observation (see evaluateObservation): hourly data completes or revises its hour's AQI; minute
 * and real-time values are added to their hour if it is still open, or to the hour kept because it closed short of
 * minutes, which is published again once a pollutant reaches the coverage. Ambient limits are not judged: their
 * episodes run in hour order, and the hour is long past. Daily data changes nothing late.
 */
export function evaluateLateStationObservation(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  const hourStart = hourStartOf(observation.dataTime);
  if (hourStart <= hourStartOf(state.lastSeenData) - 2 * DAY) return;
  switch (observation.command) {
    case '2061': {
      const values = pollutantValues(observation, 'Avg', context);
      if (values.size > 0) acceptHour(state, hourStart, values, 'hourly_data', context, out, true);
      return;
    }
    case '2011':
    case '2051':
      acceptLateMinutes(state, observation, hourStart, context, out);
      return;
    default:
      return;
  }
}

const hasMinute = (accumulator: PollutantAccumulator, minute: number): boolean => (minute < 30 ? (accumulator.lo & (1 << minute)) !== 0 : (accumulator.hi & (1 << (minute - 30))) !== 0);
const coveredMinutes = (accumulator: PollutantAccumulator): number => bitCount(accumulator.lo) + bitCount(accumulator.hi);

function acceptLateMinutes(state: DeviceState, observation: Observation, hourStart: number, context: EvaluationContext, out: Emitted): void {
  const station = stationOf(state);
  const key = String(hourStart);
  const values = pollutantValues(observation, observation.command === '2011' ? 'Rtd' : 'Avg', context);
  if (values.size === 0) return;
  const minute = Math.floor((observation.dataTime - hourStart) / 60_000);
  const open = station.open[key];
  if (open) {
    // Not closed yet: the hour closes with it in the usual way.
    for (const [pollutant, { value }] of values) {
      const accumulator = (open[pollutant] ??= { sum: 0, n: 0, lo: 0, hi: 0 });
      if (hasMinute(accumulator, minute)) continue;
      accumulator.sum += value;
      accumulator.n += 1;
      minuteBit(accumulator, minute);
    }
    return;
  }
  const published = station.published[key];
  // The station's own hourly data stands; an hour published with every pollutant covered is complete.
  if (published?.source === 'hourly_data') return;
  let hour = station.incomplete?.[key];
  if (!hour) {
    if (published) return;
    // An hour the device missed entirely: the back-filled minutes are all it will have.
    hour = (station.incomplete ??= {})[key] = {};
  }
  const minimum = context.rules.source.aqi.minCoveredMinutes;
  let completed = false;
  for (const [pollutant, { value }] of values) {
    const accumulator = (hour[pollutant] ??= { sum: 0, n: 0, lo: 0, hi: 0 });
    // A minute already counted (the other command, or a re-send) changes nothing.
    if (hasMinute(accumulator, minute)) continue;
    const before = coveredMinutes(accumulator);
    accumulator.sum += value;
    accumulator.n += 1;
    minuteBit(accumulator, minute);
    if (before < minimum && coveredMinutes(accumulator) >= minimum) completed = true;
  }
  if (!completed) return;
  const means = hourMeans(state.mn, hourStart, hour, minimum);
  if (Object.values(hour).every((accumulator) => coveredMinutes(accumulator) >= minimum)) delete station.incomplete?.[key];
  acceptHour(state, hourStart, means, 'aggregated_realtime', context, out, true);
}

/** Means of the pollutants of an hour with at least `minimum` covered minutes. */
function hourMeans(mn: string, start: number, hour: Record<string, PollutantAccumulator>, minimum: number): Map<string, { value: number; evidence: Evidence }> {
  const values = new Map<string, { value: number; evidence: Evidence }>();
  for (const [pollutant, accumulator] of Object.entries(hour)) {
    if (coveredMinutes(accumulator) < minimum) continue;
    const mean = accumulator.sum / accumulator.n;
    values.set(pollutant, {
      value: mean,
      evidence: { observationId: `${mn}:hour:${new Date(start).toISOString()}`, dataTime: start, value: mean, flag: 'N', valueKind: 'hour_avg', command: '2011', matched: false },
    });
  }
  return values;
}

/** Closes every open hour that started before `hourStart`. */
export function closeHoursBefore(state: DeviceState, hourStart: number, context: EvaluationContext, out: Emitted): void {
  const station = state.station;
  if (!station) return;
  for (const key of Object.keys(station.open).sort()) {
    const start = Number(key);
    if (start >= hourStart) continue;
    const hour = station.open[key] ?? {};
    delete station.open[key];
    const minimum = context.rules.source.aqi.minCoveredMinutes;
    const values = hourMeans(state.mn, start, hour, minimum);
    // Short of minutes (an outage inside the hour): kept, so back-filled minutes can still complete it.
    if (values.size < Object.keys(hour).length) (station.incomplete ??= {})[key] = hour;
    if (values.size > 0) acceptHour(state, start, values, 'aggregated_realtime', context, out);
  }
}

/**
 * One station-hour of means. The first source judges the ambient rules (live only) and publishes AQI revision 1;
 * the station's own hourly data arriving after an aggregate replaces it as the next revision, and so does an
 * aggregate that late minutes completed further. Anything else for a published hour is a repeat and changes nothing.
 */
function acceptHour(state: DeviceState, hourStart: number, values: Map<string, { value: number; evidence: Evidence }>, source: HourSource, context: EvaluationContext, out: Emitted, late = false): void {
  const station = stationOf(state);
  const key = String(hourStart);
  const previous = station.published[key];
  if (previous && !(previous.source === 'aggregated_realtime' && (source === 'hourly_data' || late))) return;
  if (source === 'hourly_data' && station.incomplete) delete station.incomplete[key];
  for (const [pollutant, { value }] of values) (station.hourly[pollutant] ??= {})[key] = value;
  if (!previous && !late) {
    for (const [pollutant, { value, evidence }] of values) {
      judgeAmbient(state, pollutant, '1h', value, hourStart, [evidence], 'hour_avg', context, out);
      if (pollutant === 'O3') {
        const o3 = movingMean(station, 'O3', hourStart, 8, 6);
        if (o3 !== null) judgeAmbient(state, 'O3', '8h', o3, hourStart, [evidence], '8h_avg', context, out);
      }
    }
  }
  const revision = (previous?.revision ?? 0) + 1;
  station.published[key] = { source, revision };
  prune(station, hourStart);
  if (context.device && context.rules.aqiKinds.has(context.device.kind)) {
    const aqi = stationAqi(state, hourStart, source, revision);
    if (aqi) out.aqi.push(aqi);
  }
}

function prune(station: StationState, newest: number): void {
  for (const series of Object.values(station.hourly)) {
    for (const key of Object.keys(series)) if (Number(key) <= newest - DAY) delete series[key];
  }
  for (const key of Object.keys(station.published)) if (Number(key) <= newest - 2 * DAY) delete station.published[key];
  if (station.incomplete) for (const key of Object.keys(station.incomplete)) if (Number(key) <= newest - 2 * DAY) delete station.incomplete[key];
}

/** Mean of the hourly values of the `hours` hours ending with `hourStart`, when at least `minimum` exist. */
function movingMean(station: StationState, pollutant: string, hourStart: number, hours: number, minimum: number): number | null {
  const series = station.hourly[pollutant];
  if (!series) return null;
  let sum = 0;
  let count = 0;
  for (let index = 0; index < hours; index += 1) {
    const value = series[String(hourStart - index * HOUR)];
    if (value === undefined) continue;
    sum += value;
    count += 1;
  }
  return count >= minimum ? sum / count : null;
}

const PERIOD_ZH: Record<string, string> = { '1h': '1 小时', '8h': '8 小时滑动', '24h': '24 小时' };

function judgeAmbient(
  state: DeviceState,
  pollutant: string,
  period: '1h' | '8h' | '24h',
  value: number,
  time: number,
  evidence: Evidence[],
  valueKind: string,
  context: EvaluationContext,
  out: Emitted,
): void {
  const device = context.device;
  if (!device || !POLLUTANTS_WITH_LIMIT[period].has(pollutant)) return;
  for (const rule of context.rules.ambient) {
    if (rule.period !== period || !rule.kinds.has(device.kind)) continue;
    const assessment = assessAmbient({ pollutant: pollutant as AmbientPollutant, period, concentration: round(value, pollutant === 'CO' ? 3 : 1), zoneClass: rule.zoneClass, date: new Date(time) });
    const limit = Number(assessment.limit);
    const matched = !assessment.compliant;
    const factorCode = FACTOR_OF_POLLUTANT[pollutant] ?? pollutant;
    const sampleEvidence = evidence.map((item) => ({ ...item, matched }));
    runEpisode(
      state,
      rule,
      `${factorCode}|${period}`,
      () => ({
        kind: 'ambient_limit',
        ruleId: rule.id,
        ruleVersion: rule.version,
        baseSeverity: rule.severity,
        deviceMn: state.mn,
        enterpriseUscc: device.enterpriseUscc || state.enterpriseUscc,
        cellId: device.cellId || state.cellId,
        townshipCode: device.townshipCode || state.townshipCode,
        factorCode,
        limit,
        unit: assessment.unit,
        valueKind,
        averagingPeriod: period,
        dataFlag: '',
        limitSource: `${assessment.standard}${assessment.phase ? ` ${assessment.phase}` : ''} grade ${assessment.grade === 1 ? 'I' : 'II'}`,
        summary: `${factorName(factorCode)}${PERIOD_ZH[period] ?? period}平均浓度超过 GB 3095 ${assessment.grade === 1 ? '一' : '二'}级限值`,
      }),
      { matched, time, value, multiple: assessment.exceedanceMultiple ?? 0, evidence: sampleEvidence[sampleEvidence.length - 1] as Evidence },
      context,
      out,
      { updateOnPeak: true },
    );
  }
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/** Concentrations of one station-hour for the hourly report of the HJ 633 edition in force for that hour. */
function stationAqi(state: DeviceState, hourStart: number, source: HourSource, revision: number): StationAqi | null {
  const station = stationOf(state);
  const hourValue = (pollutant: string): number | null => station.hourly[pollutant]?.[String(hourStart)] ?? null;
  const aqiValue = (value: number | null, pollutant: string): number | null => (value === null ? null : round(value, pollutant === 'CO' ? 2 : 1));
  const concentrations: Partial<Record<AqiIndicator, number | null>> = {
    SO2_1h: aqiValue(hourValue('SO2'), 'SO2'),
    NO2_1h: aqiValue(hourValue('NO2'), 'NO2'),
    CO_1h: aqiValue(hourValue('CO'), 'CO'),
    O3_1h: aqiValue(hourValue('O3'), 'O3'),
    PM10_1h: aqiValue(hourValue('PM10'), 'PM10'),
    PM25_1h: aqiValue(hourValue('PM2.5'), 'PM2.5'),
    // HJ 633-2012 hourly reports rate PM by 24-hour and O3 also by 8-hour moving means (GB 3095 validity: ≥ 20 and ≥ 6 hours).
    PM10_24h: aqiValue(movingMean(station, 'PM10', hourStart, 24, 20), 'PM10'),
    PM25_24h: aqiValue(movingMean(station, 'PM2.5', hourStart, 24, 20), 'PM2.5'),
    SO2_24h: aqiValue(movingMean(station, 'SO2', hourStart, 24, 20), 'SO2'),
    O3_8h: aqiValue(movingMean(station, 'O3', hourStart, 8, 6), 'O3'),
  };
  const result = computeAqi({ date: new Date(hourStart), report: 'hourly', concentrations, aboveScale: 'cap' });
  if (result.aqi === null || result.category === null) return null;
  return {
    stationMn: state.mn,
    hourStart,
    aqi: result.aqi,
    category: result.category.name,
    categoryLevel: result.category.level,
    primaryPollutants: result.primaryPollutants,
    indexes: result.iaqis.map((iaqi) => ({
      pollutant: iaqi.pollutant,
      indicator: iaqi.indicator,
      concentration: Number(iaqi.concentration),
      iaqi: iaqi.iaqi,
      aboveScale: iaqi.aboveScale,
    })),
    standard: result.version === 'HJ633-2026' ? 'HJ 633-2026' : 'HJ 633-2012',
    source,
    complete: result.complete,
    publishable: result.publishable,
    missingIndicators: result.missing,
    revision,
    cellId: state.cellId,
    townshipCode: state.townshipCode,
  };
}

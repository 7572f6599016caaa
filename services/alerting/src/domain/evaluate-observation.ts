import { DATA_FLAGS_2017 } from '@ecogrid/standards';
import type { DeviceState } from './device-state';
import { alertIdOf, episodeSeverity, type AlertSubject } from './episode';
import { LATENESS_WINDOWS, markBehind, markInOrder, newSlotRing, type LatenessWindow, type SlotRing } from './evaluated-slots';
import { AIR_STATION_KINDS } from './kinds';
import type { AlertEvent, DeviceProfile, Evidence, Measurement, Observation } from './model';
import { episodeMayStep, factorName, hasEpisodes, nearTargets, runEpisode, type Emitted, type EvaluationContext } from './rule-runner';
import { evaluateLateStationObservation, evaluateStationObservation } from './station-hours';

/**
 * `evaluated`: in order, every rule ran. `late_evaluated`: behind newer readings of its command and not seen before
 * (back-fill), judged on its own. `duplicate`: seen before. `too_late`: behind, and older than its command's
 * lateness window (or of a command without one), skipped.
 */
export type EvaluationOutcome = 'evaluated' | 'late_evaluated' | 'duplicate' | 'too_late';

const MINUTE = 60_000;

function evidenceOf(observation: Observation, measurement: Measurement, matched: boolean): Evidence {
  return {
    observationId: observation.id,
    dataTime: observation.dataTime,
    value: measurement.value,
    flag: measurement.flag,
    valueKind: measurement.kind,
    command: observation.command,
    matched,
  };
}

function findMeasurement(observation: Observation, factorCode: string, kind: string): Measurement | undefined {
  for (const measurement of observation.measurements) if (measurement.factorCode === factorCode && measurement.kind === kind) return measurement;
  return undefined;
}

const roundMultiple = (value: number): number => Math.round(value * 100) / 100;

/**
 * Applies every rule of the ruleset to one observation of a device, updating the device's state and appending
 * the alert and AQI events it causes. Readings of a (device, command) run the rules in data-time order; one at or
 * before the newest already evaluated is a duplicate, or a late reading judged once on its own (see
 * `evaluateLate`), or too late.
 */
export function evaluateObservation(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): EvaluationOutcome {
  const command = observation.command;
  const last = state.lastDataTime[command];
  if (last !== undefined && observation.dataTime <= last) return evaluateBehind(state, observation, last, context, out);
  state.lastDataTime[command] = observation.dataTime;
  const window = LATENESS_WINDOWS[command];
  if (window !== undefined) markInOrder(ringOf(state, command, window, last ?? observation.dataTime, last !== undefined), window, observation.dataTime);
  if (observation.dataTime >= state.lastSeenData) {
    state.lastSeenData = observation.dataTime;
    state.lastObservationId = observation.id;
  }
  state.lastReceived = Math.max(state.lastReceived, observation.receivedTime);
  const device = context.device;
  state.enterpriseUscc = device?.enterpriseUscc || observation.enterpriseUscc;
  state.cellId = device?.cellId || observation.cellId;
  state.townshipCode = device?.townshipCode || observation.townshipCode;

  recoverFromOffline(state, observation, out.alerts);
  evaluateEmissionLimits(state, observation, context, out);
  evaluateDataQuality(state, observation, context, out);
  evaluateJumps(state, observation, context, out);
  if (device && context.rules.stationKinds.has(device.kind)) evaluateStationObservation(state, observation, context, out);
  return 'evaluated';
}

/** The command's ring, made on first use (all evaluated when the state already knew a newest data time). */
function ringOf(state: DeviceState, command: string, window: LatenessWindow, newest: number, known: boolean): SlotRing {
  const rings = (state.evaluated ??= {});
  return (rings[command] ??= newSlotRing(window, newest, known));
}

function evaluateBehind(state: DeviceState, observation: Observation, last: number, context: EvaluationContext, out: Emitted): EvaluationOutcome {
  const window = LATENESS_WINDOWS[observation.command];
  // Real-time data has no window: the newest data time again is the device re-sending it; older is not back-fill.
  if (window === undefined) return observation.dataTime === last ? 'duplicate' : 'too_late';
  const outcome = markBehind(ringOf(state, observation.command, window, last, true), window, observation.dataTime);
  if (outcome !== 'late') return outcome;
  evaluateLate(state, observation, context, out);
  return 'late_evaluated';
}

/**
 * A late reading (back-filled after an outage, or delayed): the live episodes run in data-time order and are left
 * alone. Its values are judged against the emission limits one by one, an exceedance raising an alert marked late
 * and clearing it at once, since the episode it belonged to is over; a station's late values complete or revise
 * the AQI of their hour. The device is talking, so its last receive time moves; nothing else does.
 */
function evaluateLate(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  state.lastReceived = Math.max(state.lastReceived, observation.receivedTime);
  evaluateLateEmissionLimits(state, observation, context, out);
  const device = context.device;
  if (device && context.rules.stationKinds.has(device.kind)) evaluateLateStationObservation(state, observation, context, out);
}

const CHINA_OFFSET = 8 * 3_600_000;

/** "2026-11-29 10:15" in China time, for summaries. */
function chinaTime(time: number): string {
  return new Date(time + CHINA_OFFSET).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * What a factor limit from the registry is, for the alert's source and summary: an outlet's permit limit (排污许可限值),
 * or at an air station the level the bureau registered to watch a toxic gas by (登记限值) — no permit there.
 */
function registeredLimitOf(kind: DeviceProfile['kind']): { source: string; zh: string } {
  return kind !== 'UNKNOWN' && AIR_STATION_KINDS.includes(kind) ? { source: 'registered', zh: '登记限值' } : { source: 'permit', zh: '排污许可限值' };
}

function evaluateLateEmissionLimits(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  const device = context.device;
  if (!device) return;
  const { suppressFlags, limitFlags } = context.rules;
  const escalateBy = context.rules.source.sensitiveTargets.escalateBy;
  for (const rule of context.rules.emission) {
    if (!rule.kinds.has(device.kind) || !(rule.lateCommands ?? rule.commands).includes(observation.command as never)) continue;
    const realtime = observation.command === '2011';
    for (const factor of device.factors) {
      const limit = factor.limit;
      if (limit === undefined || limit === null) continue;
      const kind = factor.limitOnConverted ? (realtime ? 'ZsRtd' : 'ZsAvg') : realtime ? 'Rtd' : 'Avg';
      const measurement = findMeasurement(observation, factor.factorCode, kind);
      if (!measurement || suppressFlags.has(measurement.flag) || !limitFlags.has(measurement.flag) || !(measurement.value > limit)) continue;
      const time = observation.dataTime;
      const multiple = roundMultiple((measurement.value - limit) / limit);
      const near = rule.escalateNearTargets ? nearTargets(context) : { ids: [], reasons: [] };
      const severity = episodeSeverity(rule.severity, rule.escalations, { count: 1, firstAt: time, peakMultiple: multiple }, time, { levels: near.ids.length > 0 ? escalateBy : 0, reasons: near.reasons });
      const raised: AlertEvent = {
        ...baseSubject(state),
        // One alert per rule, factor, command and data time: a re-send or a re-evaluation after a crash finds the same id.
        alertId: alertIdOf(rule.id, state.mn, `${factor.factorCode}|${observation.command}|late`, time),
        sequence: 1,
        state: 'raised',
        kind: 'emission_limit',
        ruleId: rule.id,
        ruleVersion: rule.version,
        severity: severity.severity,
        baseSeverity: rule.severity,
        escalationReasons: severity.reasons,
        factorCode: factor.factorCode,
        value: measurement.value,
        peakValue: measurement.value,
        limit,
        unit: factor.unit,
        valueKind: kind,
        averagingPeriod: '',
        dataFlag: '',
        limitSource: registeredLimitOf(device.kind).source,
        exceedanceMultiple: multiple,
        openedAt: time,
        changedAt: time,
        evidence: [evidenceOf(observation, measurement, true)],
        summary: `补传/迟到数据超标：${factorName(factor.factorCode)}${factor.limitOnConverted ? '折算' : ''}浓度超过${registeredLimitOf(device.kind).zh}（数据时间 ${chinaTime(time)}）`,
        nearbyTargetIds: near.ids,
        late: true,
      };
      out.alerts.push(raised, { ...raised, sequence: 2, state: 'cleared', evidence: [evidenceOf(observation, measurement, true)] });
    }
  }
}

function baseSubject(state: DeviceState): Pick<AlertSubject, 'deviceMn' | 'enterpriseUscc' | 'cellId' | 'townshipCode'> {
  return { deviceMn: state.mn, enterpriseUscc: state.enterpriseUscc, cellId: state.cellId, townshipCode: state.townshipCode };
}

function recoverFromOffline(state: DeviceState, observation: Observation, out: AlertEvent[]): void {
  for (const ruleId in state.offline) {
    const open = state.offline[ruleId];
    delete state.offline[ruleId];
    if (!open) continue;
    out.push({
      ...baseSubject(state),
      alertId: open.alertId,
      sequence: 2,
      state: 'cleared',
      kind: 'device_offline',
      ruleId,
      ruleVersion: open.ruleVersion,
      severity: open.severity,
      baseSeverity: open.severity,
      escalationReasons: [],
      factorCode: '',
      value: (observation.dataTime - open.lastSeen) / MINUTE,
      peakValue: (observation.dataTime - open.lastSeen) / MINUTE,
      limit: open.minutes,
      unit: 'min',
      valueKind: '',
      averagingPeriod: '',
      dataFlag: '',
      limitSource: 'ruleset',
      exceedanceMultiple: 0,
      openedAt: open.openedAt,
      changedAt: observation.dataTime,
      lastSeen: open.lastSeen,
      evidence: [{ observationId: observation.id, dataTime: observation.dataTime, value: 0, flag: '', valueKind: '', command: observation.command, matched: false }],
      summary: `设备恢复上传数据（中断 ${Math.round((observation.dataTime - open.lastSeen) / MINUTE)} 分钟）`,
      nearbyTargetIds: [],
    });
  }
}

/** Permit limits from the registry, on the converted (Zs) value where the registry says the limit applies to it. */
function evaluateEmissionLimits(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  const device = context.device;
  if (!device) return;
  const { suppressFlags, limitFlags } = context.rules;
  for (const rule of context.rules.emission) {
    if (!rule.kinds.has(device.kind) || !rule.commands.includes(observation.command as never)) continue;
    const realtime = observation.command === '2011';
    for (const factor of device.factors) {
      const limit = factor.limit;
      if (limit === undefined || limit === null) continue;
      const kind = factor.limitOnConverted ? (realtime ? 'ZsRtd' : 'ZsAvg') : realtime ? 'Rtd' : 'Avg';
      const measurement = findMeasurement(observation, factor.factorCode, kind);
      if (!measurement || suppressFlags.has(measurement.flag) || !limitFlags.has(measurement.flag)) continue;
      const matched = measurement.value > limit;
      if (!episodeMayStep(state, rule.id, factor.factorCode, matched)) continue;
      runEpisode(
        state,
        rule,
        factor.factorCode,
        () => ({
          ...baseSubject(state),
          kind: 'emission_limit',
          ruleId: rule.id,
          ruleVersion: rule.version,
          baseSeverity: rule.severity,
          factorCode: factor.factorCode,
          limit,
          unit: factor.unit,
          valueKind: kind,
          averagingPeriod: '',
          dataFlag: '',
          limitSource: registeredLimitOf(device.kind).source,
          summary: `${factorName(factor.factorCode)}${factor.limitOnConverted ? '折算' : ''}浓度超过${registeredLimitOf(device.kind).zh}`,
        }),
        { matched, time: observation.dataTime, value: measurement.value, multiple: matched ? roundMultiple((measurement.value - limit) / limit) : 0, evidence: evidenceOf(observation, measurement, matched) },
        context,
        out,
        { updateOnPeak: true },
      );
    }
  }
}

/** D fault, F stopped, B communication, T over range (by default): one episode per factor and flag. */
function evaluateDataQuality(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  if (context.rules.dataQuality.length === 0) return;
  // Nearly every reading is flagged N on a device with nothing in progress: nothing to do for it.
  const quiet = !hasEpisodes(state);
  const seen = new Set<string>();
  for (const measurement of observation.measurements) {
    if (seen.has(measurement.factorCode)) continue;
    seen.add(measurement.factorCode);
    // Maintenance and calibration say nothing about the instrument's health either way.
    if (context.rules.suppressFlags.has(measurement.flag)) continue;
    if (quiet && !context.rules.dataQuality.some((rule) => rule.flags.some((flag) => flag === measurement.flag))) continue;
    for (const rule of context.rules.dataQuality) {
      for (const flag of rule.flags) {
        const matched = measurement.flag === flag;
        const key = `${measurement.factorCode}|${flag}`;
        if (!matched && state.episodes[`${rule.id}|${key}`] === undefined) continue;
        runEpisode(
          state,
          rule,
          key,
          () => ({
            ...baseSubject(state),
            kind: 'data_quality',
            ruleId: rule.id,
            ruleVersion: rule.version,
            baseSeverity: rule.severity,
            factorCode: measurement.factorCode,
            limit: 0,
            unit: measurement.unit,
            valueKind: measurement.kind,
            averagingPeriod: '',
            dataFlag: flag,
            limitSource: 'HJ 212-2017 data flag',
            summary: `${factorName(measurement.factorCode)}数据标记 ${flag}：${DATA_FLAGS_2017[flag as keyof typeof DATA_FLAGS_2017]?.zh ?? flag}`,
          }),
          { matched, time: observation.dataTime, value: measurement.value, multiple: 0, evidence: evidenceOf(observation, measurement, matched) },
          context,
          out,
        );
      }
    }
  }
}

/** A valid value far from the previous valid one of the same factor and kind, within the rule's gap. */
function evaluateJumps(state: DeviceState, observation: Observation, context: EvaluationContext, out: Emitted): void {
  if (context.rules.jump.length === 0) return;
  for (const measurement of observation.measurements) {
    if (context.rules.suppressFlags.has(measurement.flag)) continue;
    const key = `${measurement.factorCode}|${measurement.kind}`;
    const previous = state.previous[key];
    if (measurement.flag !== 'N') {
      delete state.previous[key];
      continue;
    }
    let applies = false;
    for (const rule of context.rules.jump) {
      if (!rule.valueKinds.includes(measurement.kind as never)) continue;
      applies = true;
      if (!previous || observation.dataTime - previous.time > rule.maxGapMinutes * MINUTE) continue;
      const threshold = Math.max(rule.minAbsoluteChangeByFactor[measurement.factorCode] ?? rule.minAbsoluteChange, rule.relativeChange * Math.abs(previous.value));
      const change = Math.abs(measurement.value - previous.value);
      const matched = change > threshold;
      if (!episodeMayStep(state, rule.id, key, matched)) continue;
      runEpisode(
        state,
        rule,
        key,
        () => ({
          ...baseSubject(state),
          kind: 'sudden_jump',
          ruleId: rule.id,
          ruleVersion: rule.version,
          baseSeverity: rule.severity,
          factorCode: measurement.factorCode,
          limit: threshold,
          unit: measurement.unit,
          valueKind: measurement.kind,
          averagingPeriod: '',
          dataFlag: '',
          limitSource: 'ruleset',
          summary: `${factorName(measurement.factorCode)}数据突变（${previous.value} → ${measurement.value}）`,
        }),
        { matched, time: observation.dataTime, value: measurement.value, multiple: 0, evidence: evidenceOf(observation, measurement, matched) },
        context,
        out,
        {
          onRaise: (evidence) => {
            evidence.unshift({ observationId: previous.observationId, dataTime: previous.time, value: previous.value, flag: previous.flag, valueKind: measurement.kind, command: observation.command, matched: false });
          },
        },
      );
    }
    if (applies) state.previous[key] = { value: measurement.value, time: observation.dataTime, observationId: observation.id, flag: measurement.flag };
  }
}

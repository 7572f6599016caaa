import type { DeviceState } from './device-state';
import { alertIdOf } from './episode';
import { type Emitted, type EvaluationContext } from './rule-runner';
import { closeHoursBefore, HOUR } from './station-hours';

const MINUTE = 60_000;

export interface SweepClock {
  /** Wall-clock now, epoch ms. */
  now: number;
  /** When this process began evaluating: nobody is called offline before a full window has passed since. */
  startedAt: number;
}

/**
 * The clock's part of the rules: a device silent for longer than its offline window raises DEVICE_OFFLINE
 * (id from the rule, the device and the data time of its last observation, so a restart that sweeps again finds
 * the same alert already open), and an hour of real-time station data is closed once it is long over.
 */
export function sweepDevice(state: DeviceState, context: EvaluationContext, clock: SweepClock, out: Emitted): void {
  const device = context.device;
  if (state.lastReceived > 0 && device?.enabled !== false) {
    for (const rule of context.rules.offline) {
      if (state.offline[rule.id]) continue;
      const minutes = (device && rule.minutesByKind.get(device.kind)) ?? rule.minutes;
      const window = minutes * MINUTE;
      if (clock.now - state.lastReceived < window || clock.now - clock.startedAt < window) continue;
      const alertId = alertIdOf(rule.id, state.mn, '', state.lastSeenData);
      state.offline[rule.id] = { alertId, ruleVersion: rule.version, openedAt: clock.now, lastSeen: state.lastSeenData, minutes, severity: rule.severity };
      const silentMinutes = Math.floor((clock.now - state.lastReceived) / MINUTE);
      out.alerts.push({
        alertId,
        sequence: 1,
        state: 'raised',
        kind: 'device_offline',
        ruleId: rule.id,
        ruleVersion: rule.version,
        severity: rule.severity,
        baseSeverity: rule.severity,
        escalationReasons: [],
        deviceMn: state.mn,
        enterpriseUscc: device?.enterpriseUscc || state.enterpriseUscc,
        cellId: device?.cellId || state.cellId,
        townshipCode: device?.townshipCode || state.townshipCode,
        factorCode: '',
        value: silentMinutes,
        peakValue: silentMinutes,
        limit: minutes,
        unit: 'min',
        valueKind: '',
        averagingPeriod: '',
        dataFlag: '',
        limitSource: 'ruleset',
        exceedanceMultiple: 0,
        openedAt: clock.now,
        changedAt: clock.now,
        lastSeen: state.lastSeenData,
        evidence: state.lastObservationId
          ? [{ observationId: state.lastObservationId, dataTime: state.lastSeenData, value: 0, flag: '', valueKind: '', command: '', matched: false }]
          : [],
        summary: `设备超过 ${minutes} 分钟无数据（离线）`,
        nearbyTargetIds: [],
      });
    }
  }
  const station = state.station;
  if (station && Object.keys(station.open).length > 0) {
    // An hour [h, h + 1 h) is closed once now ≥ h + 1 h + closeAfter.
    closeHoursBefore(state, clock.now - HOUR - context.rules.source.aqi.closeAfterMinutes * MINUTE + 1, context, out);
  }
}

import { createHash } from 'node:crypto';
import type { Incident } from '../../domain/incidents/incident';
import { INCIDENT_KIND_NAMES, suggestedLevel } from '../../domain/incidents/incident';
import { selectPlan } from '../../domain/incidents/plan';
import { classifyStation } from '../../domain/incidents/station-classification';
import { analyse, analysisDetails, recordSteps, withPlan } from './record-steps';
import type { IncidentRuntime } from './runtime';

/** An alert as the incidents part reads it (mapped from AlertChanged by the Kafka adapter). */
export interface AlertInput {
  alertId: string;
  state: 'raised' | 'updated' | 'cleared';
  /** emission_limit, ambient_limit, sudden_jump, data_quality, device_offline */
  kind: string;
  deviceMn: string;
  factorCode: string;
  value: number;
  limit: number;
  exceedanceMultiple: number;
  summary: string;
  changedAt: Date;
  late: boolean;
}

export type ProposeOutcome = 'proposed' | 'duplicate' | 'already_open' | 'not_an_incident_station' | 'ignored';

/** Limits crossed or a sudden jump: what can be a pollution incident. Offline and data-quality alerts are not. */
const INCIDENT_ALERT_KINDS = new Set(['emission_limit', 'ambient_limit', 'sudden_jump']);

/** Deterministic from the alert, so a redelivered alert finds the incident it proposed. */
export function proposedIncidentId(alertId: string): string {
  return `INC-A${createHash('sha256').update(alertId).digest('hex').slice(0, 16)}`;
}

/**
 * An alert that hits a drinking-water source station, a river section or a toxic-gas monitor proposes an incident
 * with its impact analysis, computed from the registry in memory (the alert path calls nothing). One open incident
 * per station: a further alert at a station already in an open incident proposes nothing more.
 */
export function createProposeIncident(runtime: IncidentRuntime) {
  return async (alert: AlertInput): Promise<ProposeOutcome> => {
    if (alert.state !== 'raised' || alert.late || !INCIDENT_ALERT_KINDS.has(alert.kind)) return 'ignored';
    const station = runtime.sites.station(alert.deviceMn);
    if (!station) return 'not_an_incident_station';
    const context = { waterSources: runtime.sites.waterSources(), riskSources: runtime.sites.riskSources(), rivers: runtime.rivers.rivers() };
    const classified = classifyStation(station, alert.factorCode, context, runtime.settings.classification);
    if (!classified) return 'not_an_incident_station';

    const now = runtime.clock.now();
    const target = classified.targetId ? runtime.sites.site(classified.targetId) : undefined;
    const incident: Incident = {
      id: proposedIncidentId(alert.alertId),
      status: 'proposed',
      kind: classified.kind,
      level: suggestedLevel(classified.kind, alert.exceedanceMultiple),
      // "大渠街道东孙坞饮用水源地突发环境事件（饮用水源地污染）": the place, then what kind of incident it is.
      title: `${target ? target.name.replace(/(一级|二级)保护区$/, '') : station.name}突发环境事件（${INCIDENT_KIND_NAMES[classified.kind].zh}）`,
      lon: station.lon,
      lat: station.lat,
      cellId: station.cellId,
      townshipCode: station.townshipCode,
      stationMns: [station.mn],
      alertId: alert.alertId,
      factorCode: alert.factorCode,
      summary: alert.summary,
      drill: false,
      targetId: classified.targetId,
      radiusM: 0,
      proposedAt: now,
      declaredAt: null,
      declaredBy: '',
      planActivatedAt: null,
      planId: '',
      planVersion: 0,
      closedAt: null,
      recoveredSince: null,
      version: 1,
    };
    const computed = analyse(runtime, incident, now);
    return runtime.store.transaction(async (tx): Promise<ProposeOutcome> => {
      if (await tx.openIncidentForStation(station.mn)) return 'already_open';
      const plan = selectPlan(await tx.latestPlans(), incident);
      const analysis = withPlan(computed, plan);
      const stored = { incident, analysis };
      if (!(await tx.insertIncident(stored))) return 'duplicate';
      await recordSteps(
        tx,
        runtime,
        stored,
        [
          { step: 'proposed', actor: 'platform', details: { alertId: alert.alertId, station: station.mn, factor: alert.factorCode, value: alert.value, limit: alert.limit, kind: classified.kind, target: classified.targetId } },
          { step: 'analysis', actor: 'platform', details: analysisDetails(analysis, plan) },
        ],
        now,
        plan ? { id: plan.id, version: plan.version, name: plan.name } : null,
      );
      return 'proposed';
    });
  };
}

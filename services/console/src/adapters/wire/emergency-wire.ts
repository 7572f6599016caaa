import {
  obligationStatusToJSON,
  warningLevelToJSON,
  warningOriginToJSON,
  warningStatusToJSON,
  WarningLevel,
  type EpisodeEvaluation,
  type FactorReduction,
  type Obligation,
  type Warning,
} from '@ecogrid/proto/emergency/v1/warnings';
import { incidentKindToJSON, incidentLevelToJSON, incidentStatusToJSON, IncidentStatus, type Incident, type Plan, type TimelineEntry } from '@ecogrid/proto/emergency/v1/incidents';
import { earlyWarningClearReasonToJSON, earlyWarningLimitKindToJSON, earlyWarningSeriesKindToJSON, earlyWarningStatusToJSON, type EarlyWarning, type EarlyWarningForecast } from '@ecogrid/proto/emergency/v1/early_warning';
import { INCIDENT_STATUSES, WARNING_LEVELS, type EarlyWarningView, type EpisodeEvaluationView, type IncidentStatusName, type IncidentView, type ObligationView, type PlanView, type TimelineEntryView, type WarningLevelName, type WarningView } from '../../domain/emergency-view';

/** `WARNING_LEVEL_YELLOW` → `yellow`; the unspecified value → ''. */
const lower = (text: string, prefix: string): string => (text.endsWith('_UNSPECIFIED') || text === 'UNRECOGNIZED' ? '' : text.replace(prefix, '').toLowerCase());
const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

export function warningLevelName(level: WarningLevel): WarningLevelName | '' {
  const name = lower(warningLevelToJSON(level), 'WARNING_LEVEL_');
  return (WARNING_LEVELS as readonly string[]).includes(name) ? (name as WarningLevelName) : '';
}

export function warningLevelOf(name: WarningLevelName): WarningLevel {
  return { yellow: WarningLevel.WARNING_LEVEL_YELLOW, orange: WarningLevel.WARNING_LEVEL_ORANGE, red: WarningLevel.WARNING_LEVEL_RED }[name];
}

export function warningView(warning: Warning): WarningView {
  const status = lower(warningStatusToJSON(warning.status), 'WARNING_STATUS_');
  return {
    warningId: warning.warningId,
    level: warningLevelName(warning.level),
    peakLevel: warningLevelName(warning.peakLevel),
    status: status === 'active' || status === 'lifted' ? status : '',
    origin: lower(warningOriginToJSON(warning.origin), 'WARNING_ORIGIN_'),
    startsAt: iso(warning.startsAt),
    expectedEndAt: iso(warning.expectedEndAt),
    liftedAt: iso(warning.liftedAt),
    reason: warning.reason,
    issuedBy: warning.issuedBy,
    listYear: warning.listYear,
    listVersion: warning.listVersion,
    obligationCount: warning.obligationCount,
    drill: warning.drill,
  };
}

export function obligationView(obligation: Obligation): ObligationView {
  return {
    obligationId: obligation.obligationId,
    warningId: obligation.warningId,
    enterpriseUscc: obligation.enterpriseUscc,
    enterpriseName: obligation.enterpriseName,
    level: warningLevelName(obligation.level),
    grade: obligation.grade,
    measure: obligation.measure,
    productionLimitPercent: obligation.productionLimitPercent,
    reducedLevels: obligation.reducedLevels.map((level) => ({ outletId: level.outletId, factorCode: level.factorCode, limitMgM3: level.limitMgM3 })),
    windowStart: iso(obligation.windowStart),
    windowEnd: iso(obligation.windowEnd),
    status: lower(obligationStatusToJSON(obligation.status), 'OBLIGATION_STATUS_'),
    breachReason: obligation.breachReason,
    breachReasonEn: obligation.breachReasonEn,
    breachedAt: iso(obligation.breachedAt),
  };
}

const reductionView = (reduction: FactorReduction) => ({
  factorCode: reduction.factorCode,
  baseline: reduction.baseline,
  during: reduction.during,
  reductionPercent: reduction.reductionPercent,
  hoursCompared: reduction.hoursCompared,
});

export function evaluationView(evaluation: EpisodeEvaluation): EpisodeEvaluationView {
  return {
    warningId: evaluation.warningId,
    peakLevel: warningLevelName(evaluation.peakLevel),
    startsAt: iso(evaluation.startsAt),
    liftedAt: iso(evaluation.liftedAt),
    measuresOrdered: evaluation.measuresOrdered,
    measuresCarriedOut: evaluation.measuresCarriedOut,
    measuresBreached: evaluation.measuresBreached,
    measuresSelfDirected: evaluation.measuresSelfDirected,
    total: evaluation.total.map(reductionView),
    enterprises: evaluation.enterprises.map((enterprise) => ({
      enterpriseUscc: enterprise.enterpriseUscc,
      enterpriseName: enterprise.enterpriseName,
      grade: enterprise.grade,
      measuresOrdered: enterprise.measuresOrdered,
      measuresCarriedOut: enterprise.measuresCarriedOut,
      measuresBreached: enterprise.measuresBreached,
      reductions: enterprise.reductions.map(reductionView),
    })),
    evaluatedAt: iso(evaluation.evaluatedAt),
  };
}

export function incidentStatusName(status: IncidentStatus): IncidentStatusName | '' {
  const name = lower(incidentStatusToJSON(status), 'INCIDENT_STATUS_');
  return (INCIDENT_STATUSES as readonly string[]).includes(name) ? (name as IncidentStatusName) : '';
}

export function incidentStatusOf(name: IncidentStatusName): IncidentStatus {
  return {
    proposed: IncidentStatus.INCIDENT_STATUS_PROPOSED,
    declared: IncidentStatus.INCIDENT_STATUS_DECLARED,
    responding: IncidentStatus.INCIDENT_STATUS_RESPONDING,
    closed: IncidentStatus.INCIDENT_STATUS_CLOSED,
    dismissed: IncidentStatus.INCIDENT_STATUS_DISMISSED,
  }[name];
}

export function incidentView(incident: Incident): IncidentView {
  const analysis = incident.analysis;
  const zone = analysis?.zone;
  return {
    id: incident.id,
    status: incidentStatusName(incident.status),
    kind: lower(incidentKindToJSON(incident.kind), 'INCIDENT_KIND_'),
    level: lower(incidentLevelToJSON(incident.level), 'INCIDENT_LEVEL_'),
    title: incident.title,
    summary: incident.summary,
    location: incident.location ? { lon: incident.location.lon, lat: incident.location.lat } : null,
    cellId: incident.cellId,
    townshipCode: incident.townshipCode,
    stationMns: incident.stationMns,
    alertId: incident.alertId,
    factorCode: incident.factorCode,
    drill: incident.drill,
    analysis: analysis
      ? {
          zone: zone ? { radiusM: zone.radiusM, riverId: zone.riverId, riverName: zone.riverName, downstreamM: zone.downstreamM, corridorM: zone.corridorM } : null,
          affectedTargets: analysis.affectedTargets.map((target) => ({ targetId: target.targetId, name: target.name, kind: target.kind, distanceM: target.distanceM, downstreamM: target.downstreamM })),
          nearestResources: analysis.nearestResources.map((resource) => ({ targetId: resource.targetId, name: resource.name, kind: resource.kind, distanceM: resource.distanceM, travelM: resource.travelM, attributes: { ...resource.attributes } })),
          planId: analysis.planId,
          planVersion: analysis.planVersion,
          planName: analysis.planName,
          computedAt: iso(analysis.computedAt),
          roadFactor: analysis.roadFactor,
        }
      : null,
    proposedAt: iso(incident.proposedAt),
    declaredAt: iso(incident.declaredAt),
    planActivatedAt: iso(incident.planActivatedAt),
    closedAt: iso(incident.closedAt),
    recoveredSince: iso(incident.recoveredSince),
    declaredBy: incident.declaredBy,
    version: Number(incident.version),
  };
}

function parseDetails(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function timelineEntryView(entry: TimelineEntry): TimelineEntryView {
  return { sequence: Number(entry.sequence), step: entry.step, actor: entry.actor, occurredAt: iso(entry.occurredAt), details: parseDetails(entry.detailsJson), hash: entry.hash };
}

export function planView(plan: Plan): PlanView {
  return {
    id: plan.id,
    version: plan.version,
    name: plan.name,
    tasks: plan.tasks.map((task) => ({ taskId: task.taskId, department: task.department, officerId: task.officerId, title: task.title, description: task.description, deadlineMinutes: task.deadlineMinutes, priority: task.priority })),
  };
}

function forecastView(forecast: EarlyWarningForecast | undefined) {
  const limit = forecast?.limit;
  return {
    seriesId: forecast?.seriesId ?? '',
    deviceMn: forecast?.deviceMn ?? '',
    factorCode: forecast?.factorCode ?? '',
    factorName: forecast?.factorName ?? '',
    seriesKind: forecast ? lower(earlyWarningSeriesKindToJSON(forecast.seriesKind), 'EARLY_WARNING_SERIES_KIND_') : '',
    limit: limit ? { kind: lower(earlyWarningLimitKindToJSON(limit.kind), 'EARLY_WARNING_LIMIT_KIND_'), value: limit.value, low: limit.low, high: limit.high, unit: limit.unit, source: limit.source } : null,
    madeAt: iso(forecast?.madeAt),
    bandLevel: forecast?.bandLevel ?? 0,
    maxProbability: forecast?.maxProbability ?? 0,
    expectedCrossingAt: iso(forecast?.expectedCrossingAt),
    points: (forecast?.points ?? []).map((point) => ({ at: iso(point.at), mean: point.mean, lower: point.lower, upper: point.upper, probabilityBeyond: point.probabilityBeyond })),
    lastValue: forecast?.inputs.at(-1)?.value ?? null,
  };
}

export function earlyWarningView(warning: EarlyWarning): EarlyWarningView {
  const status = lower(earlyWarningStatusToJSON(warning.status), 'EARLY_WARNING_STATUS_');
  return {
    warningId: warning.warningId,
    status: status === 'active' || status === 'cleared' ? status : '',
    ...forecastView(warning.evidence),
    raisedAt: iso(warning.raisedAt),
    clearedAt: iso(warning.clearedAt),
    clearReason: lower(earlyWarningClearReasonToJSON(warning.clearReason), 'EARLY_WARNING_CLEAR_REASON_'),
    cellId: warning.cellId,
    townshipCode: warning.townshipCode,
    messageZh: warning.messageZh,
    messageEn: warning.messageEn,
  };
}

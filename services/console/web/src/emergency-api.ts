/** The console's emergency routes as the web app sees them (warnings, incidents, early warnings). */
import { api, request } from './api';

export interface Warning {
  warningId: string;
  level: string;
  peakLevel: string;
  status: string;
  origin: string;
  startsAt: string | null;
  expectedEndAt: string | null;
  liftedAt: string | null;
  reason: string;
  issuedBy: string;
  obligationCount: number;
  drill: boolean;
}

export interface Obligation {
  obligationId: string;
  enterpriseUscc: string;
  enterpriseName: string;
  level: string;
  grade: string;
  measure: string;
  productionLimitPercent: number;
  windowStart: string | null;
  windowEnd: string | null;
  status: string;
  breachReason: string;
  breachReasonEn: string;
}

export interface FactorReduction {
  factorCode: string;
  baseline: number;
  during: number;
  reductionPercent: number;
  hoursCompared: number;
}

export interface WarningsPage {
  active: Warning[];
  recent: Warning[];
  allowedActions: string[];
}

export interface WarningPage {
  warning: Warning;
  obligations: Obligation[];
  compliance: Record<string, number>;
  evaluation: { measuresOrdered: number; measuresCarriedOut: number; measuresBreached: number; measuresSelfDirected: number; total: FactorReduction[] } | null;
  allowedActions: string[];
}

export interface Incident {
  id: string;
  status: string;
  kind: string;
  level: string;
  title: string;
  summary: string;
  location: { lon: number; lat: number } | null;
  cellId: string;
  townshipCode: string;
  stationMns: string[];
  factorCode: string;
  drill: boolean;
  analysis: {
    zone: { radiusM: number; riverName: string; downstreamM: number; corridorM: number } | null;
    planId: string;
    planVersion: number;
    planName: string;
    roadFactor: number;
  } | null;
  proposedAt: string | null;
  declaredAt: string | null;
  closedAt: string | null;
  recoveredSince: string | null;
  declaredBy: string;
  version: number;
}

export interface IncidentPage {
  incident: Incident;
  affectedTargets: Array<{ targetId: string; name: string; kind: string; distanceM: number; downstreamM: number }>;
  nearestResources: Array<{ targetId: string; name: string; kind: string; distanceM: number; travelM: number; attributes: Record<string, string> }>;
  planTasks: Array<{ taskId: string; department: string; officerId: string; title: string; deadlineMinutes: number; priority: string }>;
  tasks: Array<{ taskId: string; title: string; department: string; officerId: string; deadline: string | null; caseId: string; stage: string }>;
  timeline: Array<{ sequence: number; step: string; actor: string; occurredAt: string | null; details: Record<string, unknown>; hash: string }>;
  timelineCheck: { intact: boolean; entries: number; brokenSequence: number | null; reason: string };
  allowedActions: string[];
}

export interface EarlyWarning {
  warningId: string;
  deviceMn: string;
  factorCode: string;
  factorName: string;
  seriesKind: string;
  limit: { kind: string; value: number; low: number; high: number; unit: string; source: string } | null;
  bandLevel: number;
  maxProbability: number;
  expectedCrossingAt: string | null;
  points: Array<{ at: string | null; mean: number; lower: number; upper: number }>;
  lastValue: number | null;
  raisedAt: string | null;
  messageZh: string;
  messageEn: string;
}

const path = (id: string): string => encodeURIComponent(id);

export const emergencyApi = {
  warnings: () => api.get<WarningsPage>('/emergency/warnings'),
  warning: (id: string) => api.get<WarningPage>(`/emergency/warnings/${path(id)}`),
  issueWarning: (body: { level: string; startsAt: string; expectedEndAt?: string; reason: string }) => request<{ warning: Warning }>('POST', '/emergency/warnings', { json: body }),
  liftWarning: (id: string, reason: string) => request<{ warning: Warning }>('POST', `/emergency/warnings/${path(id)}/lift`, { json: { reason } }),
  incidents: () => api.get<{ incidents: Incident[] }>('/emergency/incidents'),
  incident: (id: string) => api.get<IncidentPage>(`/emergency/incidents/${path(id)}`),
  actOnIncident: (id: string, body: { action: string; level?: string; expectedVersion?: number; note?: string }) => request<{ incident: Incident }>('POST', `/emergency/incidents/${path(id)}/actions`, { json: body }),
  earlyWarnings: () => api.get<{ earlyWarnings: EarlyWarning[] }>('/emergency/early-warnings'),
};

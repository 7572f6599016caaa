import { failedPrecondition } from '@ecogrid/domain-errors';

/** 突发环境事件分级: 特别重大 I, 重大 II, 较大 III, 一般 IV. */
export type IncidentLevel = 'I' | 'II' | 'III' | 'IV';
export const INCIDENT_LEVELS: readonly IncidentLevel[] = ['I', 'II', 'III', 'IV'];
export const INCIDENT_LEVEL_NAMES: Record<IncidentLevel, { zh: string; en: string }> = {
  I: { zh: '特别重大', en: 'especially major' },
  II: { zh: '重大', en: 'major' },
  III: { zh: '较大', en: 'large' },
  IV: { zh: '一般', en: 'ordinary' },
};

export type IncidentKind = 'water_source' | 'river_section' | 'toxic_gas' | 'other';
export const INCIDENT_KIND_NAMES: Record<IncidentKind, { zh: string; en: string }> = {
  water_source: { zh: '饮用水源地污染', en: 'drinking-water source pollution' },
  river_section: { zh: '河流断面污染', en: 'river section pollution' },
  toxic_gas: { zh: '有毒有害气体泄漏', en: 'toxic gas release' },
  other: { zh: '其他突发环境事件', en: 'other environmental incident' },
};

export type IncidentStatus = 'proposed' | 'declared' | 'responding' | 'closed' | 'dismissed';

export interface Incident {
  id: string;
  status: IncidentStatus;
  kind: IncidentKind;
  level: IncidentLevel;
  title: string;
  lon: number;
  lat: number;
  cellId: string;
  townshipCode: string;
  /** Stations whose readings must be back under their limits before the incident can close. */
  stationMns: string[];
  alertId: string;
  factorCode: string;
  summary: string;
  drill: boolean;
  /** The target the station watches (e.g. the water source), when the station is classified by one. */
  targetId: string;
  /** Radius asked for by a dispatcher (0: the kind's default). */
  radiusM: number;
  proposedAt: Date | null;
  declaredAt: Date | null;
  declaredBy: string;
  planActivatedAt: Date | null;
  planId: string;
  planVersion: number;
  closedAt: Date | null;
  /** Since when every station has been back under its limits; null while any is above or none reported yet. */
  recoveredSince: Date | null;
  version: number;
}

const OPEN: readonly IncidentStatus[] = ['proposed', 'declared', 'responding'];

export function isOpen(incident: Pick<Incident, 'status'>): boolean {
  return OPEN.includes(incident.status);
}

/** Confirms a proposal (a dispatcher may change its level). */
export function declare(incident: Incident, by: string, at: Date, level?: IncidentLevel): Incident {
  if (incident.status !== 'proposed') throw failedPrecondition(`事件 ${incident.id} 状态为 ${incident.status}，只有待确认的事件可以启动 (only a proposed incident can be declared)`, 'not_proposed');
  return { ...incident, status: 'declared', declaredAt: at, declaredBy: by, level: level ?? incident.level, version: incident.version + 1 };
}

export function dismiss(incident: Incident): Incident {
  if (incident.status !== 'proposed') throw failedPrecondition(`事件 ${incident.id} 状态为 ${incident.status}，只有待确认的事件可以排除 (only a proposed incident can be dismissed)`, 'not_proposed');
  return { ...incident, status: 'dismissed', version: incident.version + 1 };
}

export function activatePlan(incident: Incident, plan: { id: string; version: number }, at: Date): Incident {
  if (incident.status === 'responding') throw failedPrecondition(`事件 ${incident.id} 已启动预案 ${incident.planId} (a plan is already activated)`, 'plan_already_activated');
  if (incident.status !== 'declared') throw failedPrecondition(`事件 ${incident.id} 状态为 ${incident.status}，预案只能在事件启动后启动 (a plan is activated for a declared incident)`, 'not_declared');
  return { ...incident, status: 'responding', planActivatedAt: at, planId: plan.id, planVersion: plan.version, version: incident.version + 1 };
}

/**
 * Closing needs the monitoring back under the limits: every station of the incident has reported only values at or
 * under its limits for at least `holdMs` (an incident without stations, declared by hand, closes on the dispatcher's word).
 */
export function close(incident: Incident, at: Date, holdMs: number): Incident {
  if (incident.status !== 'declared' && incident.status !== 'responding') {
    throw failedPrecondition(`事件 ${incident.id} 状态为 ${incident.status}，无法结束 (only a declared or responding incident can be closed)`, 'not_open');
  }
  if (incident.stationMns.length > 0) {
    if (!incident.recoveredSince) throw failedPrecondition(`事件 ${incident.id}：监测数据尚未恢复达标，不能结束 (the monitoring is not back under the limits)`, 'readings_not_recovered');
    const heldMs = at.getTime() - incident.recoveredSince.getTime();
    if (heldMs < holdMs) {
      throw failedPrecondition(`事件 ${incident.id}：监测数据达标已持续 ${Math.floor(heldMs / 1000)} 秒，需持续 ${Math.ceil(holdMs / 1000)} 秒 (readings under the limits for ${Math.floor(heldMs / 1000)} s, ${Math.ceil(holdMs / 1000)} s needed)`, 'readings_not_recovered_long_enough');
    }
  }
  return { ...incident, status: 'closed', closedAt: at, version: incident.version + 1 };
}

/** The level suggested for a proposal: a water source 1× or more above its limit is 较大 (III), else 一般 (IV); a dispatcher decides when declaring. */
export function suggestedLevel(kind: IncidentKind, exceedanceMultiple: number): IncidentLevel {
  if (kind === 'water_source' && exceedanceMultiple >= 1) return 'III';
  return 'IV';
}

/** 演练 titles say so, so nobody reads a drill's case or feed entry as real. */
export function displayTitle(incident: Pick<Incident, 'title' | 'drill'>): string {
  return incident.drill ? `【演练】${incident.title}` : incident.title;
}

import { PRIORITIES, type Priority } from './case';
import type { DeadlinePolicy } from './deadline-policy';

export type AlertSeverity = 'info' | 'minor' | 'major' | 'critical';

/** Target kinds whose nearness makes a case more urgent (plan §5.8.1 环境风险敏感目标). */
export const SENSITIVE_TARGET_KINDS = ['drinking_water_source', 'nature_reserve', 'ecological_red_line', 'school', 'hospital'] as const;
export type SensitiveTargetKind = (typeof SENSITIVE_TARGET_KINDS)[number];

export interface PriorityInput {
  caseType: string;
  severity?: AlertSeverity;
  /** A priority the caller asked for (dispatchers may set one). */
  requested?: Priority;
  nearbySensitiveTargets: ReadonlyArray<{ id: string; kind: SensitiveTargetKind }>;
}

export interface PriorityDecision {
  priority: Priority;
  /** Why, in order, for the history. */
  reasons: string[];
}

const SEVERITY_PRIORITY: Record<AlertSeverity, Priority> = { info: 'low', minor: 'normal', major: 'high', critical: 'urgent' };

const rank = (priority: Priority): number => PRIORITIES.indexOf(priority);
const atRank = (index: number): Priority => PRIORITIES[Math.max(0, Math.min(PRIORITIES.length - 1, index))] as Priority;

/**
 * Priority from the alert severity (or what a dispatcher asked for, else normal), raised to the case type's
 * floor, then one step higher when a sensitive target is near.
 */
export function decidePriority(input: PriorityInput, policy: DeadlinePolicy): PriorityDecision {
  const reasons: string[] = [];
  let priority: Priority;
  if (input.requested) {
    priority = input.requested;
    reasons.push(`requested ${input.requested}`);
  } else if (input.severity) {
    priority = SEVERITY_PRIORITY[input.severity];
    reasons.push(`alert severity ${input.severity} → ${priority}`);
  } else {
    priority = 'normal';
    reasons.push('default normal');
  }
  const floor = policy.caseTypes[input.caseType]?.minPriority;
  if (floor && rank(floor) > rank(priority)) {
    priority = floor;
    reasons.push(`case type ${input.caseType} is at least ${floor}`);
  }
  if (input.nearbySensitiveTargets.length > 0) {
    const raised = atRank(rank(priority) + 1);
    const names = input.nearbySensitiveTargets.map((target) => `${target.kind}:${target.id}`).join(', ');
    if (raised !== priority) reasons.push(`near sensitive targets (${names}) → ${raised}`);
    else reasons.push(`near sensitive targets (${names}), already ${priority}`);
    priority = raised;
  }
  return { priority, reasons };
}

export function maxPriority(a: Priority, b: Priority): Priority {
  return rank(a) >= rank(b) ? a : b;
}

/** Case type of an alert: HJ 212 factor codes starting with `a` are air, `w` water; an enterprise means an emission. */
export function caseTypeOfAlert(factorCode: string, enterpriseUscc: string | undefined): string {
  const emission = Boolean(enterpriseUscc);
  if (factorCode.startsWith('a')) return emission ? 'air_emission_exceedance' : 'ambient_air_anomaly';
  if (factorCode.startsWith('w')) return emission ? 'water_discharge_exceedance' : 'surface_water_anomaly';
  return 'monitoring_exceedance';
}

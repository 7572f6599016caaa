import { OPEN_STATUSES, type CaseStatus, type Step } from './case';
import type { HistoryEntry, JsonObject } from './history-chain';

/** Which history entry completes a step (anything else ending it abandons it: reassigned, returned, merged…). */
const COMPLETED_BY: Record<Step, readonly string[]> = {
  accept: ['accepted'],
  arrive: ['arrived'],
  handle: ['resolved'],
  verify: ['verified', 'reworked'],
};

export interface StepInstance {
  caseId: string;
  step: Step;
  startedAt: number;
  deadline: number;
  pausedMs: number;
  endedAt: number;
  completed: boolean;
  late: boolean;
  assignee?: string;
  township?: string;
}

export interface KpiFilter {
  from: Date;
  to: Date;
  now: Date;
  townshipCode?: string;
  officerId?: string;
}

export interface GroupFigures {
  key: string;
  closed: number;
  closedOnTime: number;
  onTimeRate: number | null;
  backlog: number;
}

export interface StepFigures {
  step: Step;
  completed: number;
  completedLate: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
}

export interface OverdueItem {
  caseId: string;
  step: Step;
  deadline: Date;
  assignee?: string;
  township?: string;
  escalationLevel: number;
}

export interface Kpis {
  /** 电子督办处置率: closed cases in the period whose every step met its deadline, over closed cases. */
  onTimeRate: number | null;
  closed: number;
  closedOnTime: number;
  backlog: number;
  overdue: number;
  /** Registration to closure, clock pauses excluded, over cases closed in the period. */
  medianHandlingSeconds: number | null;
  p90HandlingSeconds: number | null;
  townships: GroupFigures[];
  officers: GroupFigures[];
  steps: StepFigures[];
  overdueCases: OverdueItem[];
}

/** Linear interpolation between the closest ranks (numpy's default), on sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const low = sorted[lower] as number;
  const high = sorted[upper] as number;
  return low + (high - low) * (position - lower);
}

const stateOf = (entry: HistoryEntry): JsonObject => (entry.details.state ?? {}) as JsonObject;
const text = (value: unknown): string | undefined => (typeof value === 'string' && value.length > 0 ? value : undefined);

interface CaseFacts {
  caseId: string;
  createdAt: number;
  instances: StepInstance[];
  /** When it was finally closed (undefined when open, merged or reopened since). */
  closedAt?: number;
  closedTownship?: string;
  handler?: string;
  pausedMs: number;
  merged: boolean;
}

/** Replays one case's history into its step instances and closure facts. */
export function replayCase(entries: readonly HistoryEntry[], until: number): CaseFacts {
  const first = entries[0];
  const facts: CaseFacts = { caseId: first?.caseId ?? '', createdAt: first ? first.occurredAt.getTime() : 0, instances: [], pausedMs: 0, merged: false };
  let current: (StepInstance & { startedIso: string }) | undefined;
  let pausedSince: number | undefined;
  for (const entry of entries) {
    const at = entry.occurredAt.getTime();
    if (at > until) break;
    const state = stateOf(entry);
    if (entry.action === 'suspended') {
      pausedSince = at;
      continue;
    }
    if (entry.action === 'resumed') {
      if (pausedSince !== undefined) {
        const paused = at - pausedSince;
        facts.pausedMs += paused;
        if (current) {
          current.pausedMs += paused;
          const deadline = text(state.stepDeadline);
          if (deadline) current.deadline = Date.parse(deadline);
        }
      }
      pausedSince = undefined;
      continue;
    }
    const step = text(state.step) as Step | undefined;
    const startedIso = text(state.stepStartedAt);
    if (current && step === current.step && startedIso === current.startedIso) {
      const deadline = text(state.stepDeadline);
      if (deadline) current.deadline = Date.parse(deadline);
      continue;
    }
    if (current) {
      current.endedAt = at;
      current.completed = COMPLETED_BY[current.step].includes(entry.action);
      current.late = at > current.deadline;
      const { startedIso: _ignored, ...instance } = current;
      facts.instances.push(instance);
      current = undefined;
    }
    if (entry.action === 'resolved') facts.handler = text(stateOf(entry).assignee);
    if (step && startedIso) {
      const assignee = text(state.assignee);
      const township = text(state.township);
      current = {
        caseId: entry.caseId,
        step,
        startedAt: Date.parse(startedIso),
        startedIso,
        deadline: Date.parse(text(state.stepDeadline) ?? startedIso),
        pausedMs: 0,
        endedAt: 0,
        completed: false,
        late: false,
        ...(assignee ? { assignee } : {}),
        ...(township ? { township } : {}),
      };
    }
    if (entry.toStatus === 'closed') {
      facts.closedAt = at;
      const township = text(state.township);
      if (township) facts.closedTownship = township;
    } else if (entry.fromStatus === 'closed') {
      delete facts.closedAt;
    }
    facts.merged = entry.toStatus === 'merged';
  }
  return facts;
}

/**
 * The KPIs of the command center, computed from case histories only (never from counters that can drift).
 * `histories` holds each case's entries in sequence order.
 */
export function computeKpis(histories: ReadonlyArray<readonly HistoryEntry[]>, filter: KpiFilter): Kpis {
  const from = filter.from.getTime();
  const to = filter.to.getTime();
  const now = filter.now.getTime();
  const townships = new Map<string, GroupFigures>();
  const officers = new Map<string, GroupFigures>();
  const group = (map: Map<string, GroupFigures>, key: string | undefined): GroupFigures | undefined => {
    if (!key) return undefined;
    let figures = map.get(key);
    if (!figures) {
      figures = { key, closed: 0, closedOnTime: 0, onTimeRate: null, backlog: 0 };
      map.set(key, figures);
    }
    return figures;
  };
  const stepDurations: Record<Step, number[]> = { accept: [], arrive: [], handle: [], verify: [] };
  const stepLate: Record<Step, number> = { accept: 0, arrive: 0, handle: 0, verify: 0 };
  const handling: number[] = [];
  const overdueCases: OverdueItem[] = [];
  let closed = 0;
  let closedOnTime = 0;
  let backlog = 0;

  for (const entries of histories) {
    if (entries.length === 0) continue;
    const facts = replayCase(entries, to);
    // Filters apply to who and where the case was at its last entry within the period.
    const lastInPeriod = [...entries].reverse().find((entry) => entry.occurredAt.getTime() <= to);
    const lastState = lastInPeriod ? stateOf(lastInPeriod) : {};
    const township = facts.closedTownship ?? text(lastState.township);
    const officer = facts.handler ?? text(lastState.assignee);
    if (filter.townshipCode && township !== filter.townshipCode) continue;
    if (filter.officerId && officer !== filter.officerId && text(lastState.assignee) !== filter.officerId) continue;

    for (const instance of facts.instances) {
      if (!instance.completed || instance.endedAt < from || instance.endedAt >= to) continue;
      stepDurations[instance.step].push((instance.endedAt - instance.startedAt - instance.pausedMs) / 1000);
      if (instance.late) stepLate[instance.step] += 1;
    }
    if (facts.closedAt !== undefined && facts.closedAt >= from && facts.closedAt < to && !facts.merged) {
      const onTime = facts.instances.every((instance) => !instance.late);
      closed += 1;
      if (onTime) closedOnTime += 1;
      handling.push((facts.closedAt - facts.createdAt - facts.pausedMs) / 1000);
      for (const figures of [group(townships, township), group(officers, officer)]) {
        if (!figures) continue;
        figures.closed += 1;
        if (onTime) figures.closedOnTime += 1;
      }
    }
    if (lastInPeriod && OPEN_STATUSES.has(lastInPeriod.toStatus as CaseStatus)) {
      backlog += 1;
      const backlogTownship = group(townships, text(lastState.township));
      const backlogOfficer = group(officers, text(lastState.assignee));
      if (backlogTownship) backlogTownship.backlog += 1;
      if (backlogOfficer) backlogOfficer.backlog += 1;
    }
    const latest = entries[entries.length - 1] as HistoryEntry;
    const latestState = stateOf(latest);
    const deadline = text(latestState.stepDeadline);
    const step = text(latestState.step) as Step | undefined;
    if (OPEN_STATUSES.has(latest.toStatus) && latest.toStatus !== 'suspended' && deadline && step && Date.parse(deadline) < now) {
      const assignee = text(latestState.assignee);
      const caseTownship = text(latestState.township);
      overdueCases.push({
        caseId: latest.caseId,
        step,
        deadline: new Date(deadline),
        escalationLevel: typeof latestState.escalationLevel === 'number' ? latestState.escalationLevel : 0,
        ...(assignee ? { assignee } : {}),
        ...(caseTownship ? { township: caseTownship } : {}),
      });
    }
  }

  const rate = (figures: GroupFigures): GroupFigures => ({ ...figures, onTimeRate: figures.closed === 0 ? null : figures.closedOnTime / figures.closed });
  const sortedHandling = [...handling].sort((a, b) => a - b);
  return {
    onTimeRate: closed === 0 ? null : closedOnTime / closed,
    closed,
    closedOnTime,
    backlog,
    overdue: overdueCases.length,
    medianHandlingSeconds: percentile(sortedHandling, 0.5),
    p90HandlingSeconds: percentile(sortedHandling, 0.9),
    townships: [...townships.values()].map(rate).sort((a, b) => a.key.localeCompare(b.key)),
    officers: [...officers.values()].map(rate).sort((a, b) => a.key.localeCompare(b.key)),
    steps: (Object.keys(stepDurations) as Step[]).map((step) => {
      const sorted = [...stepDurations[step]].sort((a, b) => a - b);
      return { step, completed: sorted.length, completedLate: stepLate[step], medianSeconds: percentile(sorted, 0.5), p90Seconds: percentile(sorted, 0.9) };
    }),
    overdueCases: overdueCases.sort((a, b) => a.deadline.getTime() - b.deadline.getTime()),
  };
}

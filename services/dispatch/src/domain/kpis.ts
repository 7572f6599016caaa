import type { Step } from './case';

/**
 * The command center's KPIs (电子督办处置率 and the rest): what is asked and what comes back. They are aggregated by
 * the database from the case histories (adapters/postgres/pg-kpis.ts), never from counters that can drift.
 */

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

import { failedPrecondition } from '@ecogrid/domain-errors';
import { compareLevels, stricterLevel, type WarningLevel } from './warning-level';

export type WarningOrigin = 'city' | 'aqi_trigger';
export type WarningChangeKind = 'issued' | 'upgraded' | 'downgraded' | 'extended' | 'lifted';

/** One heavy-pollution episode. */
export interface Warning {
  warningId: string;
  level: WarningLevel;
  peakLevel: WarningLevel;
  status: 'active' | 'lifted';
  origin: WarningOrigin;
  drill: boolean;
  startsAt: Date;
  expectedEndAt?: Date;
  liftedAt?: Date;
  reason: string;
  issuedBy: string;
  listYear: number;
  listVersion: number;
  obligationCount: number;
  /** Number of changes so far (issued = 1); numbers the level activations too. */
  sequence: number;
}

export interface WarningTransition {
  warning: Warning;
  change: WarningChangeKind;
  previousLevel?: WarningLevel;
  /** The level whose measures start now (issued, upgraded, downgraded); the open obligations end first. */
  activate?: WarningLevel;
}

export interface IssueRequest {
  warningId: string;
  level: WarningLevel;
  startsAt: Date;
  expectedEndAt?: Date;
  reason: string;
  issuedBy: string;
  origin: WarningOrigin;
  drill: boolean;
  list: { year: number; version: number };
}

const later = (a: Date | undefined, b: Date | undefined): Date | undefined => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * Issues a warning, or folds it into the episode already active: consecutive warnings that do not clear are one
 * episode at the stricter level (STANDARDS §6.1). A milder or equal one only extends the expected end.
 */
export function issueWarning(active: Warning | undefined, request: IssueRequest): WarningTransition {
  if (request.expectedEndAt && request.expectedEndAt <= request.startsAt) throw failedPrecondition('预计结束时间须晚于开始时间 (the expected end must be after the start)', 'bad_window');
  if (!active) {
    const warning: Warning = {
      warningId: request.warningId,
      level: request.level,
      peakLevel: request.level,
      status: 'active',
      origin: request.origin,
      drill: request.drill,
      startsAt: request.startsAt,
      ...(request.expectedEndAt ? { expectedEndAt: request.expectedEndAt } : {}),
      reason: request.reason,
      issuedBy: request.issuedBy,
      listYear: request.list.year,
      listVersion: request.list.version,
      obligationCount: 0,
      sequence: 1,
    };
    return { warning, change: 'issued', activate: request.level };
  }
  const expectedEndAt = later(active.expectedEndAt, request.expectedEndAt);
  const merged: Warning = { ...active, sequence: active.sequence + 1, ...(expectedEndAt ? { expectedEndAt } : {}) };
  if (compareLevels(request.level, active.level) > 0) {
    return { warning: { ...merged, level: request.level, peakLevel: stricterLevel(active.peakLevel, request.level), reason: request.reason }, change: 'upgraded', previousLevel: active.level, activate: request.level };
  }
  return { warning: merged, change: 'extended', previousLevel: active.level };
}

/** Upgrades or downgrades an active warning; its open obligations end and the new level's start. */
export function changeWarningLevel(warning: Warning, level: WarningLevel, reason: string, expectedEndAt?: Date): WarningTransition {
  if (warning.status !== 'active') throw failedPrecondition(`预警 ${warning.warningId} 已解除 (the warning is lifted)`, 'warning_lifted');
  if (level === warning.level) throw failedPrecondition(`预警已是该级别 (the warning is already ${level})`, 'same_level');
  const end = later(warning.expectedEndAt, expectedEndAt);
  return {
    warning: { ...warning, level, peakLevel: stricterLevel(warning.peakLevel, level), reason: reason || warning.reason, sequence: warning.sequence + 1, ...(end ? { expectedEndAt: end } : {}) },
    change: compareLevels(level, warning.level) > 0 ? 'upgraded' : 'downgraded',
    previousLevel: warning.level,
    activate: level,
  };
}

/** Lifts an active warning; its open obligations end. */
export function liftWarning(warning: Warning, at: Date): WarningTransition {
  if (warning.status !== 'active') throw failedPrecondition(`预警 ${warning.warningId} 已解除 (the warning is already lifted)`, 'warning_lifted');
  return { warning: { ...warning, status: 'lifted', liftedAt: at, sequence: warning.sequence + 1 }, change: 'lifted', previousLevel: warning.level };
}

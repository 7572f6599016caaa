import { createHash } from 'node:crypto';
import type { AlertEvent, Evidence } from './model';
import { SEVERITIES, type SeverityName } from './rules/ruleset';

/** An alert that has been raised and not yet cleared. */
export interface OpenAlert {
  alertId: string;
  sequence: number;
  openedAt: number;
  severity: SeverityName;
  /** Value in the last published event, against which peak growth is measured. */
  publishedValue: number;
  /** Escalation reasons of the last published event. */
  reasons: string[];
  nearby: string[];
  nearbyReasons: string[];
}

/**
 * One run of readings of one rule on one subject (a device factor, a station pollutant-period…): counting
 * consecutive matches until the rule raises, then consecutive non-matches until it clears.
 * Plain data: it is checkpointed as JSON.
 */
export interface EpisodeState {
  /** Data time and observation of the first matching reading of the run: with the rule and subject they name the alert. */
  firstAt: number;
  count: number;
  peak: number;
  peakMultiple: number;
  /** The most recent matching readings (bounded). */
  evidence: Evidence[];
  open?: OpenAlert;
  /** Consecutive non-matching readings while open, with their evidence. */
  normal: number;
  clearEvidence: Evidence[];
}

export interface EpisodeSample {
  matched: boolean;
  time: number;
  value: number;
  /** 超标倍数 of the reading, 0 when not a limit rule or within the limit. */
  multiple: number;
  evidence: Evidence;
}

export interface EpisodePolicy {
  raiseAfter: { readings?: number | undefined; minutes?: number | undefined };
  clearAfterReadings: number;
  maxEvidence: number;
}

export type EpisodeStep = 'none' | 'raise' | 'continue' | 'clear';

const MINUTE = 60_000;

function push(list: Evidence[], item: Evidence, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** Whether a run of `count` readings spanning from `firstAt` to `time` satisfies a duration condition. */
export function durationMet(condition: EpisodePolicy['raiseAfter'], count: number, firstAt: number, time: number): boolean {
  if (condition.readings === undefined && condition.minutes === undefined) return count >= 1;
  if (condition.readings !== undefined && count >= condition.readings) return true;
  return condition.minutes !== undefined && time - firstAt >= condition.minutes * MINUTE;
}

/**
 * Advances an episode by one reading. A non-matching reading breaks a run that has not raised yet; an open alert
 * clears after `clearAfterReadings` non-matching readings in a row. Readings the caller ignores (suppressed flags)
 * never reach this function, so they neither raise nor clear.
 */
export function stepEpisode(state: EpisodeState | undefined, sample: EpisodeSample, policy: EpisodePolicy): { state: EpisodeState | undefined; step: EpisodeStep } {
  if (sample.matched) {
    const episode: EpisodeState = state ?? { firstAt: sample.time, count: 0, peak: sample.value, peakMultiple: 0, evidence: [], normal: 0, clearEvidence: [] };
    episode.count += 1;
    episode.peak = Math.max(episode.peak, sample.value);
    episode.peakMultiple = Math.max(episode.peakMultiple, sample.multiple);
    push(episode.evidence, sample.evidence, policy.maxEvidence);
    episode.normal = 0;
    episode.clearEvidence = [];
    if (episode.open) return { state: episode, step: 'continue' };
    return { state: episode, step: durationMet(policy.raiseAfter, episode.count, episode.firstAt, sample.time) ? 'raise' : 'none' };
  }
  if (!state) return { state: undefined, step: 'none' };
  if (!state.open) return { state: undefined, step: 'none' };
  state.normal += 1;
  push(state.clearEvidence, sample.evidence, policy.maxEvidence);
  if (state.normal >= policy.clearAfterReadings) return { state, step: 'clear' };
  return { state, step: 'none' };
}

/** Deterministic alert id: the same rule, device, subject and opening reading always give the same id. */
export function alertIdOf(ruleId: string, deviceMn: string, subject: string, firstAt: number): string {
  return `al_${createHash('sha256').update(`${ruleId}|${deviceMn}|${subject}|${new Date(firstAt).toISOString()}`).digest('hex').slice(0, 32)}`;
}

export function severityRank(severity: SeverityName): number {
  return SEVERITIES.indexOf(severity);
}

export function raiseSeverity(severity: SeverityName, levels: number): SeverityName {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(severity) + levels)] as SeverityName;
}

export interface EscalationStep {
  severity: SeverityName;
  afterReadings?: number | undefined;
  afterMinutes?: number | undefined;
  atMultiple?: number | undefined;
}

/**
 * The severity of an episode now: the rule's base, raised by every escalation step whose condition holds
 * (duration or exceedance multiple), then by the sensitive-target levels when targets are near.
 */
export function episodeSeverity(
  base: SeverityName,
  steps: readonly EscalationStep[],
  episode: Pick<EpisodeState, 'count' | 'firstAt' | 'peakMultiple'>,
  time: number,
  nearTargets: { levels: number; reasons: string[] },
): { severity: SeverityName; reasons: string[] } {
  let severity = base;
  const reasons: string[] = [];
  for (const step of steps) {
    const met: string[] = [];
    if (step.afterReadings !== undefined && episode.count >= step.afterReadings) met.push(`readings>=${step.afterReadings}`);
    if (step.afterMinutes !== undefined && time - episode.firstAt >= step.afterMinutes * MINUTE) met.push(`duration>=${step.afterMinutes}min`);
    if (step.atMultiple !== undefined && episode.peakMultiple >= step.atMultiple) met.push(`multiple>=${step.atMultiple}`);
    if (met.length > 0 && severityRank(step.severity) > severityRank(severity)) {
      severity = step.severity;
      reasons.push(...met.map((condition) => `${condition}:${step.severity}`));
    }
  }
  if (nearTargets.levels > 0 && nearTargets.reasons.length > 0) {
    severity = raiseSeverity(severity, nearTargets.levels);
    reasons.push(...nearTargets.reasons);
  }
  return { severity, reasons };
}

/** The fields of an alert event that do not depend on the episode's progress. */
export type AlertSubject = Omit<
  AlertEvent,
  'alertId' | 'sequence' | 'state' | 'severity' | 'escalationReasons' | 'value' | 'peakValue' | 'exceedanceMultiple' | 'openedAt' | 'changedAt' | 'evidence' | 'nearbyTargetIds'
>;

/** Builds the published event of an episode step. */
export function alertEventOf(
  subject: AlertSubject,
  episode: EpisodeState,
  open: OpenAlert,
  state: AlertEvent['state'],
  severity: { severity: SeverityName; reasons: string[] },
  value: number,
  time: number,
): AlertEvent {
  return {
    ...subject,
    alertId: open.alertId,
    sequence: open.sequence,
    state,
    severity: severity.severity,
    escalationReasons: severity.reasons,
    value,
    peakValue: episode.peak,
    exceedanceMultiple: episode.peakMultiple,
    openedAt: open.openedAt,
    changedAt: time,
    evidence: state === 'cleared' ? [...episode.evidence.slice(-1), ...episode.clearEvidence] : [...episode.evidence],
    nearbyTargetIds: open.nearby,
  };
}

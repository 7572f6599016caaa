import { findPollutant } from '@ecogrid/standards';
import type { DeviceState } from './device-state';
import type { TargetKindName } from './kinds';
import { alertEventOf, alertIdOf, episodeSeverity, stepEpisode, type AlertSubject, type EpisodeSample, type EscalationStep } from './episode';
import type { AlertEvent, DeviceProfile, StationAqi } from './model';
import type { CompiledRuleset } from './rules/compiled-ruleset';
import type { SeverityName } from './rules/ruleset';

/** Sensitive targets of the given kinds within `radiusM` of a point, nearest first. */
export type SensitiveTargetLookup = (location: { lon: number; lat: number }, radiusM: number, kinds: readonly TargetKindName[]) => Array<{ id: string; kind: TargetKindName; distanceM: number }>;

export interface EvaluationContext {
  rules: CompiledRuleset;
  device: DeviceProfile | undefined;
  targetsNear: SensitiveTargetLookup;
}

/** What evaluating readings (or a sweep) produced, in order. */
export interface Emitted {
  alerts: AlertEvent[];
  aqi: StationAqi[];
}

export interface EpisodeRule {
  id: string;
  version: string;
  severity: SeverityName;
  raiseAfter: { readings?: number | undefined; minutes?: number | undefined };
  clearAfterReadings: number;
  escalations: readonly EscalationStep[];
  escalateNearTargets: boolean;
}

export function factorName(code: string): string {
  return findPollutant(code)?.nameZh ?? code;
}

/** Sensitive targets within their kind's radius of the device, as ids and escalation reasons. */
export function nearTargets(context: EvaluationContext): { ids: string[]; reasons: string[] } {
  const location = context.device?.location;
  const { rules } = context;
  if (!location || rules.maxTargetRadius <= 0) return { ids: [], reasons: [] };
  const ids: string[] = [];
  const reasons: string[] = [];
  for (const target of context.targetsNear(location, rules.maxTargetRadius, [...rules.targetRadius.keys()])) {
    const radius = rules.targetRadius.get(target.kind);
    if (radius === undefined || target.distanceM > radius) continue;
    ids.push(target.id);
    reasons.push(`near:${target.kind}:${target.id}@${Math.round(target.distanceM)}m`);
  }
  return { ids, reasons };
}

/**
 * Whether a reading can change anything for a rule and subject: it matches, or an episode is in progress. Most
 * readings match nothing, and skipping them before the sample and its evidence are built keeps them cheap.
 */
export function episodeMayStep(state: DeviceState, ruleId: string, subjectKey: string, matched: boolean): boolean {
  return matched || state.episodes[`${ruleId}|${subjectKey}`] !== undefined;
}

/** Whether the device has any episode in progress. */
export function hasEpisodes(state: DeviceState): boolean {
  for (const _key in state.episodes) return true;
  return false;
}

/**
 * Feeds one reading to one rule's episode on one subject and emits the alert events the step calls for:
 * RAISED when the duration condition is met (severity from escalations and nearby sensitive targets),
 * UPDATED when the severity changes or the value grows past the last published one by the ruleset's step,
 * CLEARED after the rule's run of non-matching readings.
 */
export function runEpisode(
  state: DeviceState,
  rule: EpisodeRule,
  subjectKey: string,
  subject: () => AlertSubject,
  sample: EpisodeSample,
  context: EvaluationContext,
  out: Emitted,
  options: { updateOnPeak?: boolean; onRaise?: (evidence: EpisodeSample['evidence'][]) => void } = {},
): void {
  const key = `${rule.id}|${subjectKey}`;
  const ruleset = context.rules.source;
  const { state: episode, step } = stepEpisode(state.episodes[key], sample, {
    raiseAfter: rule.raiseAfter,
    clearAfterReadings: rule.clearAfterReadings,
    maxEvidence: ruleset.maxEvidence,
  });
  if (episode) state.episodes[key] = episode;
  else delete state.episodes[key];
  if (step === 'none' || !episode) return;
  const escalateBy = ruleset.sensitiveTargets.escalateBy;

  if (step === 'raise') {
    const near = rule.escalateNearTargets ? nearTargets(context) : { ids: [], reasons: [] };
    const severity = episodeSeverity(rule.severity, rule.escalations, episode, sample.time, { levels: near.ids.length > 0 ? escalateBy : 0, reasons: near.reasons });
    options.onRaise?.(episode.evidence);
    episode.open = {
      alertId: alertIdOf(rule.id, state.mn, subjectKey, episode.firstAt),
      sequence: 1,
      openedAt: sample.time,
      severity: severity.severity,
      reasons: severity.reasons,
      publishedValue: sample.value,
      nearby: near.ids,
      nearbyReasons: near.reasons,
    };
    out.alerts.push(alertEventOf(subject(), episode, episode.open, 'raised', severity, sample.value, sample.time));
    return;
  }
  const open = episode.open;
  if (!open) return;
  if (step === 'continue') {
    const severity = episodeSeverity(rule.severity, rule.escalations, episode, sample.time, { levels: open.nearby.length > 0 ? escalateBy : 0, reasons: open.nearbyReasons });
    const grew = options.updateOnPeak === true && sample.value > open.publishedValue * (1 + ruleset.updateOnPeakIncrease);
    if (severity.severity === open.severity && !grew) return;
    open.sequence += 1;
    open.severity = severity.severity;
    open.reasons = severity.reasons;
    open.publishedValue = sample.value;
    out.alerts.push(alertEventOf(subject(), episode, open, 'updated', severity, sample.value, sample.time));
    return;
  }
  open.sequence += 1;
  out.alerts.push(alertEventOf(subject(), episode, open, 'cleared', { severity: open.severity, reasons: open.reasons }, sample.value, sample.time));
  delete state.episodes[key];
}

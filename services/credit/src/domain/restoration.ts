import { addMonths } from './period';
import type { Rating } from './rate-enterprise';
import type { RestorationRule, Ruleset } from './ruleset';

export interface RestorationCondition {
  condition: 'level_restorable' | 'not_vetoed' | 'time_since_deduction' | 'rectification_verified' | 'no_repeat';
  met: boolean;
  detail: string;
}

export interface RestorationAssessment {
  rule?: RestorationRule;
  eligible: boolean;
  conditions: RestorationCondition[];
  /** The records an approval cancels (核销): every counted deduction that occurred before the application. */
  cancels: string[];
}

/**
 * Checks an application for restoration against the ruleset's rule for the current level: time since the newest
 * deduction, a rectification case verified after it, no deduction since that verification, and no veto unless the
 * rule allows one. Pure: `at` is the moment of the application or of its review.
 */
export function assessRestoration(ruleset: Ruleset, rating: Rating, rectificationCaseId: string, at: Date): RestorationAssessment {
  const rule = ruleset.restoration.find((candidate) => candidate.fromLevels.includes(rating.level));
  const conditions: RestorationCondition[] = [];
  if (!rule) {
    conditions.push({ condition: 'level_restorable', met: false, detail: `ruleset ${ruleset.version} has no restoration from level ${rating.level}` });
    return { eligible: false, conditions, cancels: [] };
  }
  conditions.push({ condition: 'level_restorable', met: true, detail: `${rule.id} applies to level ${rating.level}` });
  if (!rule.vetoRestorable) conditions.push({ condition: 'not_vetoed', met: !rating.vetoed, detail: rating.vetoed ? 'a one-vote veto stays for the evaluation period' : 'no veto' });

  const deductions = rating.counted.filter((counted) => counted.points > 0 || counted.ruleId !== undefined).filter((counted) => counted.item.occurredAt.getTime() <= at.getTime());
  const newest = deductions.reduce<Date | undefined>((latest, counted) => (!latest || counted.item.occurredAt > latest ? counted.item.occurredAt : latest), undefined);
  if (!newest) conditions.push({ condition: 'time_since_deduction', met: false, detail: 'nothing to restore: no deduction counts' });
  else {
    const due = addMonths(newest, rule.minMonthsSinceDeduction);
    conditions.push({ condition: 'time_since_deduction', met: at >= due, detail: `newest deduction ${newest.toISOString()}, may apply from ${due.toISOString()}` });
  }

  const rectification = rating.counted.find((counted) => counted.item.kind === 'case' && counted.item.key === `case:${rectificationCaseId}`);
  const verifiedAt = rectification?.item.verifiedAt;
  if (rule.requiresVerifiedCase) {
    const met = verifiedAt !== undefined && (!newest || verifiedAt >= newest) && verifiedAt <= at;
    conditions.push({
      condition: 'rectification_verified',
      met,
      detail: !rectification ? `case ${rectificationCaseId || '(none)'} is not in this enterprise's ledger for the period` : verifiedAt ? `case ${rectificationCaseId} verified ${verifiedAt.toISOString()}` : `case ${rectificationCaseId} is not verified`,
    });
  }
  if (rule.requiresNoRepeat) {
    const since = verifiedAt ?? newest;
    const repeats = since ? deductions.filter((counted) => counted.points > 0 && counted.item.occurredAt > since && counted.item.key !== `case:${rectificationCaseId}`) : [];
    conditions.push({ condition: 'no_repeat', met: repeats.length === 0, detail: repeats.length === 0 ? 'no new violation since the rectification' : `${repeats.length} new violation(s): ${repeats.map((counted) => counted.item.recordIds[0]).join(', ')}` });
  }
  const eligible = conditions.every((condition) => condition.met);
  const cancels = deductions.filter((counted) => counted.points > 0).flatMap((counted) => counted.item.recordIds);
  return { rule, eligible, conditions, cancels };
}

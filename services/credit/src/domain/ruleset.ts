/**
 * A credit ruleset is data: levels, indicators, deduction rules, vetoes, restoration rules and the measures of
 * joint punishment, for one jurisdiction and one effective period. The engine (`rate-enterprise.ts`) reads any of
 * them; nothing about a profile is written in code. Values the sources are unsure of say so in `source`.
 */

/** How sure we are of a value (../shared/STANDARDS.md §5 marks each point). */
export type Certainty = 'official' | 'third_party' | 'recollection' | 'placeholder';

export interface SourceNote {
  certainty: Certainty;
  /** Where the value comes from, or why it is a placeholder. */
  note: string;
}

export interface Text {
  zh: string;
  en: string;
}

export type Colour = 'green' | 'blue' | 'yellow' | 'red' | 'black';

export interface Level {
  /** The ruleset's own code: `green` or `A`. */
  code: string;
  colour: Colour;
  name: Text;
  /** The lowest score of the level; levels are listed best first and the last has 0. */
  minScore: number;
  /** Joint punishment (联合惩戒) applies at this level, with these measures. */
  jointMeasures: readonly Text[];
}

/**
 * What an evidence item exposes to rules: numbers (`multiple`, `durationHours`, `amountYuan`, `percent`,
 * `rectificationDays`) and labels (`status`, `source`, `violation`, `vetoCode`).
 */
export type EvidenceKind = 'exceedance' | 'case' | 'penalty' | 'inspection' | 'complaint' | 'veto_event' | 'monitoring_completeness';

export interface MeasureCondition {
  measure: string;
  /** Inclusive lower edge. */
  atLeast?: number;
  /** Exclusive upper edge. */
  below?: number;
}

export interface LabelCondition {
  label: string;
  in: readonly string[];
}

export interface DeductionRule {
  id: string;
  text: Text;
  indicator: string;
  evidence: EvidenceKind;
  measures?: readonly MeasureCondition[];
  labels?: readonly LabelCondition[];
  /** Points taken off the indicator (weighted profile) or off the total (points profile), per evidence item. */
  points: number;
  source: SourceNote;
}

export interface Indicator {
  id: string;
  category: string;
  name: Text;
  /** Percent of the total in a weighted profile; 0 in a points profile. */
  weight: number;
  source: SourceNote;
}

export interface VetoRule {
  id: string;
  text: Text;
  /** Veto codes (`veto_event` records) that trigger the rule. */
  codes: readonly string[];
  /** `worst_level`: straight to the last level (一票否决); `downgrade_one`: one level down. */
  effect: 'worst_level' | 'downgrade_one';
  source: SourceNote;
}

export interface RestorationRule {
  id: string;
  text: Text;
  /** Levels an application may start from. */
  fromLevels: readonly string[];
  /** Months since the newest counted deduction (the level's cause) before one may apply. */
  minMonthsSinceDeduction: number;
  /** A rectification case against the enterprise, verified after the newest deduction. */
  requiresVerifiedCase: boolean;
  /** No deducted evidence after the rectification was verified (没有新的违法行为). */
  requiresNoRepeat: boolean;
  /** Whether a veto can be restored within the period at all. */
  vetoRestorable: boolean;
  /** Working days the bureau has to review (informational: shown with the application). */
  reviewWorkingDays: number;
  /** Roles that may approve; the approver is never the applicant (four eyes). */
  approverRoles: readonly string[];
  source: SourceNote;
}

export interface Ruleset {
  id: string;
  version: string;
  jurisdiction: string;
  name: Text;
  /** `weighted`: Σ weight × indicator score (each indicator starts at 100). `points`: start at `initialScore`, subtract. */
  model: 'weighted' | 'points';
  initialScore: number;
  /** ISO dates (China Standard Time); `to` exclusive, absent while in force. */
  effective: { from: string; to?: string };
  source: SourceNote;
  /** Where the levels' score edges come from. */
  levelEdges: SourceNote;
  levels: readonly Level[];
  indicators: readonly Indicator[];
  deductions: readonly DeductionRule[];
  vetoes: readonly VetoRule[];
  restoration: readonly RestorationRule[];
}

/** Everything wrong with a ruleset, so a bad file stops the start instead of rating with it. */
export function validateRuleset(ruleset: Ruleset): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const unique = (id: string): void => {
    if (ids.has(id)) problems.push(`duplicate rule id ${id}`);
    ids.add(id);
  };
  if (ruleset.levels.length < 2) problems.push('a ruleset needs at least two levels');
  ruleset.levels.forEach((level, index) => {
    const next = ruleset.levels[index + 1];
    if (next && next.minScore >= level.minScore) problems.push(`level ${next.code} must start below ${level.code}`);
  });
  if (ruleset.levels.at(-1)?.minScore !== 0) problems.push('the last level must start at 0');
  const indicators = new Set(ruleset.indicators.map((indicator) => indicator.id));
  if (ruleset.model === 'weighted') {
    const total = ruleset.indicators.reduce((sum, indicator) => sum + indicator.weight, 0);
    if (total <= 0) problems.push('weights of a weighted ruleset must add up to more than 0');
  }
  const levelCodes = new Set(ruleset.levels.map((level) => level.code));
  for (const rule of ruleset.deductions) {
    unique(rule.id);
    if (!indicators.has(rule.indicator)) problems.push(`${rule.id}: unknown indicator ${rule.indicator}`);
    if (!(rule.points > 0)) problems.push(`${rule.id}: points must be positive`);
    for (const condition of rule.measures ?? []) {
      if (condition.atLeast === undefined && condition.below === undefined) problems.push(`${rule.id}: ${condition.measure} has no edge`);
      if (condition.atLeast !== undefined && condition.below !== undefined && condition.below <= condition.atLeast) problems.push(`${rule.id}: empty range of ${condition.measure}`);
    }
  }
  for (const rule of ruleset.vetoes) {
    unique(rule.id);
    if (rule.codes.length === 0) problems.push(`${rule.id}: no veto codes`);
  }
  for (const rule of ruleset.restoration) {
    unique(rule.id);
    for (const level of rule.fromLevels) if (!levelCodes.has(level)) problems.push(`${rule.id}: unknown level ${level}`);
  }
  return problems;
}

/** The level a score falls in: the first (best) whose lower edge the score reaches. */
export function levelOfScore(ruleset: Ruleset, score: number): Level {
  for (const level of ruleset.levels) if (score >= level.minScore) return level;
  return ruleset.levels[ruleset.levels.length - 1] as Level;
}

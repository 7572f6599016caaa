import type { LedgerRecord } from './ledger';
import { evidenceItems, exclusionsOf, type EvidenceItem, type Exclusions } from './evidence';
import type { Period } from './period';
import { levelOfScore, type Colour, type DeductionRule, type Level, type Ruleset, type Text, type VetoRule } from './ruleset';

/** A rule that fired, with the records it read. */
export interface RuleApplication {
  ruleId: string;
  ruleText: Text;
  points: number;
  recordIds: string[];
}

export interface IndicatorResult {
  id: string;
  name: Text;
  category: string;
  weight: number;
  /** Weighted: the indicator's score 0–100. Points: the points deducted under it, as a negative number. */
  points: number;
  /** 1 (80–100), 2 (50–79), 3 (0–49) for a weighted indicator; 0 for a points profile. */
  band: number;
  deductions: RuleApplication[];
}

/** An item the rules counted, for restoration's conditions. */
export interface CountedItem {
  item: EvidenceItem;
  ruleId?: string;
  points: number;
}

export interface Rating {
  uscc: string;
  rulesetId: string;
  rulesetVersion: string;
  period: string;
  score: number;
  level: string;
  colour: Colour;
  vetoed: boolean;
  indicators: IndicatorResult[];
  vetoes: RuleApplication[];
  excludedRecordIds: string[];
  /** Records behind the counted items. */
  evidenceCount: number;
  /** The enterprise's last ledger sequence the rating read. */
  ledgerSequence: number;
  reason: Text;
  jointPunishment: boolean;
  jointMeasures: Text[];
  counted: CountedItem[];
}

const matches = (rule: DeductionRule, item: EvidenceItem): boolean =>
  rule.evidence === item.kind &&
  (rule.measures ?? []).every((condition) => {
    const value = item.measures[condition.measure];
    if (value === undefined) return false;
    return (condition.atLeast === undefined || value >= condition.atLeast) && (condition.below === undefined || value < condition.below);
  }) &&
  (rule.labels ?? []).every((condition) => condition.in.includes(item.labels[condition.label] ?? ''));

/** The first deduction rule, in ruleset order, that an item meets. */
export function deductionFor(ruleset: Ruleset, item: EvidenceItem): DeductionRule | undefined {
  return ruleset.deductions.find((rule) => matches(rule, item));
}

const vetoFor = (ruleset: Ruleset, item: EvidenceItem): VetoRule | undefined =>
  item.kind === 'veto_event' ? ruleset.vetoes.find((rule) => rule.codes.includes(item.labels.vetoCode ?? '')) : undefined;

/** Exact to the hundredth: sums of integers times percentages, rounded once at the end. */
const hundredths = (value: number): number => Math.round(value * 100) / 100;

const bandOf = (score: number): number => (score >= 80 ? 1 : score >= 50 ? 2 : 3);

const excluded = (item: EvidenceItem, exclusions: Exclusions): boolean =>
  item.recordIds.some((id) => exclusions.suspended.has(id) || exclusions.voided.has(id) || exclusions.cancelled.has(id));

/**
 * Rates one enterprise for one period from its ledger records alone: the same records and ruleset always give the
 * same rating, which is what lets a rebuild from the ledger reproduce the stored ratings exactly. `records` may leave
 * out evidence recorded as occurring before the period (it cannot count in it); `headSequence` then names the chain's
 * end.
 *
 * Each evidence item takes the first deduction rule it meets. Weighted profile: every indicator starts at 100,
 * loses its deductions (not below 0) and weighs in by its weight. Points profile: the total starts at
 * `initialScore` and loses every deduction (not below 0). Then a veto sends the rating to the last level, and a
 * downgrade rule moves it one level down.
 */
export function rateEnterprise(ruleset: Ruleset, uscc: string, records: readonly LedgerRecord[], period: Period, headSequence?: number): Rating {
  const exclusions = exclusionsOf(records);
  const items = evidenceItems(records, period);
  const perIndicator = new Map<string, RuleApplication[]>();
  const vetoes: RuleApplication[] = [];
  const counted: CountedItem[] = [];
  const excludedIds = new Set<string>();
  let evidenceCount = 0;
  for (const item of items) {
    if (excluded(item, exclusions)) {
      for (const id of item.recordIds) excludedIds.add(id);
      continue;
    }
    evidenceCount += item.recordIds.length;
    const veto = vetoFor(ruleset, item);
    if (veto) {
      vetoes.push({ ruleId: veto.id, ruleText: veto.text, points: 0, recordIds: item.recordIds });
      counted.push({ item, ruleId: veto.id, points: 0 });
      continue;
    }
    const rule = deductionFor(ruleset, item);
    counted.push(rule ? { item, ruleId: rule.id, points: rule.points } : { item, points: 0 });
    if (!rule) continue;
    const list = perIndicator.get(rule.indicator) ?? [];
    const same = list.find((application) => application.ruleId === rule.id);
    if (same) {
      same.points += rule.points;
      same.recordIds.push(...item.recordIds);
    } else list.push({ ruleId: rule.id, ruleText: rule.text, points: rule.points, recordIds: [...item.recordIds] });
    perIndicator.set(rule.indicator, list);
  }

  const indicators: IndicatorResult[] = ruleset.indicators.map((indicator) => {
    const deductions = perIndicator.get(indicator.id) ?? [];
    const deducted = deductions.reduce((sum, application) => sum + application.points, 0);
    const points = ruleset.model === 'weighted' ? Math.max(0, 100 - deducted) : -deducted;
    return { id: indicator.id, name: indicator.name, category: indicator.category, weight: indicator.weight, points, band: ruleset.model === 'weighted' ? bandOf(points) : 0, deductions };
  });
  let score: number;
  if (ruleset.model === 'weighted') {
    const totalWeight = ruleset.indicators.reduce((sum, indicator) => sum + indicator.weight, 0);
    score = hundredths((indicators.reduce((sum, indicator) => sum + indicator.weight * indicator.points, 0) / totalWeight) * (ruleset.initialScore / 100));
  } else {
    score = hundredths(Math.max(0, ruleset.initialScore + indicators.reduce((sum, indicator) => sum + indicator.points, 0)));
  }

  let level: Level = levelOfScore(ruleset, score);
  const worst = ruleset.levels[ruleset.levels.length - 1] as Level;
  const vetoRules = vetoes.map((application) => ruleset.vetoes.find((rule) => rule.id === application.ruleId) as VetoRule);
  const vetoed = vetoRules.some((rule) => rule.effect === 'worst_level');
  let reason: Text;
  if (vetoed) {
    level = worst;
    const first = vetoes[vetoRules.findIndex((rule) => rule.effect === 'worst_level')] as RuleApplication;
    reason = { zh: `一票否决：${first.ruleText.zh}（${first.recordIds.join('、')}）`, en: `One-vote veto: ${first.ruleText.en} (${first.recordIds.join(', ')})` };
  } else if (vetoRules.some((rule) => rule.effect === 'downgrade_one')) {
    const index = ruleset.levels.indexOf(level);
    level = ruleset.levels[Math.min(index + 1, ruleset.levels.length - 1)] as Level;
    reason = { zh: `得分 ${score}，因降级事件降一级`, en: `Score ${score}, one level down for a downgrade event` };
  } else {
    reason = { zh: `得分 ${score}`, en: `Score ${score}` };
  }
  return {
    uscc,
    rulesetId: ruleset.id,
    rulesetVersion: ruleset.version,
    period: period.id,
    score,
    level: level.code,
    colour: level.colour,
    vetoed,
    indicators,
    vetoes,
    excludedRecordIds: [...excludedIds],
    evidenceCount,
    ledgerSequence: headSequence ?? records.at(-1)?.sequence ?? 0,
    reason,
    jointPunishment: level.jointMeasures.length > 0,
    jointMeasures: [...level.jointMeasures],
    counted,
  };
}

/** Whether two ratings say the same thing (what is stored and published), ignoring the explanation. */
export function sameRating(a: Pick<Rating, 'score' | 'level' | 'vetoed' | 'rulesetVersion' | 'period'>, b: Pick<Rating, 'score' | 'level' | 'vetoed' | 'rulesetVersion' | 'period'>): boolean {
  return a.score === b.score && a.level === b.level && a.vetoed === b.vetoed && a.rulesetVersion === b.rulesetVersion && a.period === b.period;
}

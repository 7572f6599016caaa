import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCENARIO_METRICS, SUMMARY_TREND_STATS, thresholdsFor, type ScenarioSlo, type Slo } from '../k6/lib/slo-thresholds.js';
import type { K6Summary } from './k6-summary';

export { SCENARIO_METRICS, SUMMARY_TREND_STATS, thresholdsFor, type ScenarioSlo, type Slo };

export const SLO_FILE = resolve(__dirname, '../slo.json');

/** slo.json, the one file both k6 and this harness take their targets and thresholds from. */
export function loadSlo(file = SLO_FILE): Slo {
  return JSON.parse(readFileSync(file, 'utf8')) as Slo;
}

export interface ThresholdVerdict {
  metric: string;
  expression: string;
  /** The value the expression was judged on, or null when the summary lacks the metric. */
  value: number | null;
  ok: boolean;
}

const EXPRESSION = /^(p\([\d.]+\)|avg|min|med|max|rate|count)\s*(<=|>=|<|>|==)\s*(-?[\d.]+)$/;

function compare(value: number, operator: string, limit: number): boolean {
  switch (operator) {
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    default:
      return value === limit;
  }
}

/**
 * Judges a k6-shaped summary — k6's own `handleSummary` data or this harness's — against the thresholds
 * slo.json gives a scenario, as k6 would: a missing metric fails (nothing measured is not a pass), except
 * `dropped_iterations`, which k6 leaves out of a summary when there were none.
 */
export function checkThresholds(slo: Slo, summary: K6Summary, scenario: string): ThresholdVerdict[] {
  const verdicts: ThresholdVerdict[] = [];
  for (const [metric, expressions] of Object.entries(thresholdsFor(slo, scenario))) {
    const values = summary.metrics[metric]?.values;
    for (const expression of expressions) {
      const match = EXPRESSION.exec(expression.replace(/\s+/g, ''));
      if (!match) throw new Error(`threshold ${expression} is not understood`);
      const [, statistic = '', operator = '', limitText = ''] = match;
      let value = values?.[statistic];
      if (value === undefined && metric.startsWith('dropped_iterations') && statistic === 'count') value = 0;
      verdicts.push({ metric, expression, value: value ?? null, ok: value !== undefined && compare(value, operator, Number(limitText)) });
    }
  }
  return verdicts;
}

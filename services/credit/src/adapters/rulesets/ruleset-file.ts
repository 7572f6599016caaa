import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Ruleset } from '../../domain/ruleset';

const text = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const source = z.object({ certainty: z.enum(['official', 'third_party', 'recollection', 'placeholder']), note: z.string().min(1) });
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The shape of a ruleset file; what the values mean is checked afterwards by `validateRuleset`. */
const rulesetSchema = z.object({
  id: z.string().min(1),
  version: z.string().min(1),
  jurisdiction: z.string().min(1),
  name: text,
  model: z.enum(['weighted', 'points']),
  initialScore: z.number().positive(),
  effective: z.object({ from: isoDate, to: isoDate.optional() }),
  source,
  levelEdges: source,
  levels: z.array(z.object({ code: z.string().min(1), colour: z.enum(['green', 'blue', 'yellow', 'red', 'black']), name: text, minScore: z.number().min(0), jointMeasures: z.array(text) })),
  indicators: z.array(z.object({ id: z.string().min(1), category: z.string().min(1), name: text, weight: z.number().min(0), source })),
  deductions: z.array(
    z.object({
      id: z.string().min(1),
      text,
      indicator: z.string().min(1),
      evidence: z.enum(['exceedance', 'case', 'penalty', 'inspection', 'complaint', 'veto_event', 'monitoring_completeness']),
      measures: z.array(z.object({ measure: z.string().min(1), atLeast: z.number().optional(), below: z.number().optional() })).optional(),
      labels: z.array(z.object({ label: z.string().min(1), in: z.array(z.string()) })).optional(),
      points: z.number().positive(),
      source,
    }),
  ),
  vetoes: z.array(z.object({ id: z.string().min(1), text, codes: z.array(z.string().min(1)), effect: z.enum(['worst_level', 'downgrade_one']), source })),
  restoration: z.array(
    z.object({
      id: z.string().min(1),
      text,
      fromLevels: z.array(z.string()),
      minMonthsSinceDeduction: z.number().int().min(0),
      requiresVerifiedCase: z.boolean(),
      requiresNoRepeat: z.boolean(),
      vetoRestorable: z.boolean(),
      reviewWorkingDays: z.number().int().min(0),
      approverRoles: z.array(z.string().min(1)),
      source,
    }),
  ),
});

/** A ruleset from JSON (e.g. a new version issued between releases); a malformed one stops the start, naming the field. */
export function parseRulesetJson(json: unknown, origin: string): Ruleset {
  const parsed = rulesetSchema.safeParse(json);
  if (!parsed.success) throw new Error(`ruleset ${origin}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const { effective, ...rest } = parsed.data;
  return { ...rest, effective: effective.to ? { from: effective.from, to: effective.to } : { from: effective.from } } as Ruleset;
}

export function readRulesetFile(path: string): Ruleset {
  return parseRulesetJson(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

/**
 * Rule-by-rule tests generated from every shipped ruleset: each level edge, each edge of each deduction rule, each
 * veto code and each restoration condition. A rule added to a ruleset is tested without a line written here.
 */
import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '@ecogrid/hash-chain';
import { facts } from './evidence';
import { sealRecord, type LedgerRecord, type RecordDraft } from './ledger';
import { addMonths, periodById } from './period';
import { deductionFor, rateEnterprise } from './rate-enterprise';
import { assessRestoration } from './restoration';
import { levelOfScore, validateRuleset, type DeductionRule, type Ruleset } from './ruleset';
import { SHIPPED_RULESETS } from './rulesets';
import { evidenceItems } from './evidence';

const USCC = '91140802MA0K0001XY';
const PERIOD = periodById('2026');
const T0 = new Date('2026-02-10T02:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Builds an enterprise's chain from drafts, in order. */
function chain(drafts: Array<Omit<RecordDraft, 'uscc' | 'actor'> & { actor?: string }>): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  for (const draft of drafts) records.push(sealRecord({ uscc: USCC, actor: 'test', ...draft }, records.at(-1), draft.occurredAt, GENESIS_HASH));
  return records;
}

let counter = 0;
const nextId = (): string => `src-${(counter += 1)}`;

/** Drafts whose evidence item has exactly these measures and labels. */
function draftsFor(kind: DeductionRule['evidence'], measures: Record<string, number>, labels: Record<string, string>, at: Date = T0): Array<Omit<RecordDraft, 'uscc' | 'actor'>> {
  const id = nextId();
  switch (kind) {
    case 'exceedance': {
      const changedAt = new Date(at.getTime() + (measures.durationHours ?? 1) * HOUR);
      return [
        {
          kind,
          sourceEventId: id,
          occurredAt: at,
          facts: facts.exceedance({ alertId: id, alertSequence: 1, state: 'raised', deviceMn: 'MN1', factorCode: 'a21026', multiple: measures.multiple ?? 0.2, openedAt: at.toISOString(), changedAt: changedAt.toISOString() }),
        },
      ];
    }
    case 'case': {
      const source = (labels.source ?? 'patrol') as 'patrol';
      const created = { kind, sourceEventId: `${id}:1`, occurredAt: at, facts: facts.case({ caseId: id, caseSequence: 1, status: 'registered', source, createdAt: at.toISOString() }) };
      if (labels.status === 'open') return [created];
      const verifiedAt = new Date(at.getTime() + (measures.rectificationDays ?? 5) * DAY);
      return [created, { kind, sourceEventId: `${id}:2`, occurredAt: verifiedAt, facts: facts.case({ caseId: id, caseSequence: 2, status: 'verified', source, createdAt: at.toISOString() }) }];
    }
    case 'penalty':
      return [{ kind, sourceEventId: id, occurredAt: at, facts: facts.penalty({ decisionNumber: `运环罚〔2026〕${counter}号`, amountYuan: measures.amountYuan ?? 50_000, legalBasis: '大气污染防治法第九十九条', summary: '' }) }];
    case 'inspection':
      return [{ kind, sourceEventId: id, occurredAt: at, facts: facts.inspection({ violationFound: labels.violation !== 'no', reference: id, summary: '' }) }];
    case 'complaint':
      return [{ kind, sourceEventId: id, occurredAt: at, facts: facts.complaint({ reference: id, summary: '' }) }];
    case 'veto_event':
      return [{ kind, sourceEventId: id, occurredAt: at, facts: facts.vetoEvent({ vetoCode: labels.vetoCode ?? '', reference: id, summary: '' }) }];
    case 'monitoring_completeness':
      return [{ kind, sourceEventId: id, occurredAt: at, facts: facts.monitoringCompleteness({ percent: measures.percent ?? 80, reference: id }) }];
  }
}

/** A value inside every condition of the rule, measure by measure. */
function insideValues(rule: DeductionRule): Record<string, number> {
  const values: Record<string, number> = {};
  for (const condition of rule.measures ?? []) values[condition.measure] = condition.atLeast ?? Math.max(0, (condition.below ?? 1) - 0.01);
  return values;
}
const insideLabels = (rule: DeductionRule): Record<string, string> => Object.fromEntries((rule.labels ?? []).map((condition) => [condition.label, condition.in[0] as string]));

function itemOf(rule: DeductionRule, measures: Record<string, number>, labels: Record<string, string>) {
  const items = evidenceItems(chain(draftsFor(rule.evidence, measures, labels)), PERIOD);
  expect(items).toHaveLength(1);
  return items[0]!;
}

/** Adds deductions round-robin over indicators until the rating reaches one of `levels`. */
function recordsReaching(ruleset: Ruleset, levels: readonly string[]): Array<Omit<RecordDraft, 'uscc' | 'actor'>> {
  const drafts: Array<Omit<RecordDraft, 'uscc' | 'actor'>> = [];
  const rules = ruleset.deductions.filter((rule) => rule.evidence !== 'case');
  for (let round = 0; round < 400; round += 1) {
    const rule = rules[round % rules.length]!;
    drafts.push(...draftsFor(rule.evidence, insideValues(rule), insideLabels(rule), new Date(T0.getTime() + round * HOUR)));
    if (levels.includes(rateEnterprise(ruleset, USCC, chain(drafts), PERIOD).level)) return drafts;
  }
  throw new Error(`${ruleset.version}: no deductions reach ${levels.join('/')}`);
}

for (const ruleset of SHIPPED_RULESETS) {
  describe(`ruleset ${ruleset.version} (${ruleset.name.en})`, () => {
    it('is valid and names a source for every value', () => {
      expect(validateRuleset(ruleset)).toEqual([]);
      for (const part of [...ruleset.indicators, ...ruleset.deductions, ...ruleset.vetoes, ...ruleset.restoration]) expect(part.source.note.length).toBeGreaterThan(0);
    });

    it('rates an enterprise without evidence at the best level with the initial score', () => {
      const rating = rateEnterprise(ruleset, USCC, [], PERIOD);
      expect(rating.score).toBe(ruleset.initialScore);
      expect(rating.level).toBe(ruleset.levels[0]!.code);
    });

    ruleset.levels.forEach((level, index) => {
      const below = ruleset.levels[index + 1];
      it(`level ${level.code}: starts at ${level.minScore}${below ? `; ${level.minScore - 0.01} is ${below.code}` : ''}`, () => {
        expect(levelOfScore(ruleset, level.minScore).code).toBe(level.code);
        if (below) expect(levelOfScore(ruleset, level.minScore - 0.01).code).toBe(below.code);
      });
    });

    for (const rule of ruleset.deductions) {
      describe(`deduction ${rule.id}`, () => {
        it(`takes ${rule.points} points under ${rule.indicator} for one ${rule.evidence} inside every edge`, () => {
          const records = chain(draftsFor(rule.evidence, insideValues(rule), insideLabels(rule)));
          const rating = rateEnterprise(ruleset, USCC, records, PERIOD);
          const applied = rating.indicators.find((indicator) => indicator.id === rule.indicator)!.deductions;
          expect(applied).toEqual([{ ruleId: rule.id, ruleText: rule.text, points: rule.points, recordIds: records.map((record) => record.id) }]);
        });
        for (const condition of rule.measures ?? []) {
          if (condition.atLeast !== undefined) {
            it(`${condition.measure} = ${condition.atLeast} (inclusive edge) fires; ${condition.atLeast - 0.01} does not`, () => {
              expect(deductionFor(ruleset, itemOf(rule, { ...insideValues(rule), [condition.measure]: condition.atLeast! }, insideLabels(rule)))?.id).toBe(rule.id);
              if (condition.atLeast! > 0) expect(deductionFor(ruleset, itemOf(rule, { ...insideValues(rule), [condition.measure]: condition.atLeast! - 0.01 }, insideLabels(rule)))?.id).not.toBe(rule.id);
            });
          }
          if (condition.below !== undefined) {
            it(`${condition.measure} = ${condition.below - 0.01} fires; ${condition.below} (exclusive edge) does not`, () => {
              expect(deductionFor(ruleset, itemOf(rule, { ...insideValues(rule), [condition.measure]: condition.below! - 0.01 }, insideLabels(rule)))?.id).toBe(rule.id);
              expect(deductionFor(ruleset, itemOf(rule, { ...insideValues(rule), [condition.measure]: condition.below! }, insideLabels(rule)))?.id).not.toBe(rule.id);
            });
          }
        }
        for (const condition of rule.labels ?? []) {
          const outside = condition.label === 'status' ? 'open' : condition.label === 'violation' ? 'no' : 'patrol';
          it(`${condition.label} ∈ {${condition.in.join(', ')}} fires; ${outside} does not`, () => {
            for (const value of condition.in) expect(deductionFor(ruleset, itemOf(rule, insideValues(rule), { ...insideLabels(rule), [condition.label]: value }))?.id).toBe(rule.id);
            expect(deductionFor(ruleset, itemOf(rule, insideValues(rule), { ...insideLabels(rule), [condition.label]: outside }))?.id).not.toBe(rule.id);
          });
        }
      });
    }

    for (const veto of ruleset.vetoes) {
      for (const code of veto.codes) {
        it(`veto ${veto.id}: a ${code} event ${veto.effect === 'worst_level' ? `sends the rating to ${ruleset.levels.at(-1)!.code}` : 'moves it one level down'} and names the record`, () => {
          const records = chain(draftsFor('veto_event', {}, { vetoCode: code }));
          const rating = rateEnterprise(ruleset, USCC, records, PERIOD);
          expect(rating.vetoes).toEqual([{ ruleId: veto.id, ruleText: veto.text, points: 0, recordIds: [records[0]!.id] }]);
          if (veto.effect === 'worst_level') {
            expect(rating.level).toBe(ruleset.levels.at(-1)!.code);
            expect(rating.vetoed).toBe(true);
            expect(rating.reason.zh).toContain(records[0]!.id);
          } else {
            expect(rating.level).toBe(ruleset.levels[1]!.code);
            expect(rating.vetoed).toBe(false);
          }
        });
      }
    }
    it('an unknown veto code does nothing', () => {
      const rating = rateEnterprise(ruleset, USCC, chain(draftsFor('veto_event', {}, { vetoCode: 'not_a_code' })), PERIOD);
      expect(rating.level).toBe(ruleset.levels[0]!.code);
    });

    for (const rule of ruleset.restoration) {
      describe(`restoration ${rule.id} (from ${rule.fromLevels.join('/')})`, () => {
        const scenario = (options: { caseVerified?: boolean; repeat?: boolean; veto?: boolean } = {}) => {
          const drafts = recordsReaching(ruleset, rule.fromLevels);
          const newest = drafts.at(-1)!.occurredAt;
          const caseId = 'rectify-1';
          drafts.push({ kind: 'case', sourceEventId: 'rectify-1:1', occurredAt: new Date(newest.getTime() + DAY), facts: facts.case({ caseId, caseSequence: 1, status: 'registered', source: 'patrol', createdAt: new Date(newest.getTime() + DAY).toISOString() }) });
          const verifiedAt = new Date(newest.getTime() + 2 * DAY);
          if (options.caseVerified !== false)
            drafts.push({ kind: 'case', sourceEventId: 'rectify-1:2', occurredAt: verifiedAt, facts: facts.case({ caseId, caseSequence: 2, status: 'verified', source: 'patrol', createdAt: new Date(newest.getTime() + DAY).toISOString() }) });
          if (options.repeat) {
            const last = ruleset.deductions.find((candidate) => candidate.evidence === 'complaint' || candidate.evidence === 'inspection')!;
            drafts.push(...draftsFor(last.evidence, insideValues(last), insideLabels(last), new Date(verifiedAt.getTime() + DAY)));
          }
          if (options.veto) drafts.push(...draftsFor('veto_event', {}, { vetoCode: ruleset.vetoes.find((veto) => veto.effect === 'worst_level')!.codes[0]! }, new Date(newest.getTime() - HOUR)));
          const records = chain(drafts);
          const eligibleFrom = addMonths(options.repeat ? new Date(verifiedAt.getTime() + DAY) : newest, rule.minMonthsSinceDeduction);
          return { records, caseId, eligibleFrom, rating: rateEnterprise(ruleset, USCC, records, PERIOD) };
        };
        const condition = (assessment: ReturnType<typeof assessRestoration>, name: string) => assessment.conditions.find((candidate) => candidate.condition === name);

        it(`all conditions met ${rule.minMonthsSinceDeduction} months after the newest deduction: eligible, and approval restores the best level`, () => {
          const { records, caseId, eligibleFrom, rating } = scenario();
          expect(rule.fromLevels).toContain(rating.level);
          const assessment = assessRestoration(ruleset, rating, caseId, eligibleFrom);
          expect(assessment.conditions.filter((candidate) => !candidate.met)).toEqual([]);
          expect(assessment.eligible).toBe(true);
          const approved = chain([
            ...records.map(({ kind, sourceEventId, occurredAt, facts: recordFacts }) => ({ kind, sourceEventId, occurredAt, facts: recordFacts })),
            { kind: 'restoration_reviewed', sourceEventId: 'review-1', occurredAt: eligibleFrom, facts: facts.restorationReviewed({ applicationId: 'a1', approved: true, cancels: assessment.cancels, note: '' }) },
          ]);
          const restored = rateEnterprise(ruleset, USCC, approved, PERIOD);
          expect(restored.level).toBe(ruleset.levels[0]!.code);
          expect(restored.excludedRecordIds.sort()).toEqual([...assessment.cancels].sort());
        });
        it('time since the newest deduction: one day short is refused', () => {
          const { caseId, eligibleFrom, rating } = scenario();
          const assessment = assessRestoration(ruleset, rating, caseId, new Date(eligibleFrom.getTime() - DAY));
          expect(condition(assessment, 'time_since_deduction')?.met).toBe(false);
          expect(assessment.eligible).toBe(false);
        });
        if (rule.requiresVerifiedCase) {
          it('rectification case not verified: refused', () => {
            const { caseId, eligibleFrom, rating } = scenario({ caseVerified: false });
            const assessment = assessRestoration(ruleset, rating, caseId, eligibleFrom);
            expect(condition(assessment, 'rectification_verified')?.met).toBe(false);
            expect(assessment.eligible).toBe(false);
          });
          it('a case that is not the enterprise’s: refused', () => {
            const { eligibleFrom, rating } = scenario();
            expect(condition(assessRestoration(ruleset, rating, 'someone-elses-case', eligibleFrom), 'rectification_verified')?.met).toBe(false);
          });
        }
        if (rule.requiresNoRepeat) {
          it('a new violation after the rectification: refused', () => {
            const { caseId, eligibleFrom, rating } = scenario({ repeat: true });
            if (!rule.fromLevels.includes(rating.level)) return expect(assessRestoration(ruleset, rating, caseId, eligibleFrom).eligible).toBe(false);
            const assessment = assessRestoration(ruleset, rating, caseId, eligibleFrom);
            expect(condition(assessment, 'no_repeat')?.met).toBe(false);
            expect(assessment.eligible).toBe(false);
          });
        }
        if (!rule.vetoRestorable) {
          it('a veto is not restorable within the period', () => {
            const { caseId, eligibleFrom, rating } = scenario({ veto: true });
            const assessment = assessRestoration(ruleset, rating, caseId, eligibleFrom);
            expect(assessment.eligible).toBe(false);
            // The veto moves the rating to the worst level, which another of the ruleset's rules may cover.
            const governing = ruleset.restoration.find((candidate) => candidate.fromLevels.includes(rating.level));
            if (governing && !governing.vetoRestorable) expect(condition(assessment, 'not_vetoed')?.met).toBe(false);
            else if (!governing) expect(condition(assessment, 'level_restorable')?.met).toBe(false);
          });
        }
      });
    }
    it('the best level has nothing to restore', () => {
      const assessment = assessRestoration(ruleset, rateEnterprise(ruleset, USCC, [], PERIOD), 'x', T0);
      expect(assessment.eligible).toBe(false);
    });
  });
}

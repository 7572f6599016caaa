import { randomUUID } from 'node:crypto';
import { DomainError, failedPrecondition, notFound } from '@ecogrid/domain-errors';
import { facts } from '../domain/evidence';
import { periodOf } from '../domain/period';
import { assessRestoration, type RestorationCondition } from '../domain/restoration';
import type { StoredRating } from './ports';
import { appendInTransaction, rateNow, rerate, type CreditRuntime } from './runtime';
import { requireText, requireUscc, type Actor } from './staff';

export interface RestorationAnswer {
  applicationId: string;
  rating: StoredRating | undefined;
  conditions: RestorationCondition[];
}

const unmet = (conditions: RestorationCondition[]): string =>
  conditions
    .filter((condition) => !condition.met)
    .map((condition) => `${condition.condition}: ${condition.detail}`)
    .join('; ');

/**
 * An application for restoration (信用修复), checked against the ruleset's conditions now; an application that
 * does not meet them is refused with the conditions it misses. It changes no rating until a second person approves.
 */
export function createApplyRestoration(runtime: CreditRuntime) {
  return async (input: { uscc: string; caseId: string; evidence: string }, actor: Actor): Promise<RestorationAnswer> => {
    const uscc = requireUscc(input.uscc);
    const caseId = requireText(input.caseId, 'rectification_case_id', 100);
    return runtime.store.transaction(async (tx) => {
      const head = await tx.lockEnterprise(uscc);
      const at = runtime.clock.now();
      const rating = rateNow(runtime, uscc, await tx.records(uscc, { since: periodOf(at).start }), at);
      const assessment = assessRestoration(runtime.catalogue.inForce(runtime.jurisdiction, at), rating, caseId, at);
      if (!assessment.eligible || !assessment.rule) throw failedPrecondition(`restoration not possible now: ${unmet(assessment.conditions)}`, 'restoration_conditions_unmet');
      const applicationId = `RST-${randomUUID()}`;
      await tx.insertApplication({ id: applicationId, uscc, ruleId: assessment.rule.id, caseId, status: 'pending', appliedBy: actor.subject, appliedAt: at, cancels: assessment.cancels });
      await appendInTransaction(
        tx,
        head,
        [{ uscc, kind: 'restoration_applied', sourceEventId: `restoration:${applicationId}`, occurredAt: at, actor: actor.subject, facts: facts.restorationApplied({ applicationId, ruleId: assessment.rule.id, caseId, evidence: input.evidence.trim().slice(0, 1000), cancels: assessment.cancels }) }],
        at,
      );
      return { applicationId, rating: await tx.currentRating(uscc), conditions: assessment.conditions };
    });
  };
}

/**
 * Four eyes: someone other than the applicant, in a role the rule names, approves or rejects. Approval checks the
 * conditions again (a new violation since the application defeats it), cancels the points (核销) in the ledger and
 * re-rates at once.
 */
export function createReviewRestoration(runtime: CreditRuntime) {
  return async (input: { applicationId: string; approve: boolean; note: string }, actor: Actor): Promise<Omit<RestorationAnswer, 'applicationId'>> => {
    const found = await runtime.store.transaction((tx) => tx.application(input.applicationId));
    if (!found) throw notFound('restoration application', input.applicationId);
    return runtime.store.transaction(async (tx) => {
      const head = await tx.lockEnterprise(found.uscc);
      const application = await tx.application(input.applicationId);
      if (!application || application.status !== 'pending') throw failedPrecondition(`application ${input.applicationId} is already ${application?.status ?? 'gone'}`, 'application_reviewed');
      if (application.appliedBy === actor.subject) throw new DomainError('PERMISSION_DENIED', 'the applicant may not review their own application (four eyes)', { reason: 'four_eyes' });
      const at = runtime.clock.now();
      const ruleset = runtime.catalogue.inForce(runtime.jurisdiction, at);
      const rule = ruleset.restoration.find((candidate) => candidate.id === application.ruleId);
      if (rule && !rule.approverRoles.includes(actor.role)) throw new DomainError('PERMISSION_DENIED', `${rule.id} is approved by ${rule.approverRoles.join(' or ')}`, { reason: 'approver_role' });
      const assessment = assessRestoration(ruleset, rateNow(runtime, application.uscc, await tx.records(application.uscc, { since: periodOf(at).start }), at), application.caseId, at);
      if (input.approve && !assessment.eligible) throw failedPrecondition(`restoration no longer possible: ${unmet(assessment.conditions)}`, 'restoration_conditions_unmet');
      await tx.reviewApplication(application.id, input.approve ? 'approved' : 'rejected', actor.subject, at);
      const [sealed] = await appendInTransaction(
        tx,
        head,
        [
          {
            uscc: application.uscc,
            kind: 'restoration_reviewed',
            sourceEventId: `restoration-reviewed:${application.id}`,
            occurredAt: at,
            actor: actor.subject,
            facts: facts.restorationReviewed({ applicationId: application.id, approved: input.approve, cancels: input.approve ? assessment.cancels : [], note: input.note.trim().slice(0, 500) }),
          },
        ],
        at,
      );
      if (!sealed) throw new Error(`the review of ${application.id} was not recorded`);
      const rating = await rerate(runtime, tx, application.uscc, 'restoration', sealed, at);
      return { rating, conditions: assessment.conditions };
    });
  };
}

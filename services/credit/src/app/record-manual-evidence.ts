import { randomUUID } from 'node:crypto';
import { invalidArgument } from '@ecogrid/domain-errors';
import { facts } from '../domain/evidence';
import type { RecordDraft } from '../domain/ledger';
import type { StoredRating } from './ports';
import { appendAndRate, type CreditRuntime } from './runtime';
import { requireText, requireUscc, type Actor } from './staff';

export interface PenaltyInput {
  uscc: string;
  decisionNumber: string;
  decidedAt: Date;
  amountYuan: number;
  legalBasis: string;
  summary: string;
}

export interface ManualEvidenceInput {
  uscc: string;
  kind: 'inspection' | 'complaint' | 'veto_event' | 'monitoring_completeness';
  occurredAt: Date;
  vetoCode?: string;
  violationFound?: boolean;
  completenessPercent?: number;
  reference: string;
  summary: string;
}

export interface RecordedEvidence {
  recordId: string;
  rating: StoredRating | undefined;
}

const notInFuture = (runtime: CreditRuntime, at: Date, field: string): Date => {
  if (Number.isNaN(at.getTime())) throw invalidArgument(field, `${field} is required`);
  if (at.getTime() > runtime.clock.now().getTime() + 60_000) throw invalidArgument(field, `${field} is in the future`);
  return at;
};

async function record(runtime: CreditRuntime, draft: RecordDraft): Promise<RecordedEvidence> {
  const outcome = await appendAndRate(runtime, [draft]);
  if (outcome.duplicate) {
    // The same decision or reference entered twice: answer with what the ledger already holds.
    const existing = (await runtime.store.records(draft.uscc)).find((candidate) => candidate.sourceEventId === draft.sourceEventId);
    return { recordId: existing?.id ?? '', rating: await runtime.store.rating(draft.uscc) };
  }
  return { recordId: outcome.record?.id ?? '', rating: outcome.rating };
}

/** An administrative penalty (行政处罚决定), entered by a credit officer; its decision number makes it unique. */
export function createRecordPenalty(runtime: CreditRuntime) {
  return async (input: PenaltyInput, actor: Actor): Promise<RecordedEvidence> => {
    const uscc = requireUscc(input.uscc);
    const decisionNumber = requireText(input.decisionNumber, 'decision_number', 100);
    if (!(input.amountYuan >= 0) || !Number.isFinite(input.amountYuan)) throw invalidArgument('amount_yuan', 'amount_yuan must be 0 or more');
    return record(runtime, {
      uscc,
      kind: 'penalty',
      sourceEventId: `penalty:${decisionNumber}`,
      occurredAt: notInFuture(runtime, input.decidedAt, 'decided_at'),
      actor: actor.subject,
      facts: facts.penalty({ decisionNumber, amountYuan: Math.round(input.amountYuan * 100) / 100, legalBasis: requireText(input.legalBasis, 'legal_basis', 200), summary: input.summary.trim().slice(0, 500) }),
    });
  };
}

/** Inspections, verified complaints, veto events and monitoring completeness, entered by a credit officer. */
export function createRecordEvidence(runtime: CreditRuntime) {
  return async (input: ManualEvidenceInput, actor: Actor): Promise<RecordedEvidence> => {
    const uscc = requireUscc(input.uscc);
    const occurredAt = notInFuture(runtime, input.occurredAt, 'occurred_at');
    const reference = input.reference.trim().slice(0, 200);
    const summary = input.summary.trim().slice(0, 500);
    // A reference (an inspection record number, a complaint number) makes a repeated entry a no-op.
    const sourceEventId = reference ? `${input.kind}:${uscc}:${reference}` : `${input.kind}:${randomUUID()}`;
    const base = { uscc, kind: input.kind, sourceEventId, occurredAt, actor: actor.subject } as const;
    switch (input.kind) {
      case 'veto_event': {
        const vetoCode = requireText(input.vetoCode ?? '', 'veto_code', 64);
        const known = runtime.catalogue.inForce(runtime.jurisdiction, occurredAt).vetoes.some((rule) => rule.codes.includes(vetoCode));
        if (!known) throw invalidArgument('veto_code', `${vetoCode} is not a veto code of the ruleset in force`, 'unknown_veto_code');
        return record(runtime, { ...base, facts: facts.vetoEvent({ vetoCode, reference, summary }) });
      }
      case 'inspection':
        return record(runtime, { ...base, facts: facts.inspection({ violationFound: input.violationFound === true, reference, summary }) });
      case 'complaint':
        return record(runtime, { ...base, facts: facts.complaint({ reference, summary }) });
      case 'monitoring_completeness': {
        const percent = input.completenessPercent ?? -1;
        if (!(percent >= 0 && percent <= 100)) throw invalidArgument('completeness_percent', 'completeness_percent must be 0–100');
        return record(runtime, { ...base, facts: facts.monitoringCompleteness({ percent, reference }) });
      }
    }
  };
}

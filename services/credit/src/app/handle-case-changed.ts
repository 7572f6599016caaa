import { facts, type CaseFacts } from '../domain/evidence';
import type { CreditRuntime } from './runtime';
import { appendAndRate } from './runtime';

/** An `ecogrid.dispatch.v1.CaseChanged` against an enterprise, in credit's words. */
export interface CaseInput {
  eventId: string;
  caseId: string;
  sequence: number;
  status: CaseFacts['status'];
  source: CaseFacts['source'];
  enterpriseUscc: string;
  occurredAt: Date;
  createdAt: Date;
}

export type CaseOutcome = 'recorded' | 'duplicate' | 'ignored';

/** Statuses that matter to credit: the case was opened, or its rectification was verified. */
const RECORDED: ReadonlySet<CaseFacts['status']> = new Set(['registered', 'dispatched', 'verified', 'closed']);

/**
 * A case against an enterprise becomes evidence: its opening (a complaint or a patrol finding) and its verification
 * (rectification confirmed, and how long it took). Other steps of the case change nothing here.
 */
export function createHandleCaseChanged(runtime: CreditRuntime) {
  return async (input: CaseInput): Promise<CaseOutcome> => {
    if (!input.enterpriseUscc || !RECORDED.has(input.status)) return 'ignored';
    const outcome = await appendAndRate(runtime, [
      {
        uscc: input.enterpriseUscc,
        kind: 'case',
        sourceEventId: input.eventId,
        occurredAt: input.occurredAt,
        actor: 'dispatch',
        facts: facts.case({ caseId: input.caseId, caseSequence: input.sequence, status: input.status, source: input.source, createdAt: input.createdAt.toISOString() }),
      },
    ]);
    return outcome.duplicate ? 'duplicate' : 'recorded';
  };
}

export type HandleCaseChanged = ReturnType<typeof createHandleCaseChanged>;

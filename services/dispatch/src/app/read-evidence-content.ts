import { notFound } from '@ecogrid/domain-errors';
import type { Actor } from '../domain/case';
import type { EvidenceRecord } from './ports';
import { canSee, type DispatchRuntime } from './runtime';

/**
 * The stored file of one piece of evidence, for whoever may see its case (officers only their own cases). Anyone
 * else is told the evidence does not exist, as they are told of the case.
 */
export function createReadEvidenceContent(runtime: DispatchRuntime) {
  return async function readEvidenceContent(caseId: string, evidenceId: string, actor: Actor): Promise<{ record: EvidenceRecord; content: Buffer }> {
    const state = await runtime.store.get(caseId);
    if (!state || !canSee(actor, state)) throw notFound('case', caseId);
    const found = await runtime.store.evidenceContent(caseId, evidenceId);
    if (!found) throw notFound('evidence', evidenceId);
    return found;
  };
}

export type ReadEvidenceContent = ReturnType<typeof createReadEvidenceContent>;

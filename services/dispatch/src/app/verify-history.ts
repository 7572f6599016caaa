import { notFound } from '@ecogrid/domain-errors';
import type { Actor } from '../domain/case';
import { verifyChain, type ChainVerdict } from '../domain/history-chain';
import { canSee, type DispatchRuntime } from './runtime';

/**
 * Recomputes a case's keyed hash chain from the stored rows and names the first entry that no longer holds: a row
 * rewritten by anyone without the key (a database superuser included) does.
 */
export function createVerifyHistory(runtime: DispatchRuntime) {
  return async function verifyHistory(caseId: string, actor: Actor): Promise<ChainVerdict> {
    const state = await runtime.store.get(caseId);
    if (!state || !canSee(actor, state)) throw notFound('case', caseId);
    return verifyChain(await runtime.store.history(caseId), runtime.historyKeys);
  };
}

export type VerifyHistory = ReturnType<typeof createVerifyHistory>;

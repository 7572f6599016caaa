import { DomainError } from '@ecogrid/domain-errors';
import type { CaseState } from '../domain/case';
import type { CaseTransaction, IdempotencyClaim } from './ports';
import type { DispatchRuntime } from './runtime';

/** How long a key is remembered: a client retries within minutes; a day covers a client that was offline overnight. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 3600_000;
/** A claim whose request has not finished by then died with its process: a retry may take it over. */
export const IDEMPOTENCY_CLAIM_STALE_MS = 60_000;

export interface Creation {
  state: CaseState;
  /** The answer is the first request's: this request created nothing. */
  replayed: boolean;
}

/**
 * Runs a case creation at most once per idempotency key. The key is claimed first, in a statement of its own; the
 * case is created and its id recorded with the key in one transaction, so a committed case always has its key and a
 * retry gets that case. The same key with another request is refused (409 `idempotency_key_reused`: answering it with
 * the first result would hide that it was not done); while the first request is still running, a retry is told to
 * come back (409 `idempotency_key_in_flight`). A failed creation gives its claim up.
 */
export async function createOnce(
  runtime: Pick<DispatchRuntime, 'clock' | 'store'>,
  claim: IdempotencyClaim | undefined,
  create: (tx: CaseTransaction) => Promise<CaseState>,
): Promise<Creation> {
  if (!claim) return { state: await runtime.store.transaction(create), replayed: false };
  const now = runtime.clock.now();
  const prior = await runtime.store.claimIdempotencyKey({
    ...claim,
    now,
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
    staleBefore: new Date(now.getTime() - IDEMPOTENCY_CLAIM_STALE_MS),
  });
  if (prior) {
    if (prior.requestSha256 !== claim.requestSha256) {
      throw new DomainError('FAILED_PRECONDITION', 'this Idempotency-Key was used for a different request; use a new key for a new request', {
        reason: 'idempotency_key_reused',
        field: 'Idempotency-Key',
      });
    }
    const state = prior.caseId ? await runtime.store.get(prior.caseId) : undefined;
    if (!state) throw new DomainError('ABORTED', 'the first request with this Idempotency-Key is still running; retry in a moment', { reason: 'idempotency_key_in_flight', field: 'Idempotency-Key' });
    return { state, replayed: true };
  }
  try {
    const state = await runtime.store.transaction(async (tx) => {
      const created = await create(tx);
      await tx.completeIdempotencyKey(claim, created.id);
      return created;
    });
    return { state, replayed: false };
  } catch (error) {
    await runtime.store.releaseIdempotencyKey(claim).catch(() => undefined);
    throw error;
  }
}

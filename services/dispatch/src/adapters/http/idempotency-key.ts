import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { RequestError } from '@ecogrid/domain-errors';
import { canonicalJson, type JsonValue } from '@ecogrid/hash-chain';
import type { IdempotencyClaim } from '../../app/ports';

/** Printable ASCII without spaces, as the IETF draft's examples (UUIDs, ULIDs); long enough for any of them. */
const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The claim of a request's `Idempotency-Key` header, or undefined without one. The fingerprint is the SHA-256 of the
 * request's canonical JSON (key order and whitespace do not count), so a retry matches and another request does not.
 */
export function idempotencyClaimOf(request: Request, principal: string, fingerprint: JsonValue): IdempotencyClaim | undefined {
  const header = request.headers['idempotency-key'];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? header.join(',') : header;
  if (!KEY.test(key)) throw new RequestError(400, 'invalid_idempotency_key', 'Idempotency-Key is 1 to 255 printable ASCII characters without spaces', { field: 'Idempotency-Key' });
  return { principal, key, requestSha256: createHash('sha256').update(canonicalJson(fingerprint)).digest('hex') };
}

/** Says on the answer that it repeats the first request's (which created the case), not a new creation. */
export function markReplayed(response: Response, replayed: boolean): void {
  if (replayed) response.setHeader('idempotent-replayed', 'true');
}

/** `{ idempotency }` when there is a claim, else nothing (exact optional properties). */
export const optionalClaim = (claim: IdempotencyClaim | undefined): { idempotency?: IdempotencyClaim } => (claim ? { idempotency: claim } : {});

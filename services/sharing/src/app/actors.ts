import { DomainError } from '@ecogrid/domain-errors';

/** Who is calling: a partner department (by key or token) or a member of staff (by staff token). */
export type Actor = { kind: 'partner'; partnerId: string; keyId: string } | { kind: 'staff'; subject: string; role: string };

/** Staff roles that manage partners and grants and read everyone's audit. */
const STEWARDS = new Set(['data_steward', 'admin']);

export function requireSteward(actor: Actor): { subject: string; role: string } {
  if (actor.kind !== 'staff' || !STEWARDS.has(actor.role)) throw new DomainError('PERMISSION_DENIED', 'a data steward or an administrator is needed', { reason: 'not_steward' });
  return actor;
}

export function requirePartner(actor: Actor): { partnerId: string; keyId: string } {
  if (actor.kind !== 'partner') throw new DomainError('PERMISSION_DENIED', 'this surface is for partner credentials', { reason: 'not_partner' });
  return actor;
}

export const unauthenticated = (message: string, reason = 'invalid_credentials'): DomainError => new DomainError('UNAUTHENTICATED', message, { reason });

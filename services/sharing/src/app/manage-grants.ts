import { DomainError, notFound } from '@ecogrid/domain-errors';
import { approveGrant, requestGrant, revokeGrant, type Grant, type GrantRequest } from '../domain/grant';
import { requireSteward, type Actor } from './actors';
import type { SharingRuntime } from './runtime';

/** Granting, approving (conditional datasets: data stewards only) and revoking access to datasets. */
export function createManageGrants(runtime: SharingRuntime) {
  const load = async (id: string): Promise<Grant> => {
    const grant = await runtime.grants.get(id);
    if (!grant) throw notFound('grant', id);
    return grant;
  };
  return {
    request: async (actor: Actor, request: GrantRequest): Promise<Grant> => {
      requireSteward(actor);
      if (!(await runtime.partners.get(request.partnerId))) throw notFound('partner', request.partnerId);
      const grant = requestGrant(request, runtime.clock.now());
      if (await runtime.grants.current(grant.partnerId, grant.datasetId)) {
        throw new DomainError('ALREADY_EXISTS', `${grant.partnerId} already holds a grant on ${grant.datasetId}; revoke it first`, { reason: 'grant_exists' });
      }
      await runtime.grants.insert(grant, runtime.clock.now());
      return grant;
    },
    approve: async (actor: Actor, id: string): Promise<Grant> => {
      const steward = requireSteward(actor);
      // Refused before the grant is even looked up: an administrator learns nothing from trying.
      if (steward.role !== 'data_steward') throw new DomainError('PERMISSION_DENIED', 'only a data steward approves conditional grants', { reason: 'not_data_steward' });
      const approved = approveGrant(await load(id), steward);
      await runtime.grants.update(approved, runtime.clock.now());
      return approved;
    },
    revoke: async (actor: Actor, id: string): Promise<Grant> => {
      requireSteward(actor);
      const revoked = revokeGrant(await load(id));
      await runtime.grants.update(revoked, runtime.clock.now());
      return revoked;
    },
    forPartner: async (actor: Actor, partnerId: string): Promise<Grant[]> => {
      if (actor.kind === 'partner' && actor.partnerId !== partnerId) throw new DomainError('PERMISSION_DENIED', 'a partner sees its own grants only', { reason: 'not_own' });
      if (actor.kind === 'staff') requireSteward(actor);
      return runtime.grants.forPartner(partnerId);
    },
  };
}

import { DomainError, invalidArgument, notFound } from '@ecogrid/domain-errors';
import type { QuotaPolicy } from '../domain/quota';
import { requireSteward, type Actor } from './actors';
import { newPartnerKey } from './partner-keys';
import type { SharingRuntime } from './runtime';

export interface RegisterPartnerInput {
  id: string;
  name: string;
  quota?: Partial<QuotaPolicy>;
  webhookHosts?: string[];
}

/** Registering partners and rotating and revoking their keys: stewards and administrators only. */
export function createManagePartners(runtime: SharingRuntime) {
  const issueKey = async (partnerId: string): Promise<{ keyId: string; key: string }> => {
    const { keyId, key, sha256 } = newPartnerKey();
    await runtime.partners.addKey({ keyId, partnerId, sha256 }, runtime.clock.now());
    return { keyId, key };
  };
  return {
    register: async (actor: Actor, input: RegisterPartnerInput) => {
      requireSteward(actor);
      if (!/^[a-z][a-z0-9-]{1,40}$/.test(input.id)) throw invalidArgument('id', 'a partner id is lower-case letters, digits and dashes', 'bad_partner_id');
      if (input.name.trim().length === 0) throw invalidArgument('name', 'a partner has a name');
      if (await runtime.partners.get(input.id)) throw new DomainError('ALREADY_EXISTS', `partner ${input.id} exists`, { reason: 'partner_exists' });
      const quota = { ...runtime.defaultQuota, ...input.quota };
      await runtime.partners.create({ id: input.id, name: input.name, quota, webhookHosts: input.webhookHosts ?? [] }, runtime.clock.now());
      return { partnerId: input.id, ...(await issueKey(input.id)) };
    },
    /** A new key beside the old ones, so a partner can switch over before the old key is revoked. */
    rotateKey: async (actor: Actor, partnerId: string) => {
      requireSteward(actor);
      if (!(await runtime.partners.get(partnerId))) throw notFound('partner', partnerId);
      return { partnerId, ...(await issueKey(partnerId)) };
    },
    revokeKey: async (actor: Actor, keyId: string) => {
      requireSteward(actor);
      if (!(await runtime.partners.revokeKey(keyId, runtime.clock.now()))) throw notFound('key', keyId);
    },
  };
}

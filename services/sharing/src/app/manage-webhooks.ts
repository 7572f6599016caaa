import { randomBytes, randomUUID } from 'node:crypto';
import { notFound } from '@ecogrid/domain-errors';
import type { AccessRecord } from '../domain/access-audit';
import { checkWebhookUrl } from '../domain/webhook-target';
import type { Partner } from './ports';
import { servingGrant } from './pull-records';
import type { SharingRuntime } from './runtime';

/** Partners register webhooks for datasets their grant serves; the secret is shown once. */
export function createManageWebhooks(runtime: SharingRuntime) {
  const audit = (access: Omit<AccessRecord, 'accessId' | 'accessedAt'>) => runtime.audit.append({ ...access, accessId: randomUUID(), accessedAt: runtime.clock.now() });
  return {
    create: async (partner: Partner, input: { datasetId: string; url: string; fromSeq?: number }) => {
      const url = checkWebhookUrl(input.url, partner.webhookHosts);
      await runtime.webhookSender.checkHost(url.hostname.replace(/^\[|\]$/g, ''));
      await servingGrant(runtime, audit, partner.id, input.datasetId, { mode: 'webhook', url: url.toString() });
      const subscription = { id: `wh-${randomUUID()}`, partnerId: partner.id, datasetId: input.datasetId, url: url.toString(), secret: randomBytes(32).toString('base64url'), lastSeq: input.fromSeq ?? 0 };
      await runtime.webhooks.create(subscription, runtime.clock.now());
      return subscription;
    },
    list: (partner: Partner) => runtime.webhooks.forPartner(partner.id),
    remove: async (partner: Partner, id: string) => {
      if (!(await runtime.webhooks.deactivate(id, partner.id))) throw notFound('webhook', id);
    },
    deadLetters: async (partner: Partner, id: string) => {
      if (!(await runtime.webhooks.forPartner(partner.id)).some((subscription) => subscription.id === id)) throw notFound('webhook', id);
      return runtime.webhooks.deadLetters(id);
    },
  };
}

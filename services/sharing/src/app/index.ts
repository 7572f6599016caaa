import { createAuthenticatePartner } from './authenticate-partner';
import { createDeliverWebhooks } from './deliver-webhooks';
import { createManageWebhooks } from './manage-webhooks';
import { createIngestRecords } from './ingest-records';
import { createManageGrants } from './manage-grants';
import { createManagePartners } from './manage-partners';
import { createPullRecords } from './pull-records';
import { createReadAudit } from './read-audit';
import { createReplayRecords } from './replay-records';
import { createReadCatalogue } from './read-catalogue';
import type { SharingRuntime } from './runtime';
import { createSubscribeRecords } from './subscribe-records';
import { createTakeRequest } from './take-request';

/** Every use case of sharing over the same ports; adapters see these and nothing else. */
export function createSharingApp(runtime: SharingRuntime) {
  return {
    authenticate: createAuthenticatePartner(runtime),
    takeRequest: createTakeRequest(runtime),
    readCatalogue: createReadCatalogue(runtime),
    pullRecords: createPullRecords(runtime),
    replayRecords: createReplayRecords(runtime),
    subscribeRecords: createSubscribeRecords(runtime),
    partners: createManagePartners(runtime),
    grants: createManageGrants(runtime),
    audit: createReadAudit(runtime),
    ingestRecords: createIngestRecords(runtime),
    webhooks: createManageWebhooks(runtime),
    deliverWebhooks: createDeliverWebhooks(runtime),
  };
}

export type SharingApp = ReturnType<typeof createSharingApp>;
export type { SharingRuntime, PartnerTokens } from './runtime';
export type { Actor } from './actors';

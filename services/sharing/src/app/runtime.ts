import type { QuotaPolicy } from '../domain/quota';
import type { AccessView, AuditLog, Clock, GrantStore, PartnerStore, Quotas, RecordSignal, RecordStore, ReplaySource, WebhookSender, WebhookStore } from './ports';

/** Everything the use cases are built over. */
export interface SharingRuntime {
  partners: PartnerStore;
  grants: GrantStore;
  /** Keys, partners and grants for the request path, kept in memory and synced per request. */
  access: AccessView;
  records: RecordStore;
  audit: AuditLog;
  quotas: Quotas;
  signal: RecordSignal;
  clock: Clock;
  defaultQuota: QuotaPolicy;
  /** Signs and checks the client-credentials tokens partners may use instead of sending their key. */
  partnerTokens: PartnerTokens;
  webhooks: WebhookStore;
  webhookSender: WebhookSender;
  /** Attempts per event (the first included) and the first backoff, doubled after each failure. */
  webhookPolicy: { attempts: number; backoffMs: number };
  sleep(ms: number): Promise<void>;
  replay: ReplaySource;
}

export interface PartnerTokens {
  sign(claims: { partnerId: string; keyId: string }): Promise<{ token: string; expiresInSeconds: number }>;
  /** The claims of a valid token; UNAUTHENTICATED otherwise. */
  verify(token: string): Promise<{ partnerId: string; keyId: string }>;
}

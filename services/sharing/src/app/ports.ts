import type { JsonObject } from '@ecogrid/hash-chain';
import type { ChainVerdict } from '@ecogrid/hash-chain';
import type { AccessRecord, AuditEntry } from '../domain/access-audit';
import type { Grant, GrantScope } from '../domain/grant';
import type { QuotaPolicy } from '../domain/quota';
import type { SharedRecord } from '../domain/shared-record';

/** The ports of sharing, one line each; adapters implement them, use cases receive them. */

export interface Partner {
  id: string;
  name: string;
  quota: QuotaPolicy;
  /** Hosts its webhooks may call (https only). */
  webhookHosts: readonly string[];
}

export interface PartnerKey {
  keyId: string;
  partnerId: string;
  revoked: boolean;
}

export interface PartnerStore {
  create(partner: Partner, now: Date): Promise<void>;
  get(id: string): Promise<Partner | undefined>;
  list(): Promise<Partner[]>;
  /** Stores a key's SHA-256 only; the key itself is shown once, to whoever created it. */
  addKey(key: { keyId: string; partnerId: string; sha256: string }, now: Date): Promise<void>;
  keyByHash(sha256: string): Promise<PartnerKey | undefined>;
  keyById(keyId: string): Promise<PartnerKey | undefined>;
  revokeKey(keyId: string, now: Date): Promise<boolean>;
}

export interface GrantStore {
  /** Fails with ALREADY_EXISTS when the partner holds a grant on the dataset that is not revoked. */
  insert(grant: Grant, now: Date): Promise<void>;
  get(id: string): Promise<Grant | undefined>;
  update(grant: Grant, now: Date): Promise<void>;
  /** The partner's grant on a dataset that is not revoked. */
  current(partnerId: string, datasetId: string): Promise<Grant | undefined>;
  forPartner(partnerId: string): Promise<Grant[]>;
}

/**
 * Who may read what, as the request path asks it: keys, partners and current grants, answered from memory for the
 * version of them it holds (`version()`). A request either calls `sync()` before it authenticates — after it, every
 * change committed before the call is seen, a revocation included — or notes `version()` first and later compares
 * it with the version read in the same snapshot as its data (`observe`), checking again if it moved.
 */
export interface AccessView {
  sync(): Promise<void>;
  version(): number;
  /** A version read elsewhere (with a page of records): a newer one empties the copy. */
  observe(version: number): void;
  /** An unknown digest is always looked up in the store, never answered from memory (anyone can send one). */
  keyByHash(sha256: string): Promise<PartnerKey | undefined>;
  keyById(keyId: string): Promise<PartnerKey | undefined>;
  partner(id: string): Promise<Partner | undefined>;
  currentGrant(partnerId: string, datasetId: string): Promise<Grant | undefined>;
}

/** A record as the feeds deliver it, before sharing numbers it. `version` orders updates of one key. */
export type IncomingRecord = Omit<SharedRecord, 'seq'> & { version: number };

export interface RecordQuery {
  dataset: string;
  afterSeq: number;
  limit: number;
  /** The grant's scope: the store narrows by it (the use case checks every record again). */
  scope: GrantScope;
  from?: Date;
  to?: Date;
  /** The partner's own filters, inside the scope. */
  township?: string;
  enterprise?: string;
  factor?: string;
}

export interface RecordStore {
  /** Stores new records and newer versions of known ones; each stored one gets the next sequence. Returns how many. */
  upsert(records: readonly IncomingRecord[]): Promise<number>;
  page(query: RecordQuery): Promise<SharedRecord[]>;
  /**
   * The same page for a pull, with the access version read in the same snapshot: the pull compares it with the
   * version its key, partner and grant were answered at from memory, so checking them costs no round trip of its own.
   */
  pageForPull(query: RecordQuery): Promise<{ records: SharedRecord[]; accessVersion: number }>;
}

export interface AuditLog {
  /** Appends to the hash chain and queues the event for ecogrid.sharing.access.v1 in the same transaction. */
  append(access: AccessRecord): Promise<AuditEntry>;
  list(filter: { partnerId?: string; afterSequence: number; limit: number }): Promise<AuditEntry[]>;
  verify(): Promise<ChainVerdict>;
  monthlyReport(month: string, partnerId?: string): Promise<Array<{ partnerId: string; dataset: string; accesses: number; denied: number; rows: number }>>;
}

export interface QuotaDecision {
  allowed: boolean;
  retryAfterSeconds: number;
}

export interface Quotas {
  /** Counts one request against the partner's per-second allowance; reads its rows of `day` in the same round trip. */
  takeRequest(partnerId: string, policy: QuotaPolicy, day: string): Promise<QuotaDecision & { rowsUsed: number }>;
  rowsUsed(partnerId: string, day: string): Promise<number>;
  addRows(partnerId: string, day: string, rows: number): Promise<void>;
}

/** Wakes push subscribers when records were stored. */
export interface RecordSignal {
  notify(): void;
  /** Counts notifications: taken before a look at the store, it lets `next` see one that came during the look. */
  version(): number;
  /** Resolves at once if there was a notification since `seen`, else at the next one or after `timeoutMs`. */
  next(timeoutMs: number, abort: AbortSignal, seen?: number): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export type QueryJson = JsonObject;

export interface WebhookSubscription {
  id: string;
  partnerId: string;
  datasetId: string;
  url: string;
  secret: string;
  lastSeq: number;
}

export interface WebhookStore {
  create(subscription: WebhookSubscription, now: Date): Promise<void>;
  forPartner(partnerId: string): Promise<WebhookSubscription[]>;
  deactivate(id: string, partnerId: string): Promise<boolean>;
  /** Active subscriptions this instance holds the lease of (taking free or expired leases), for `leaseMs`. */
  claim(owner: string, leaseMs: number): Promise<WebhookSubscription[]>;
  /** Extends this instance's lease of one subscription by `leaseMs` from now; false when another instance holds it. */
  renew(id: string, owner: string, leaseMs: number): Promise<boolean>;
  advance(id: string, lastSeq: number): Promise<void>;
  deadLetter(entry: { subscriptionId: string; seq: number; event: unknown; attempts: number; lastError: string }, now: Date): Promise<void>;
  deadLetters(subscriptionId: string): Promise<Array<{ seq: number; attempts: number; lastError: string }>>;
}

/** Sends one signed delivery; resolves with the HTTP status, rejects when nothing was answered or it was refused. */
export interface WebhookSender {
  /** Refuses (INVALID_ARGUMENT) a host that resolves to any loopback, private or reserved address. */
  checkHost(host: string): Promise<void>;
  send(url: string, body: string, headers: Record<string, string>): Promise<number>;
}

/** Reads a topic again from a point in time (Kafka offsets by timestamp) up to where it ended when asked. */
export interface ReplaySource {
  read(topicKey: string, from: Date, max: number): Promise<Array<IncomingRecord & { position: string }>>;
}

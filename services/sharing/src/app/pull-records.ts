import { createHash, randomUUID } from 'node:crypto';
import { DomainError, notFound } from '@ecogrid/domain-errors';
import type { JsonObject } from '@ecogrid/hash-chain';
import type { AccessRecord } from '../domain/access-audit';
import { datasetById, type Dataset } from '../domain/catalogue';
import { decodeCursor, encodeCursor } from '../domain/cursor';
import { grantRefusal, inGrant, projectRecord, type Grant } from '../domain/grant';
import { pageSize, QuotaExceeded, quotaDay, secondsUntilQuotaDayEnds } from '../domain/quota';
import type { FieldValue } from '../domain/shared-record';
import type { Partner } from './ports';
import { confirmCaller } from './authenticate-partner';
import type { SharingRuntime } from './runtime';

export interface PullQuery {
  cursor?: string;
  limit?: number;
  township?: string;
  enterprise?: string;
  factor?: string;
  since?: Date;
  until?: Date;
  /** The ETag the partner already holds: an unchanged page is answered 304 and audited as 0 rows sent. */
  ifNoneMatch?: string;
}

export interface SharedItem {
  seq: number;
  key: string;
  occurred_at: string;
  fields: Record<string, FieldValue>;
}

export interface PullPage {
  dataset: string;
  items: SharedItem[];
  next_cursor: string | null;
}

export interface PullResult {
  page: PullPage;
  /** The serialised page: what is sent, hashed into the audit and the ETag. */
  body: string;
  sha256: string;
  notModified: boolean;
}

/** A strong ETag of a page body. */
export const etagOf = (sha256: string): string => `"${sha256.slice(0, 32)}"`;

function queryJson(query: PullQuery): JsonObject {
  const json: JsonObject = {};
  if (query.cursor !== undefined) json.cursor = query.cursor;
  if (query.limit !== undefined) json.limit = query.limit;
  if (query.township !== undefined) json.township = query.township;
  if (query.enterprise !== undefined) json.enterprise = query.enterprise;
  if (query.factor !== undefined) json.factor = query.factor;
  if (query.since !== undefined) json.since = query.since.toISOString();
  if (query.until !== undefined) json.until = query.until.toISOString();
  return json;
}

const later = (a: Date | undefined, b: Date | undefined): Date | undefined => (a && b ? (a > b ? a : b) : (a ?? b));
const earlier = (a: Date | undefined, b: Date | undefined): Date | undefined => (a && b ? (a < b ? a : b) : (a ?? b));

/**
 * The partner's grant on a dataset that serves now; audits and refuses otherwise. `current` reads the grant: the
 * store, or the access view on the request path, where the request's authentication has just synced it.
 */
export async function servingGrant(
  runtime: SharingRuntime,
  audit: (access: Omit<AccessRecord, 'accessId' | 'accessedAt'>) => Promise<unknown>,
  partnerId: string,
  datasetId: string,
  query: JsonObject,
  current: (partnerId: string, datasetId: string) => Promise<Grant | undefined> = (partner, dataset) => runtime.grants.current(partner, dataset),
): Promise<{ dataset: Dataset; grant: Grant }> {
  const dataset = datasetById(datasetId);
  const refuse = async (reason: string, error: DomainError): Promise<never> => {
    await audit({ partnerId, dataset: datasetId, query, rows: 0, responseSha256: '', allowed: false, denialReason: reason });
    throw error;
  };
  if (!dataset) return refuse('unknown_dataset', notFound('dataset', datasetId));
  if (dataset.sharingClass === 'not_shareable') return refuse('not_shareable', new DomainError('PERMISSION_DENIED', `${dataset.id} is 不予共享 (not shareable)`, { reason: 'not_shareable' }));
  const grant = await current(partnerId, datasetId);
  if (!grant) return refuse('no_grant', new DomainError('PERMISSION_DENIED', `no grant on ${dataset.id}`, { reason: 'no_grant' }));
  const refusal = grantRefusal(grant, dataset, runtime.clock.now());
  if (refusal) return refuse(refusal, new DomainError('PERMISSION_DENIED', `the grant on ${dataset.id} does not serve: ${refusal}`, { reason: refusal }));
  return { dataset, grant };
}

/** Who pulls: the partner as its request was admitted, its key, and the access version both were read at. */
export interface PullCaller {
  partner: Partner;
  keyId: string;
  /** The version of keys, partners and grants the request's authentication was answered at (or before). */
  accessVersion: number;
  /** Its rows of the day as read when the request was admitted (same round trip as the per-second count). */
  rowsUsed?: { day: string; rows: number };
}

/** More changes of keys, partners or grants than this, each landing during one pull, fail it instead of chasing them. */
const MAX_ACCESS_CHANGES = 5;

/**
 * One page of a dataset for a partner: only records inside its grant (scope and window, then its own filters), only
 * the granted fields, within its page cap and its rows of the day. Every call is audited, refusals included, before
 * the answer leaves: an access that cannot be audited is not served.
 *
 * Key, partner and grant come from the in-memory access view, unsynced: the page is read with the access version of
 * its snapshot, and if that moved since the request's authentication, the key, partner and grant are read again and
 * the page with them — so the answer is what the state committed before the request allows, at no round trip of its
 * own. A refusal is only given after a sync, so a grant approved elsewhere a moment ago is seen.
 */
export function createPullRecords(runtime: SharingRuntime) {
  const audit = (access: Omit<AccessRecord, 'accessId' | 'accessedAt'>) => runtime.audit.append({ ...access, accessId: randomUUID(), accessedAt: runtime.clock.now() });
  const currentGrant = (partnerId: string, datasetId: string) => runtime.access.currentGrant(partnerId, datasetId);
  return async (caller: PullCaller, datasetId: string, query: PullQuery): Promise<PullResult> => {
    const asked = queryJson(query);
    const afterSeq = query.cursor === undefined ? 0 : decodeCursor(query.cursor);
    let partner = caller.partner;
    let seen = caller.accessVersion;
    /** After the view moved past `seen`: the request's key and partner again, at the newer version. */
    const reconfirm = async (): Promise<void> => {
      seen = runtime.access.version();
      partner = await confirmCaller(runtime, caller.keyId, partner.id);
    };
    for (let changes = 0; ; changes += 1) {
      if (changes > MAX_ACCESS_CHANGES) throw new Error('keys, partners or grants kept changing during the pull');
      const known = datasetById(datasetId);
      if (known && known.sharingClass !== 'not_shareable') {
        const grant = await currentGrant(partner.id, datasetId);
        if (!grant || grantRefusal(grant, known, runtime.clock.now())) {
          await runtime.access.sync();
          if (runtime.access.version() !== seen) {
            await reconfirm();
            continue;
          }
        }
      }
      const { dataset, grant } = await servingGrant(runtime, audit, partner.id, datasetId, asked, currentGrant);
      const now = runtime.clock.now();
      const day = quotaDay(now);
      const used = caller.rowsUsed?.day === day ? caller.rowsUsed.rows : await runtime.quotas.rowsUsed(partner.id, day);
      const remaining = partner.quota.rowsPerDay - used;
      if (remaining <= 0) {
        await audit({ partnerId: partner.id, dataset: dataset.id, query: asked, rows: 0, responseSha256: '', allowed: false, denialReason: 'quota_rows_per_day' });
        throw new QuotaExceeded('rows_per_day', secondsUntilQuotaDayEnds(now));
      }
      const limit = Math.min(pageSize(query.limit, partner.quota), remaining);
      const from = later(grant.window.from, query.since);
      const to = earlier(grant.window.to, query.until);
      const { records: fetched, accessVersion } = await runtime.records.pageForPull({
        dataset: dataset.id,
        afterSeq,
        limit: limit + 1,
        scope: grant.scope,
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(query.township !== undefined ? { township: query.township } : {}),
        ...(query.enterprise !== undefined ? { enterprise: query.enterprise } : {}),
        ...(query.factor !== undefined ? { factor: query.factor } : {}),
      });
      if (accessVersion !== seen) {
        // Something changed who may read what since this request's credentials were answered from memory.
        runtime.access.observe(accessVersion);
        await reconfirm();
        continue;
      }
      const more = fetched.length > limit;
      const records = fetched.slice(0, limit);
      // The store narrows by scope in SQL; the grant is checked again here so that a store bug cannot leak a row.
      const items = records
        .filter((record) => inGrant(record, grant))
        .map((record): SharedItem => ({ seq: record.seq, key: record.key, occurred_at: record.occurredAt.toISOString(), fields: projectRecord(record, grant, dataset) }));
      const last = records.at(-1);
      const page: PullPage = { dataset: dataset.id, items, next_cursor: more && last ? encodeCursor(last.seq) : null };
      const body = JSON.stringify(page);
      const sha256 = createHash('sha256').update(body).digest('hex');
      const notModified = query.ifNoneMatch !== undefined && query.ifNoneMatch.split(',').some((tag) => tag.trim() === etagOf(sha256));
      const sent = notModified ? 0 : items.length;
      // The rows are counted while the access is being audited: if the audit fails they were counted though not
      // served, which errs towards refusing early, never towards serving past the allowance.
      await Promise.all([
        audit({ partnerId: partner.id, dataset: dataset.id, query: asked, rows: sent, responseSha256: notModified ? '' : sha256, allowed: true, denialReason: notModified ? 'not_modified' : '' }),
        sent > 0 ? runtime.quotas.addRows(partner.id, day, sent) : undefined,
      ]);
      return { page, body, sha256, notModified };
    }
  };
}

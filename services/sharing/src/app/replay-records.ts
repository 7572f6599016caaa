import { createHash, randomUUID } from 'node:crypto';
import { invalidArgument } from '@ecogrid/domain-errors';
import type { AccessRecord } from '../domain/access-audit';
import { inGrant, projectRecord } from '../domain/grant';
import { pageSize } from '../domain/quota';
import type { Partner } from './ports';
import { servingGrant } from './pull-records';
import type { SharingRuntime } from './runtime';

/**
 * A grant's data again from a point in time, read from the source topic itself (offsets by timestamp), not from
 * sharing's store: every version as it was published, e.g. each change of an alert, for a partner rebuilding its
 * copy. Same grant, scope, fields, page cap, rows of the day and audit as a pull.
 */
export function createReplayRecords(runtime: SharingRuntime) {
  const audit = (access: Omit<AccessRecord, 'accessId' | 'accessedAt'>) => runtime.audit.append({ ...access, accessId: randomUUID(), accessedAt: runtime.clock.now() });
  return async (partner: Partner, datasetId: string, query: { from: Date; limit?: number }) => {
    const asked = { mode: 'replay', from: query.from.toISOString(), ...(query.limit ? { limit: query.limit } : {}) };
    const { dataset, grant } = await servingGrant(runtime, audit, partner.id, datasetId, asked);
    if (!dataset.source) throw invalidArgument('dataset', `${dataset.id} has no feed to replay yet`, 'not_fed');
    const limit = pageSize(query.limit, partner.quota);
    const read = await runtime.replay.read(dataset.source, query.from, 10_000);
    const items = read
      .filter((record) => record.dataset === dataset.id && inGrant({ ...record, seq: 0 }, grant))
      .slice(0, limit)
      .map((record) => ({ position: record.position, key: record.key, occurred_at: record.occurredAt.toISOString(), fields: projectRecord({ ...record, seq: 0 }, grant, dataset) }));
    const body = JSON.stringify({ dataset: dataset.id, from: query.from.toISOString(), items });
    const sha256 = createHash('sha256').update(body).digest('hex');
    await audit({ partnerId: partner.id, dataset: dataset.id, query: asked, rows: items.length, responseSha256: sha256, allowed: true, denialReason: '' });
    return body;
  };
}

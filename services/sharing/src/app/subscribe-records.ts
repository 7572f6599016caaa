import { createHash, randomUUID } from 'node:crypto';
import type { AccessRecord } from '../domain/access-audit';
import { grantRefusal, inGrant, type Grant } from '../domain/grant';
import { createRecordTail } from './record-tail';
import { pushedEvent, type PushedEvent } from './cloud-event';
import type { Partner } from './ports';
import { servingGrant } from './pull-records';
import type { SharingRuntime } from './runtime';

export type { PushedEvent };

export interface Subscription {
  /** Events after the resume point, as they are stored, until the grant stops serving or `abort` fires. */
  events(): AsyncGenerator<PushedEvent[]>;
  /** Audits the end of the subscription: how many events left, and a digest of their ids. */
  close(): Promise<void>;
}

const BATCH = 200;
const GRANT_RECHECK_MS = 1_000;
/** How long a subscription waits for a wake-up before looking again (a record stored by another instance). */
const IDLE_POLL_MS = 1_000;

/**
 * A push subscription. It resumes strictly after `lastSeq` (SSE `Last-Event-ID`): records are numbered in commit
 * order, so reading `seq > last` again after a disconnect yields exactly the events not yet seen — no gap, no
 * duplicate. The opening and the end are audited (the end with the number of events sent and a digest of their ids);
 * the grant is read again at most every second, so revoking it ends the stream within a second. New records come
 * from a tail shared by every subscriber of the process (one query per stored batch, not one per subscriber).
 */
export function createSubscribeRecords(runtime: SharingRuntime) {
  const tail = createRecordTail(runtime.records);
  const audit = (access: Omit<AccessRecord, 'accessId' | 'accessedAt'>) => runtime.audit.append({ ...access, accessId: randomUUID(), accessedAt: runtime.clock.now() });
  return async (partner: Partner, datasetId: string, lastSeq: number, abort: AbortSignal): Promise<Subscription> => {
    const query = { mode: 'subscribe', last_event_id: lastSeq };
    const served = await servingGrant(runtime, audit, partner.id, datasetId, query);
    const { dataset } = served;
    let grant: Grant | undefined = served.grant;
    let grantCheckedAt = Date.now();
    await audit({ partnerId: partner.id, dataset: dataset.id, query, rows: 0, responseSha256: '', allowed: true, denialReason: 'subscription_opened' });
    let sent = 0;
    const digest = createHash('sha256');
    let after = lastSeq;
    return {
      events: async function* () {
        while (!abort.aborted) {
          // The grant is looked at again at most every GRANT_RECHECK_MS: revoking it ends the stream within that.
          if (grantCheckedAt + GRANT_RECHECK_MS <= Date.now()) {
            grant = await runtime.grants.current(partner.id, dataset.id);
            grantCheckedAt = Date.now();
          }
          const seen = runtime.signal.version();
          const current = grant;
          if (!current || grantRefusal(current, dataset, runtime.clock.now())) return;
          const records =
            (await tail.after(dataset.id, after, BATCH)) ??
            (await runtime.records.page({ dataset: dataset.id, afterSeq: after, limit: BATCH, scope: current.scope, ...(current.window.from ? { from: current.window.from } : {}), ...(current.window.to ? { to: current.window.to } : {}) }));
          const last = records.at(-1);
          if (!last) {
            await runtime.signal.next(IDLE_POLL_MS, abort, seen);
            continue;
          }
          after = last.seq;
          const events = records.filter((record) => inGrant(record, current)).map((record) => pushedEvent(record, current, dataset));
          for (const event of events) digest.update(`${event.seq}\n`);
          sent += events.length;
          if (events.length > 0) yield events;
        }
      },
      close: async () => {
        await audit({ partnerId: partner.id, dataset: dataset.id, query: { ...query, last_sent: after }, rows: sent, responseSha256: digest.digest('hex'), allowed: true, denialReason: 'subscription_closed' });
      },
    };
  };
}

import { createHash, randomUUID } from 'node:crypto';
import { datasetById } from '../domain/catalogue';
import { grantRefusal, inGrant } from '../domain/grant';
import { signDelivery } from '../domain/webhook-signature';
import { pushedEvent } from './cloud-event';
import type { WebhookSubscription } from './ports';
import type { SharingRuntime } from './runtime';

const BATCH = 100;

/**
 * How long an instance leases a subscription: several poll rounds, and at least twice the longest one event can take
 * (every attempt timing out, with the doubling backoff between them) — the lease is renewed before each event, so it
 * can never run out while an event is still being sent.
 */
export function webhookLeaseMs(policy: { attempts: number; backoffMs: number; timeoutMs: number }, pollMs: number, minimumMs: number): number {
  const longestEventMs = policy.attempts * policy.timeoutMs + policy.backoffMs * (2 ** (policy.attempts - 1) - 1);
  return Math.max(minimumMs, pollMs * 10, 2 * longestEventMs);
}

/**
 * One round of webhook delivery for the subscriptions this instance leases: the records after each one's position,
 * inside its grant, one POST per event in order, signed (`X-EcoGrid-Signature`, timestamped), retried with doubling
 * backoff and dead-lettered when every attempt failed; the position advances past each event either way, so one
 * bad event does not stop the feed. Only 2xx counts as delivered: redirects are not followed. Each delivered batch
 * is audited like a pull. The lease is renewed before each event — and the round for that subscription ends when
 * another instance holds it — so with a lease at least twice one event's longest delivery (every attempt timing out,
 * with its backoff) two instances never send a subscription's events at once.
 */
export function createDeliverWebhooks(runtime: SharingRuntime, owner = `instance-${randomUUID()}`) {
  const deliver = async (subscription: WebhookSubscription, leaseMs: number): Promise<number> => {
    const dataset = datasetById(subscription.datasetId);
    const grant = await runtime.grants.current(subscription.partnerId, subscription.datasetId);
    if (!dataset || !grant || grantRefusal(grant, dataset, runtime.clock.now())) return 0;
    const records = await runtime.records.page({ dataset: dataset.id, afterSeq: subscription.lastSeq, limit: BATCH, scope: grant.scope, ...(grant.window.from ? { from: grant.window.from } : {}), ...(grant.window.to ? { to: grant.window.to } : {}) });
    let delivered = 0;
    let dead = 0;
    const digest = createHash('sha256');
    const handled: typeof records = [];
    for (const record of records) {
      if (!(await runtime.webhooks.renew(subscription.id, owner, leaseMs))) break;
      handled.push(record);
      if (inGrant(record, grant)) {
        const body = JSON.stringify(pushedEvent(record, grant, dataset).cloudEvent);
        let lastError = '';
        let attempt = 1;
        for (; attempt <= runtime.webhookPolicy.attempts; attempt += 1) {
          try {
            const status = await runtime.webhookSender.send(subscription.url, body, {
              'content-type': 'application/cloudevents+json; charset=utf-8',
              'x-ecogrid-signature': signDelivery(subscription.secret, body, Math.floor(runtime.clock.now().getTime() / 1000)),
              'x-ecogrid-delivery': `${subscription.id}:${record.seq}`,
            });
            if (status >= 200 && status < 300) break;
            lastError = `HTTP ${status}`;
          } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
          }
          if (attempt < runtime.webhookPolicy.attempts) await runtime.sleep(runtime.webhookPolicy.backoffMs * 2 ** (attempt - 1));
        }
        if (attempt > runtime.webhookPolicy.attempts) {
          dead += 1;
          await runtime.webhooks.deadLetter({ subscriptionId: subscription.id, seq: record.seq, event: JSON.parse(body) as unknown, attempts: runtime.webhookPolicy.attempts, lastError }, runtime.clock.now());
        } else {
          delivered += 1;
          digest.update(body);
        }
      }
      await runtime.webhooks.advance(subscription.id, record.seq);
    }
    const last = handled.at(-1);
    if (last) {
      await runtime.audit.append({
        accessId: randomUUID(),
        accessedAt: runtime.clock.now(),
        partnerId: subscription.partnerId,
        dataset: dataset.id,
        query: { mode: 'webhook', subscription: subscription.id, after: subscription.lastSeq, through: last.seq, dead_lettered: dead },
        rows: delivered,
        responseSha256: delivered > 0 ? digest.digest('hex') : '',
        allowed: true,
        denialReason: 'webhook_delivered',
      });
    }
    return handled.length;
  };
  return async (leaseMs: number): Promise<number> => {
    let handled = 0;
    for (const subscription of await runtime.webhooks.claim(owner, leaseMs)) handled += await deliver(subscription, leaseMs);
    return handled;
  };
}

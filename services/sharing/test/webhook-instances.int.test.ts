import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';
import { buildFeed } from './support/feed-fixture';
import { selfSignedCertDir, startWebhookReceiver } from './support/webhook-receiver';
import { call, createWorld, staffToken, type SharingWorld } from './support/sharing-harness';

const SLOW_MS = 900;

/**
 * Two instances delivering one subscription to a slow receiver, with a lease (2 s) shorter than the round (every
 * event takes 900 ms). The lease is renewed before each event, so the instance that has the subscription
 * keeps it for the whole round: the receiver gets every event once and in order. Taken once per round and not
 * renewed, the other instance took it over mid-round and sent the same events again.
 */
describe('webhooks over two instances', () => {
  let world: SharingWorld;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const secrets = new Map<string, string>();
  let apiKey = '';

  beforeAll(async () => {
    const certDir = selfSignedCertDir('sharing-webhook-two');
    receiver = await startWebhookReceiver(certDir, secrets, SLOW_MS);
    world = await createWorld('sharing-hooks-two', {
      NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem'),
      WEBHOOK_ALLOW_PRIVATE_HOSTS: 'localhost',
      WEBHOOK_ATTEMPTS: '1',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_POLL_MS: '50',
      // Lease = max(1 s, 10 × 50 ms, 2 × 1 s) = 2 s: the round of slow events outlasts it.
      WEBHOOK_LEASE_MIN_MS: '1000',
    });
    await world.startInstance();
    const admin = await staffToken('admin');
    const steward = await staffToken('data_steward');
    const partner = await call(world, '/v1/admin/partners', { token: admin, method: 'POST', body: { id: 'yh-emergency', name: '盐湖区应急管理局', webhook_hosts: ['localhost'], quota: { requests_per_second: 1000 } } });
    apiKey = (partner.json as { api_key: string }).api_key;
    const grant = await call(world, '/v1/admin/grants', { token: admin, method: 'POST', body: { partner_id: 'yh-emergency', dataset: 'alerts', fields: ['alert_id', 'severity', 'summary'], scope: { townships: ['140802001'] }, purpose: '突发环境事件预警', expires_at: '2099-01-01T00:00:00Z' } });
    await call(world, `/v1/admin/grants/${(grant.json as { id: string }).id}/approve`, { token: steward, method: 'POST' });
  });

  afterAll(async () => {
    await world?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('sends every event once and in order while one instance keeps renewing its lease', { timeout: 120_000 }, async () => {
    const hook = await call(world, '/v1/webhooks', { apiKey, method: 'POST', body: { dataset: 'alerts', url: `https://localhost:${receiver.port}/slow` } });
    expect(hook.status, hook.text).toBe(201);
    secrets.set('/slow', (hook.json as { secret: string }).secret);
    const feed = buildFeed(world.topics);
    await world.publisher.publishAll(feed.events.filter((event) => event.topic === world.topics.alerts));
    const expected = feed.expected.filter((record) => record.dataset === 'alerts' && record.township === '140802001').length;
    // Enough events that one round outlasts the lease by half of it at least.
    expect(expected * SLOW_MS).toBeGreaterThan(3_000);

    const startedAt = Date.now();
    await waitFor(() => new Set(receiver.received.map((entry) => entry.delivery)).size >= expected, { timeoutMs: 90_000, intervalMs: 100, description: 'every event delivered' });
    const roundMs = Date.now() - startedAt;
    const deliveries = receiver.received.map((entry) => entry.delivery);
    const sequence = deliveries.map((delivery) => Number(delivery.split(':').at(-1)));
    console.log(`webhooks over two instances: ${expected} events, ${deliveries.length} deliveries (${deliveries.length - new Set(deliveries).size} repeated) in ${roundMs} ms with a 2,000 ms lease`);
    expect(receiver.received.every((entry) => entry.signed)).toBe(true);
    expect(deliveries).toHaveLength(new Set(deliveries).size);
    expect(sequence).toEqual([...sequence].sort((a, b) => a - b));
  });
});

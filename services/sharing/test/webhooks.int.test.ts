import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';
import { verifyDelivery } from '../src/domain/webhook-signature';
import { buildFeed } from './support/feed-fixture';
import { selfSignedCertDir, startWebhookReceiver } from './support/webhook-receiver';
import { call, createWorld, openApiValidator, staffToken, type SharingWorld } from './support/sharing-harness';

describe('webhooks: signed CloudEvents, retries, dead letters, SSRF refused', () => {
  let world: SharingWorld;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const secrets = new Map<string, string>();
  let apiKey = '';
  const openApi = openApiValidator();

  beforeAll(async () => {
    const certDir = selfSignedCertDir('sharing-webhook');
    receiver = await startWebhookReceiver(certDir, secrets);
    world = await createWorld('sharing-webhooks', {
      NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem'),
      WEBHOOK_ALLOW_PRIVATE_HOSTS: 'localhost',
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '20',
      WEBHOOK_POLL_MS: '100',
    });
    const admin = await staffToken('admin');
    const steward = await staffToken('data_steward');
    const partner = await call(world, '/v1/admin/partners', {
      token: admin,
      method: 'POST',
      body: { id: 'yh-emergency', name: '盐湖区应急管理局', webhook_hosts: ['localhost', '127.0.0.1', '10.0.0.7', '169.254.169.254', '::1'], quota: { requests_per_second: 1000 } },
    });
    apiKey = (partner.json as { api_key: string }).api_key;
    const grant = await call(world, '/v1/admin/grants', { token: admin, method: 'POST', body: { partner_id: 'yh-emergency', dataset: 'alerts', fields: ['alert_id', 'severity', 'summary'], scope: { townships: ['140802001'] }, purpose: '突发环境事件预警', expires_at: '2099-01-01T00:00:00Z' } });
    await call(world, `/v1/admin/grants/${(grant.json as { id: string }).id}/approve`, { token: steward, method: 'POST' });
  });

  afterAll(async () => {
    await world?.close();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('refuses http, unregistered hosts, loopback, private and metadata addresses', async () => {
    const refusals: Array<[string, string]> = [
      [`http://localhost:${receiver.port}/good`, 'webhook_not_https'],
      ['https://example.org/hook', 'webhook_host_not_registered'],
      [`https://127.0.0.1:${receiver.port}/good`, 'webhook_private_address'],
      ['https://10.0.0.7/hook', 'webhook_private_address'],
      ['https://169.254.169.254/latest/meta-data', 'webhook_private_address'],
      [`https://[::1]:${receiver.port}/good`, 'webhook_private_address'],
    ];
    for (const [url, code] of refusals) {
      const answer = await call(world, '/v1/webhooks', { apiKey, method: 'POST', body: { dataset: 'alerts', url } });
      expect([url, answer.status, (answer.json as { error: { code: string } }).error.code]).toEqual([url, 400, code]);
    }
    expect((await call(world, '/v1/webhooks', { apiKey, method: 'POST', body: { dataset: 'readings-history', url: `https://localhost:${receiver.port}/good` } })).status).toBe(403);
    console.log(`SSRF: ${refusals.length} webhook targets refused at registration (http, unregistered host, 127.0.0.1, 10.0.0.7, 169.254.169.254, ::1)`);
  });

  it('delivers signed events to a verifying receiver, retries and dead-letters a failing one, and never follows a redirect', async () => {
    const hooks: Record<string, { id: string; secret: string }> = {};
    for (const path of ['/good', '/fail', '/redirect']) {
      const answer = await call(world, '/v1/webhooks', { apiKey, method: 'POST', body: { dataset: 'alerts', url: `https://localhost:${receiver.port}${path}` } });
      expect(answer.status, answer.text).toBe(201);
      openApi.assert('WebhookCreated', answer.json);
      hooks[path] = answer.json as { id: string; secret: string };
      secrets.set(path, (answer.json as { secret: string }).secret);
    }
    const feed = buildFeed(world.topics);
    await world.publisher.publishAll(feed.events.filter((event) => event.topic === world.topics.alerts));
    const expected = feed.expected.filter((record) => record.dataset === 'alerts' && record.township === '140802001').length;

    await waitFor(async () => {
      const dead = await call(world, `/v1/webhooks/${hooks['/fail']?.id}/dead-letters`, { apiKey });
      const redirected = await call(world, `/v1/webhooks/${hooks['/redirect']?.id}/dead-letters`, { apiKey });
      const good = new Set(receiver.received.filter((entry) => entry.path === '/good' && entry.signed).map((entry) => entry.id));
      return (dead.json as { dead_letters: unknown[] }).dead_letters.length === expected && (redirected.json as { dead_letters: unknown[] }).dead_letters.length === expected && good.size === expected;
    }, { timeoutMs: 60_000, intervalMs: 200, description: 'deliveries and dead letters' });

    const good = receiver.received.filter((entry) => entry.path === '/good');
    const failing = receiver.received.filter((entry) => entry.path === '/fail');
    const trapped = receiver.received.filter((entry) => entry.path === '/trap');
    openApi.assert('WebhookList', (await call(world, '/v1/webhooks', { apiKey })).json);
    openApi.assert('DeadLetters', (await call(world, `/v1/webhooks/${hooks['/fail']?.id}/dead-letters`, { apiKey })).json);
    const dead = (await call(world, `/v1/webhooks/${hooks['/fail']?.id}/dead-letters`, { apiKey })).json as { dead_letters: Array<{ attempts: number; last_error: string }> };
    console.log(
      `webhooks: ${expected} events in scope; /good received ${good.length} (${good.filter((entry) => entry.signed).length} signature-verified, ${good.length - new Set(good.map((entry) => entry.id)).size} duplicates); ` +
        `/fail tried ${failing.length} times (${expected} events × 3 attempts), ${dead.dead_letters.length} dead letters; redirect followed ${trapped.length} times`,
    );
    expect(good.every((entry) => entry.signed)).toBe(true);
    expect(good.length).toBe(expected);
    expect(failing.length).toBe(expected * 3);
    expect(dead.dead_letters.every((letter) => letter.attempts === 3 && letter.last_error === 'HTTP 500')).toBe(true);
    expect(trapped).toHaveLength(0);
    // Replaying a captured delivery later fails the receiver's timestamp check.
    expect(verifyDelivery(secrets.get('/good') as string, '{}', 't=1000,v1=' + '0'.repeat(64), Math.floor(Date.now() / 1000))).toBe(false);
  });
});

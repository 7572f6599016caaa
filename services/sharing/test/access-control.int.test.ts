import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedAccessed } from '@ecogrid/proto/sharing/v1/events';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { buildFeed } from './support/feed-fixture';
import { call, createWorld, openApiValidator, registerDemo, staffToken, type RegisteredPartner, type SharingWorld } from './support/sharing-harness';

describe('credentials, quotas and the access audit', () => {
  let world: SharingWorld;
  let partners: Map<string, RegisteredPartner>;
  let accessEvents: TopicRecorder;
  const openApi = openApiValidator();
  let recordCount = 0;

  beforeAll(async () => {
    // Noon in China on a fixed day: the rows-per-day allowance and the monthly report never straddle a boundary.
    world = await createWorld('sharing-access', { CLOCK_START: '2026-06-15T04:00:00Z' });
    accessEvents = await recordTopics(world.kafka, [world.topics.sharingAccess]);
    partners = await registerDemo(world, { quota: { requests_per_second: 3, rows_per_day: 40, page_cap: 4 } });
    const feed = buildFeed(world.topics);
    await world.publisher.publishAll(feed.events);
    recordCount = feed.expected.length;
    await waitFor(async () => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM shared_records')).rows[0]?.count) === recordCount, { timeoutMs: 60_000, intervalMs: 200, description: 'records stored' });
  });

  afterAll(async () => {
    await accessEvents?.stop();
    await world?.close();
  });

  const eeb = () => partners.get('yc-eeb') as RegisteredPartner;
  /** Waits out the current one-second window of the per-second quota. */
  /** A partner call that, refused by the per-second quota, waits as told and asks again. */
  const patient = async (path: string, headers: Record<string, string> = {}) => {
    for (;;) {
      const answer = await call(world, path, { apiKey: eeb().apiKey, headers });
      if (answer.status !== 429 || (answer.json as { error: { code: string } }).error.code !== 'quota_requests_per_second') return answer;
      await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after')) * 1000));
    }
  };
  const nextSecond = () => waitFor(async () => (await call(world, '/v1/catalogue', { apiKey: eeb().apiKey })).status === 200, { timeoutMs: 5_000, intervalMs: 250, description: 'rps window to renew' });

  it('refuses unknown, malformed and missing credentials, and staff tokens on the partner pull', async () => {
    expect((await call(world, '/v1/catalogue')).status).toBe(401);
    expect((await call(world, '/v1/catalogue', { apiKey: 'esk_k000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    expect((await call(world, '/v1/catalogue', { apiKey: 'nonsense' })).status).toBe(401);
    const staff = await call(world, '/v1/datasets/aqi-hourly/records', { token: await staffToken('analyst') });
    expect(staff.status).toBe(403);
    openApi.assert('Error', staff.json);
  });

  it('issues client-credentials tokens, and a revoked key stops its key and its tokens at once; a rotated key works', async () => {
    const partner = partners.get('yh-water') as RegisteredPartner;
    const admin = await staffToken('admin');
    const rotated = await call(world, `/v1/admin/partners/${partner.id}/keys`, { token: admin, method: 'POST' });
    expect(rotated.status).toBe(201);
    openApi.assert('IssuedKey', rotated.json);
    const fresh = rotated.json as { api_key: string; key_id: string };

    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: partner.keyId, client_secret: partner.apiKey });
    const issued = await fetch(`${world.baseUrl}/oauth/token`, { method: 'POST', body: form });
    const token = (await issued.json()) as { access_token: string; token_type: string; expires_in: number };
    expect(issued.status).toBe(200);
    openApi.assert('Token', token);
    const wrongSecret = await fetch(`${world.baseUrl}/oauth/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: fresh.key_id, client_secret: partner.apiKey }) });
    expect(wrongSecret.status).toBe(401);

    expect((await call(world, '/v1/datasets/readings-history/records?limit=1', { token: token.access_token })).status).toBe(200);
    expect((await call(world, '/v1/datasets/readings-history/records?limit=1', { apiKey: partner.apiKey })).status).toBe(200);

    expect((await call(world, `/v1/admin/keys/${partner.keyId}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    const byKey = await call(world, '/v1/catalogue', { apiKey: partner.apiKey });
    const byToken = await call(world, '/v1/catalogue', { token: token.access_token });
    expect([byKey.status, (byKey.json as { error: { code: string } }).error.code]).toEqual([401, 'revoked_api_key']);
    expect([byToken.status, (byToken.json as { error: { code: string } }).error.code]).toEqual([401, 'revoked_api_key']);
    expect((await call(world, '/v1/catalogue', { apiKey: fresh.api_key })).status).toBe(200);
    const { rows } = await world.db.query<{ sha256: string }>('SELECT sha256 FROM partner_keys WHERE key_id = $1', [fresh.key_id]);
    expect(rows[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(fresh.api_key);
  });

  it('caps pages, answers 429 with Retry-After past the per-second quota, and recovers', async () => {
    const page = await patient('/v1/datasets/aqi-hourly/records?limit=100');
    expect((page.json as { items: unknown[] }).items).toHaveLength(4);
    await nextSecond();
    const burst = await Promise.all(Array.from({ length: 8 }, () => call(world, '/v1/catalogue', { apiKey: eeb().apiKey })));
    const limited = burst.filter((answer) => answer.status === 429);
    console.log(`quota: burst of 8 at 3 req/s → ${burst.length - limited.length} × 200, ${limited.length} × 429, Retry-After ${limited[0]?.headers.get('retry-after')}`);
    expect(limited.length).toBeGreaterThanOrEqual(5);
    expect(Number(limited[0]?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    openApi.assert('Error', limited[0]?.json);
    await new Promise((resolve) => setTimeout(resolve, Number(limited[0]?.headers.get('retry-after')) * 1000));
    expect((await call(world, '/v1/catalogue', { apiKey: eeb().apiKey })).status).toBe(200);
  });

  it('stops at the rows of the day with 429 until the day renews', async () => {
    let cursor: string | null = null;
    let served = 0;
    let refused: Awaited<ReturnType<typeof call>> | undefined;
    for (let request = 0; request < 30 && !refused; request += 1) {
      const answer = await patient(`/v1/datasets/readings-latest/records?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      if (answer.status === 429) refused = answer;
      else {
        const body = answer.json as { items: unknown[]; next_cursor: string | null };
        served += body.items.length;
        cursor = body.next_cursor;
      }
    }
    expect(refused?.status).toBe(429);
    expect((refused?.json as { error: { code: string } }).error.code).toBe('quota_rows_per_day');
    const retryAfter = Number(refused?.headers.get('retry-after'));
    // 12:00 China time plus the seconds the test has run: about twelve hours to the next quota day.
    expect(retryAfter).toBeGreaterThan(11 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(12 * 3600);
    console.log(`quota: ${served} rows served against 40 a day (4 of them by the page-cap test) before 429 rows_per_day, Retry-After ${retryAfter} s (next midnight CST)`);
    expect(served).toBe(36);
    // The next day, as far as the counter knows.
    const keys = await world.redis.keys(`${world.redisPrefix}rows:yc-eeb:*`);
    await world.redis.del(...keys);
    expect((await patient('/v1/datasets/readings-latest/records?limit=4')).status).toBe(200);
  });

  it('shows operators how long each round trip of a request took: admission, page and audit', async () => {
    await patient('/v1/datasets/aqi-hourly/records?limit=2');
    const exposition = await (await fetch(`${world.adminUrl}/metrics`)).text();
    const counted = (stage: string): number => Number(new RegExp(`^sharing_request_stage_seconds_count\\{stage="${stage}"\\} (\\d+)`, 'm').exec(exposition)?.[1] ?? 0);
    // Every pull so far in this file went through all three; the sums are durations, so positive.
    for (const stage of ['admission', 'page', 'audit']) expect(counted(stage), stage).toBeGreaterThan(0);
    expect(Number(/^sharing_request_stage_seconds_sum\{stage="audit"\} ([\d.e-]+)/m.exec(exposition)?.[1] ?? 0)).toBeGreaterThan(0);
  });

  it('answers 304 to an unchanged page', async () => {
    const first = await patient('/v1/datasets/credit-ratings/records');
    const etag = first.headers.get('etag') as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await patient('/v1/datasets/credit-ratings/records', { 'if-none-match': etag });
    expect(again.status).toBe(304);
  });

  it('audits every access, lets partners read only their own, publishes each to Kafka, and the verifier names an altered row', async () => {
    const steward = await staffToken('data_steward');
    const all = await call(world, '/v1/audit?limit=1000', { token: steward });
    openApi.assert('AuditList', all.json);
    const entries = (all.json as { entries: Array<{ sequence: number; partner_id: string; allowed: boolean; denial_reason: string; rows: number }> }).entries;
    expect(entries.some((entry) => entry.denial_reason === 'quota_rows_per_day')).toBe(true);
    expect(entries.some((entry) => entry.denial_reason === 'not_modified' && entry.rows === 0)).toBe(true);

    const own = await patient('/v1/audit?limit=1000');
    const ownEntries = (own.json as { entries: Array<{ partner_id: string }> }).entries;
    expect(ownEntries.length).toBeGreaterThan(0);
    expect(new Set(ownEntries.map((entry) => entry.partner_id))).toEqual(new Set(['yc-eeb']));
    expect((await patient('/v1/audit?partner=hotline-12369')).status).toBe(403);
    expect((await patient('/v1/audit/verify')).status).toBe(403);

    const report = await call(world, '/v1/audit/report?month=2026-06', { token: steward });
    openApi.assert('AuditReport', report.json);
    const reportRows = (report.json as { rows: Array<{ partner_id: string; accesses: number; rows: number }> }).rows;
    expect(reportRows.filter((row) => row.partner_id === 'yc-eeb').reduce((sum, row) => sum + row.rows, 0)).toBeGreaterThanOrEqual(40);
    expect(((await call(world, '/v1/audit/report?month=2026-07', { token: steward })).json as { rows: unknown[] }).rows).toEqual([]);

    const count = Number((await world.db.query<{ count: string }>('SELECT count(*) FROM access_audit')).rows[0]?.count);
    const published = await accessEvents.waitForCount(count, undefined, 30_000);
    const decoded = published.map((message) => FeedAccessed.decode(message.value as Buffer));
    expect(new Set(decoded.map((event) => event.auditSequence)).size).toBe(count);
    console.log(`audit: ${count} accesses chained in PostgreSQL, ${published.length} FeedAccessed events on ${world.topics.sharingAccess}`);

    const intact = await call(world, '/v1/audit/verify', { token: steward });
    openApi.assert('AuditVerdict', intact.json);
    expect(intact.json).toMatchObject({ intact: true });

    const victim = Math.max(2, Math.floor(count / 2));
    await expect(world.db.query('UPDATE access_audit SET rows = rows + 1000 WHERE sequence = $1', [victim])).rejects.toThrow(/append-only/);
    // A superuser can switch the triggers off for a session: the chain is what still shows it.
    const client = await world.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('UPDATE access_audit SET rows = rows + 1000 WHERE sequence = $1', [victim]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const broken = await call(world, '/v1/audit/verify', { token: steward });
    console.log(`audit tamper: altered sequence ${victim} of ${count}; verifier says ${JSON.stringify(broken.json)}`);
    expect(broken.json).toMatchObject({ intact: false, firstBroken: { sequence: victim, reason: 'hash_mismatch' } });
  });
});

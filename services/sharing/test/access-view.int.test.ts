import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createWorld, registerDemo, staffToken, type RegisteredPartner, type SharingWorld } from './support/sharing-harness';

const codeOf = (answer: { json: unknown }): string | undefined => (answer.json as { error?: { code?: string } } | undefined)?.error?.code;

/**
 * Two instances over one database. Each keeps keys, partners and grants in memory; a change committed through one
 * must be obeyed by the other on the very next request, with no wait in between (no waitFor here on purpose).
 */
describe('two instances: keys, partners and grants from memory, revocations obeyed at once, one audit chain', () => {
  let world: SharingWorld;
  let other: { baseUrl: string };
  let partners: Map<string, RegisteredPartner>;

  beforeAll(async () => {
    world = await createWorld('sharing-view');
    partners = await registerDemo(world, { quota: { requests_per_second: 1000, rows_per_day: 1_000_000, page_cap: 20 } });
    other = await world.startInstance();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('a key revoked through one instance is refused by the other on its next pull, by key and by token; a rotated key works there at once', async () => {
    const water = partners.get('yh-water') as RegisteredPartner;
    const admin = await staffToken('admin');
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: water.keyId, client_secret: water.apiKey });
    const token = ((await (await fetch(`${other.baseUrl}/oauth/token`, { method: 'POST', body: form })).json()) as { access_token: string }).access_token;
    // Both doors used on the other instance first, so that its memory holds the key.
    for (let i = 0; i < 3; i += 1) {
      expect((await call(other, '/v1/datasets/readings-history/records?limit=1', { apiKey: water.apiKey })).status).toBe(200);
      expect((await call(other, '/v1/datasets/readings-history/records?limit=1', { token })).status).toBe(200);
    }

    const rotated = await call(world, `/v1/admin/partners/${water.id}/keys`, { token: admin, method: 'POST' });
    expect(rotated.status).toBe(201);
    const fresh = rotated.json as { api_key: string };

    expect((await call(world, `/v1/admin/keys/${water.keyId}`, { token: admin, method: 'DELETE' })).status).toBe(204);
    const byKey = await call(other, '/v1/datasets/readings-history/records?limit=1', { apiKey: water.apiKey });
    const byToken = await call(other, '/v1/datasets/readings-history/records?limit=1', { token });
    const elsewhere = await call(other, '/v1/catalogue', { apiKey: water.apiKey });
    expect([byKey.status, codeOf(byKey)]).toEqual([401, 'revoked_api_key']);
    expect([byToken.status, codeOf(byToken)]).toEqual([401, 'revoked_api_key']);
    expect([elsewhere.status, codeOf(elsewhere)]).toEqual([401, 'revoked_api_key']);
    expect((await call(other, '/v1/datasets/readings-history/records?limit=1', { apiKey: fresh.api_key })).status).toBe(200);
  });

  it('a grant revoked through one instance is refused by the other on its next pull; one approved there is served at once', async () => {
    const eeb = partners.get('yc-eeb') as RegisteredPartner;
    const hotline = partners.get('hotline-12369') as RegisteredPartner;
    const admin = await staffToken('admin');
    const steward = await staffToken('data_steward');
    for (let i = 0; i < 3; i += 1) expect((await call(other, '/v1/datasets/aqi-hourly/records?limit=1', { apiKey: eeb.apiKey })).status).toBe(200);
    const revoked = await call(world, `/v1/admin/grants/${eeb.grants.get('aqi-hourly')?.id}/revoke`, { token: admin, method: 'POST' });
    expect(revoked.status).toBe(200);
    const refused = await call(other, '/v1/datasets/aqi-hourly/records?limit=1', { apiKey: eeb.apiKey });
    expect([refused.status, codeOf(refused)]).toEqual([403, 'no_grant']);
    // Another partner's grant on the same dataset is untouched.
    expect((await call(other, '/v1/datasets/aqi-hourly/records?limit=1', { apiKey: hotline.apiKey })).status).toBe(200);

    const pending = hotline.grants.get('alerts');
    expect(pending?.status).toBe('pending_approval');
    for (let i = 0; i < 3; i += 1) expect((await call(other, '/v1/datasets/alerts/records?limit=1', { apiKey: hotline.apiKey })).status).toBe(403);
    expect((await call(world, `/v1/admin/grants/${pending?.id}/approve`, { token: steward, method: 'POST' })).status).toBe(200);
    expect((await call(other, '/v1/datasets/alerts/records?limit=1', { apiKey: hotline.apiKey })).status).toBe(200);
  });

  it('parallel pulls on both instances are audited once each in one chain, which verifies and then names an altered row', async () => {
    const eeb = partners.get('yc-eeb') as RegisteredPartner;
    const steward = await staffToken('data_steward');
    const count = async (): Promise<number> => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM access_audit')).rows[0]?.count);
    const before = await count();
    const pulls = 120;
    const answers = await Promise.all(
      Array.from({ length: pulls }, (_, index) => call(index % 2 === 0 ? world : other, `/v1/datasets/readings-latest/records?limit=1&township=t${index}`, { apiKey: eeb.apiKey })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: pulls }, () => 200));
    expect(await count()).toBe(before + pulls);
    const { rows } = await world.db.query<{ township: string; entries: string; first: string; last: string }>(
      "SELECT query->>'township' AS township, count(*) AS entries, min(sequence) AS first, max(sequence) AS last FROM access_audit WHERE partner_id = 'yc-eeb' AND dataset = 'readings-latest' AND query ? 'township' GROUP BY 1",
    );
    expect(rows.length).toBe(pulls);
    expect(rows.every((row) => row.entries === '1')).toBe(true);
    const { rows: sequences } = await world.db.query<{ min: string; max: string; n: string }>('SELECT min(sequence), max(sequence), count(*) AS n FROM access_audit');
    expect(Number(sequences[0]?.max) - Number(sequences[0]?.min) + 1).toBe(Number(sequences[0]?.n));

    expect((await call(world, '/v1/audit/verify', { token: steward })).json).toMatchObject({ intact: true });
    const victim = Number(rows[Math.floor(pulls / 2)]?.first);
    const client = await world.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query('UPDATE access_audit SET rows = rows + 1 WHERE sequence = $1', [victim]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const verdict = await call(other, '/v1/audit/verify', { token: steward });
    console.log(`two instances: ${pulls} parallel pulls → ${pulls} audit rows in one chain; altered sequence ${victim}; verifier says ${JSON.stringify(verdict.json)}`);
    expect(verdict.json).toMatchObject({ intact: false, firstBroken: { sequence: victim, reason: 'hash_mismatch' } });
  });
});

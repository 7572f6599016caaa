import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';
import { CATALOGUE } from '../src/domain/catalogue';
import { YANHU_PARTNERS, type DemoGrant } from '../src/demo/yanhu-partners';
import { buildFeed, ENTERPRISES, FACTORS, TOWNSHIPS, type ExpectedRecord } from './support/feed-fixture';
import { call, createWorld, openApiValidator, registerDemo, type RegisteredPartner, type SharingWorld } from './support/sharing-harness';

/** The test's own reading of a grant: which fixture records it covers. */
function covered(record: ExpectedRecord, grant: DemoGrant, filter: { township?: string; enterprise?: string; factor?: string }): boolean {
  const scope = grant.scope ?? {};
  if (scope.townships && !(record.township !== null && scope.townships.includes(record.township))) return false;
  if (scope.enterprises && !(record.enterprise !== null && scope.enterprises.includes(record.enterprise))) return false;
  if (scope.factors && !(record.factor !== null && scope.factors.includes(record.factor))) return false;
  if (scope.bbox) {
    const [w, s, e, n] = scope.bbox;
    if (record.lon === null || record.lat === null || record.lon < w || record.lon > e || record.lat < s || record.lat > n) return false;
  }
  if (filter.township !== undefined && record.township !== filter.township) return false;
  if (filter.enterprise !== undefined && record.enterprise !== filter.enterprise) return false;
  if (filter.factor !== undefined && record.factor !== filter.factor) return false;
  return true;
}

describe('no leaks: every demo partner × dataset × field × scope', () => {
  let world: SharingWorld;
  let partners: Map<string, RegisteredPartner>;
  const feed = { expected: [] as ExpectedRecord[] };
  const openApi = openApiValidator();

  beforeAll(async () => {
    world = await createWorld('sharing-leak');
    // Room for the test's many pages: the quota test checks the limits themselves.
    partners = await registerDemo(world, { quota: { requests_per_second: 10_000, rows_per_day: 10_000_000, page_cap: 50 } });
    const built = buildFeed(world.topics);
    feed.expected = built.expected;
    await world.publisher.publishAll(built.events);
    await waitFor(
      async () => {
        const { rows } = await world.db.query<{ count: string }>('SELECT count(*) FROM shared_records');
        return Number(rows[0]?.count) === built.expected.length;
      },
      { timeoutMs: 60_000, intervalMs: 200, description: `${built.expected.length} shared records stored` },
    );
  });

  afterAll(async () => {
    await world?.close();
  });

  it('serves exactly the granted rows and fields, and nothing of ungranted, pending or not-shareable datasets', async () => {
    const tally = { combinations: 0, pages: 0, rowsServed: 0, rowsExpected: 0, fieldChecks: 0, refusals: 0, leaks: [] as string[] };
    for (const demo of YANHU_PARTNERS) {
      const partner = partners.get(demo.id) as RegisteredPartner;
      for (const dataset of CATALOGUE) {
        const grant = demo.grants.find((candidate) => candidate.dataset === dataset.id);
        const serves = grant !== undefined && !grant.leavePending && dataset.sharingClass !== 'not_shareable';
        const filters: Array<{ township?: string; enterprise?: string; factor?: string }> = [
          {},
          ...TOWNSHIPS.map((township) => ({ township })),
          ...ENTERPRISES.map((enterprise) => ({ enterprise })),
          ...FACTORS.map((factor) => ({ factor })),
        ];
        for (const filter of filters) {
          tally.combinations += 1;
          const query = new URLSearchParams({ limit: '17', ...filter });
          const label = `${demo.id} × ${dataset.id} ${query.toString()}`;
          if (!serves) {
            const refused = await call(world, `/v1/datasets/${dataset.id}/records?${query}`, { apiKey: partner.apiKey });
            openApi.assert('Error', refused.json);
            if (refused.status !== 403 || refused.text.includes('"items"')) tally.leaks.push(`${label}: answered ${refused.status}`);
            tally.refusals += 1;
            continue;
          }
          const want = new Map(feed.expected.filter((record) => record.dataset === dataset.id && covered(record, grant, filter)).map((record) => [record.key, record]));
          const got = new Map<string, Record<string, unknown>>();
          let cursor: string | null = null;
          do {
            const page = await call(world, `/v1/datasets/${dataset.id}/records?${query}${cursor ? `&cursor=${cursor}` : ''}`, { apiKey: partner.apiKey });
            expect(page.status, `${label}: ${page.text}`).toBe(200);
            openApi.assert('Page', page.json);
            const body = page.json as { items: Array<{ key: string; fields: Record<string, unknown> }>; next_cursor: string | null };
            tally.pages += 1;
            for (const item of body.items) {
              if (got.has(item.key)) tally.leaks.push(`${label}: ${item.key} served twice`);
              got.set(item.key, item.fields);
            }
            cursor = body.next_cursor;
          } while (cursor);
          tally.rowsServed += got.size;
          tally.rowsExpected += want.size;
          for (const key of got.keys()) if (!want.has(key)) tally.leaks.push(`${label}: row ${key} outside the grant`);
          for (const key of want.keys()) if (!got.has(key)) tally.leaks.push(`${label}: granted row ${key} missing`);
          for (const [key, fields] of got) {
            const record = want.get(key);
            if (!record) continue;
            for (const field of dataset.fields) {
              tally.fieldChecks += 1;
              const granted = grant.fields.includes(field.name) && !field.neverShared;
              const present = Object.hasOwn(fields, field.name);
              if (!granted && present) tally.leaks.push(`${label}: ${key}.${field.name} not granted but served`);
              if (granted && JSON.stringify(fields[field.name]) !== JSON.stringify(record.fields[field.name])) tally.leaks.push(`${label}: ${key}.${field.name} is ${JSON.stringify(fields[field.name])}, expected ${JSON.stringify(record.fields[field.name])}`);
            }
            for (const name of Object.keys(fields)) if (!dataset.fields.some((field) => field.name === name)) tally.leaks.push(`${label}: ${key}.${name} is not a catalogue field`);
          }
        }
      }
    }
    console.log(
      `leak test: ${YANHU_PARTNERS.length} partners × ${CATALOGUE.length} datasets, ${tally.combinations} partner×dataset×scope combinations, ${tally.pages} pages, ` +
        `${tally.rowsServed} rows served of ${tally.rowsExpected} granted, ${tally.fieldChecks} field checks, ${tally.refusals} refusals, ${openApi.checked} answers valid against OpenAPI, leaks: ${tally.leaks.length}`,
    );
    expect(tally.leaks.slice(0, 20)).toEqual([]);
    expect(tally.rowsServed).toBeGreaterThan(0);
    expect(tally.refusals).toBeGreaterThan(0);
  });

  it('never stores a case note or actor, so no grant can serve them', async () => {
    const { rows } = await world.db.query<{ count: string }>("SELECT count(*) FROM shared_records WHERE fields::text LIKE '%13800000000%' OR fields::text LIKE '%dispatcher-7%'");
    expect(Number(rows[0]?.count)).toBe(0);
  });
});

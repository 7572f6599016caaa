import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '@ecogrid/kafka';
import { Enterprise } from '@ecogrid/proto/registry/v1/entities';
import { EnterpriseChanged } from '@ecogrid/proto/registry/v1/events';
import { waitFor } from '@ecogrid/testkit';
import { call, createWorld, openApiValidator, staffToken, type SharingWorld } from './support/sharing-harness';

const IN_SCOPE = '140802001';
const enterprise = (uscc: string, name: string, township: string): Enterprise =>
  Enterprise.fromPartial({
    uscc,
    name,
    industry: '火力发电',
    keyDischargeUnit: true,
    permitNumber: `PERMIT-${uscc}`,
    location: { lon: 111.0, lat: 35.03 },
    townshipCode: township,
    cellId: 'cell-yanhu-007',
    outlets: [{ id: 'DA001', name: '1号排口', kind: 'flue_gas', deviceMns: ['88888880000001'] }],
  });

describe('the public subset of the registry as a dataset', () => {
  let world: SharingWorld;
  let apiKey = '';
  const openApi = openApiValidator();

  beforeAll(async () => {
    world = await createWorld('sharing-registry');
    const admin = await staffToken('admin');
    const partner = await call(world, '/v1/admin/partners', { token: admin, method: 'POST', body: { id: 'city-eeb', name: '运城市生态环境局' } });
    expect(partner.status).toBe(201);
    apiKey = (partner.json as { api_key: string }).api_key;
    const grant = await call(world, '/v1/admin/grants', {
      token: admin,
      method: 'POST',
      body: { partner_id: 'city-eeb', dataset: 'registry-enterprises-public', fields: ['enterprise_uscc', 'name', 'industry', 'township_code'], scope: { townships: [IN_SCOPE] }, purpose: '重点排污单位名录公开', expires_at: '2099-01-01T00:00:00Z' },
    });
    expect(grant.status).toBe(201);
    expect((grant.json as { status: string }).status).toBe('active');
  });

  afterAll(async () => {
    await world?.close();
  });

  it('serves each enterprise of the registry topic in scope, newest change only, with its public fields and nothing else', async () => {
    const changes = [
      enterprise('911408027100020781', '运城某电厂(旧名)', IN_SCOPE),
      enterprise('91140802710797157D', '盐湖某化工', '140802203'),
      enterprise('911408027100020781', '运城某电厂', IN_SCOPE),
    ];
    for (const change of changes) {
      await world.publisher.publish({ topic: world.topics.registryEnterprises, key: change.uscc, value: Buffer.from(EnterpriseChanged.encode({ enterprise: change }).finish()), type: TOPICS.registryEnterprises.payload });
    }
    const pull = async () => call(world, '/v1/datasets/registry-enterprises-public/records?limit=50', { apiKey });
    const answer = await waitFor(
      async () => {
        const got = await pull();
        const items = (got.json as { items?: Array<{ fields: Record<string, unknown> }> }).items ?? [];
        return items.some((item) => item.fields.name === '运城某电厂') ? got : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 300, description: 'the newest enterprise change to be served' },
    );
    expect(answer.status).toBe(200);
    openApi.assert('Page', answer.json);
    const items = (answer.json as { items: Array<{ key: string; fields: Record<string, unknown> }> }).items;
    process.stdout.write(`registry-enterprises-public: ${changes.length} changes published, ${items.length} served in scope: ${JSON.stringify(items.map((item) => item.fields))}\n`);
    expect(items.map((item) => item.key)).toEqual(['911408027100020781']);
    expect(items[0]?.fields).toEqual({ enterprise_uscc: '911408027100020781', name: '运城某电厂', industry: '火力发电', township_code: IN_SCOPE });
    expect(answer.text).not.toContain('PERMIT-');
    expect(answer.text).not.toContain('DA001');
  });
});

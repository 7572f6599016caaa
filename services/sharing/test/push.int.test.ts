import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';
import { WATER_FACTORS } from '../src/demo/yanhu-partners';
import { buildFeed } from './support/feed-fixture';
import { call, openApiValidator, createWorld, registerDemo, type RegisteredPartner, type SharingWorld } from './support/sharing-harness';
import { openSse, type SseEvent } from './support/sse-client';

describe('push over Server-Sent Events', () => {
  let world: SharingWorld;
  let partners: Map<string, RegisteredPartner>;
  const openApi = openApiValidator();

  const storedAlerts = async () => Number((await world.db.query<{ count: string }>("SELECT count(*) FROM shared_records WHERE dataset = 'alerts'")).rows[0]?.count);

  beforeAll(async () => {
    world = await createWorld('sharing-push');
    partners = await registerDemo(world, { quota: { requests_per_second: 1_000, rows_per_day: 1_000_000, page_cap: 500 } });
  });

  afterAll(async () => {
    await world?.close();
  });

  it('resumes after a disconnect from Last-Event-ID with no gap and no duplicate, within the grant', async () => {
    const eeb = partners.get('yc-eeb') as RegisteredPartner;
    const water = partners.get('yh-water') as RegisteredPartner;
    const first = buildFeed(world.topics, 0);
    await world.publisher.publishAll(first.events);
    const firstAlerts = first.expected.filter((record) => record.dataset === 'alerts').length;
    await waitFor(async () => (await storedAlerts()) === firstAlerts, { timeoutMs: 30_000, intervalMs: 100, description: 'first alerts stored' });

    const url = `${world.baseUrl}/v1/datasets/alerts/events`;
    const streamOne = await openSse(url, { 'x-api-key': eeb.apiKey });
    const waterStream = await openSse(url, { 'x-api-key': water.apiKey });
    expect(streamOne.status).toBe(200);
    const before = await streamOne.waitFor(firstAlerts);
    streamOne.disconnect();
    const lastSeen = before.at(-1) as SseEvent;

    // While the partner is away: a second round of alerts.
    const between = new Date();
    const second = buildFeed(world.topics, 1);
    await world.publisher.publishAll(second.events.filter((event) => event.topic === world.topics.alerts));
    const total = firstAlerts + second.expected.filter((record) => record.dataset === 'alerts').length;
    await waitFor(async () => (await storedAlerts()) === total, { timeoutMs: 30_000, intervalMs: 100, description: 'second alerts stored' });

    const streamTwo = await openSse(url, { 'x-api-key': eeb.apiKey, 'last-event-id': lastSeen.id });
    const after = await streamTwo.waitFor(total - before.length);
    // Nothing more arrives than what was stored.
    await new Promise((resolve) => setTimeout(resolve, 300));
    streamTwo.disconnect();

    const received = [...before, ...streamTwo.events];
    const ids = received.map((event) => Number(event.id));
    const { rows } = await world.db.query<{ seq: string }>("SELECT seq FROM shared_records WHERE dataset = 'alerts' ORDER BY seq");
    const stored = rows.map((row) => Number(row.seq));
    const duplicates = ids.length - new Set(ids).size;
    const missing = stored.filter((seq) => !ids.includes(seq));
    console.log(`SSE resume: ${before.length} events before the disconnect, ${after.length} after resuming from id ${lastSeen.id}; ${stored.length} stored, ${missing.length} missing, ${duplicates} duplicates`);
    expect(duplicates).toBe(0);
    expect(missing).toEqual([]);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(streamTwo.events.every((event) => Number(event.id) > Number(lastSeen.id))).toBe(true);
    for (const event of received) openApi.assert('CloudEvent', JSON.parse(event.data));

    // The water bureau's stream only ever carries its factors and fields.
    const waterEvents = await waterStream.waitFor(8 * 2);
    waterStream.disconnect();
    const waterData = waterEvents.map((event) => JSON.parse(event.data) as { data: Record<string, unknown> });
    expect(waterData.every((event) => WATER_FACTORS.includes(String(event.data.factor_code)))).toBe(true);
    expect(waterData.every((event) => !('summary' in event.data) && !('device_mn' in event.data))).toBe(true);

    // Replay from Kafka, from the moment between the rounds: every published version of the second round's alerts
    // (raised and updated), none of the first, within the grant.
    const replay = await call(world, `/v1/datasets/alerts/replay?from=${encodeURIComponent(between.toISOString())}`, { apiKey: eeb.apiKey });
    expect(replay.status, replay.text).toBe(200);
    openApi.assert('Replay', replay.json);
    const replayed = (replay.json as { items: Array<{ key: string; fields: Record<string, unknown> }> }).items;
    const secondVersions = second.events.filter((event) => event.topic === world.topics.alerts).length;
    console.log(`replay from ${between.toISOString()} (Kafka offsets by timestamp): ${replayed.length} alert versions, ${secondVersions} published after that moment`);
    expect(replayed).toHaveLength(secondVersions);
    expect(replayed.every((item) => item.key.startsWith('AL-1-'))).toBe(true);
    const waterReplay = await call(world, `/v1/datasets/alerts/replay?from=${encodeURIComponent(between.toISOString())}`, { apiKey: water.apiKey });
    const waterItems = (waterReplay.json as { items: Array<{ fields: Record<string, unknown> }> }).items;
    expect(waterItems).toHaveLength(secondVersions / 2);
    expect(waterItems.every((item) => WATER_FACTORS.includes(String(item.fields.factor_code)) && !('summary' in item.fields))).toBe(true);

    // Both ends of each subscription are audited.
    await waitFor(async () => Number((await world.db.query<{ count: string }>("SELECT count(*) FROM access_audit WHERE denial_reason = 'subscription_closed'")).rows[0]?.count) >= 3, {
      timeoutMs: 10_000,
      intervalMs: 100,
      description: 'subscription ends audited',
    });
  });

  it('refuses a stream of a dataset without an active grant', async () => {
    const hotline = partners.get('hotline-12369') as RegisteredPartner;
    const pending = await openSse(`${world.baseUrl}/v1/datasets/alerts/events`, { 'x-api-key': hotline.apiKey });
    expect(pending.status).toBe(403);
    const ungranted = await openSse(`${world.baseUrl}/v1/datasets/readings-history/events`, { 'x-api-key': hotline.apiKey });
    expect(ungranted.status).toBe(403);
  });
});

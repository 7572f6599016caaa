import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopicName } from '@ecogrid/kafka';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { verifyChain, type HistoryEntry } from '../src/domain/history-chain';
import { historyFromRow } from '../src/adapters/postgres/pg-case-store';
import { alertEvent, createWorld, decodeCase, HISTORY_KEYS, startDispatch, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

const KEYS = 150;
const REDELIVERED = 30;

const count = async (world: DispatchWorld, sql: string): Promise<number> => Number((await world.db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

/** KEYS device/factor pairs raising twice each (the second joins the first's case), then REDELIVERED of them again. */
function burst(world: DispatchWorld) {
  const events = [];
  for (let index = 0; index < KEYS; index += 1) {
    const deviceMn = `MN-B${String(index).padStart(4, '0')}`;
    events.push(alertEvent(world.topics, { alertId: `BURST-${index}-a`, deviceMn, cellId: 'C-01' }));
    events.push(alertEvent(world.topics, { alertId: `BURST-${index}-b`, deviceMn, cellId: 'C-01', severity: 'critical' }));
  }
  return { events, redelivered: events.slice(0, REDELIVERED) };
}

/**
 * Waits until every alert of the burst is handled and the outbox is empty, prints what it counted under `title`
 * (with `crash`, what the kill interrupted) and asserts: every alert on exactly one case, every change published
 * once, every history chain intact, nothing dead-lettered.
 */
async function verifyBurst(world: DispatchWorld, recorder: TopicRecorder, distinct: number, title: string, crash: string): Promise<void> {
  const started = Date.now();
  await waitFor(async () => (await count(world, 'SELECT count(*) AS n FROM processed_events')) === distinct, {
    timeoutMs: 120_000,
    intervalMs: 200,
    description: 'every alert to be handled',
  });
  const handledMs = Date.now() - started;
  const historyRows = await waitFor(async () => {
    const rows = await count(world, 'SELECT count(*) AS n FROM case_history');
    const pending = await count(world, 'SELECT count(*) AS n FROM outbox');
    return pending === 0 ? rows : undefined;
  }, { timeoutMs: 30_000, description: 'the outbox to drain' });
  const published = await recorder.waitForCount(historyRows, (message) => message.topic === world.topics.cases, 30_000);

  const cases = await count(world, 'SELECT count(*) AS n FROM cases');
  const links = await count(world, 'SELECT count(*) AS n FROM case_alerts');
  const doubled = await count(world, 'SELECT count(*) AS n FROM (SELECT device_mn, factor_code FROM cases GROUP BY 1, 2 HAVING count(*) > 1) d');
  const distinctPublished = new Map(published.map((message) => [message.headers.ce_id, decodeCase(message.value)]));
  const dispatchedCases = new Set([...distinctPublished.values()].filter((event) => event.action === 'dispatched').map((event) => event.caseId));
  const deadLettered = recorder.messages.filter((message) => message.topic !== world.topics.cases).length;
  const { rows } = await world.db.query('SELECT * FROM case_history ORDER BY case_id, sequence');
  const byCase = new Map<string, HistoryEntry[]>();
  for (const row of rows) {
    const entry = historyFromRow(row);
    byCase.set(entry.caseId, [...(byCase.get(entry.caseId) ?? []), entry]);
  }
  const broken = [...byCase.values()].filter((entries) => !verifyChain(entries, HISTORY_KEYS).intact).length;

  process.stdout.write(
    [
      '',
      `${title}:`,
      `  published ${distinct + REDELIVERED} alert records (${distinct} distinct ce_id, ${REDELIVERED} redelivered, ${KEYS} device/factor keys)`,
      `  ${crash}`,
      `  afterwards: handled ${distinct}/${distinct} (the last ${handledMs} ms after the check began); cases ${cases} (expected ${KEYS}); alert links ${links} (expected ${distinct}); device/factor keys with 2+ cases ${doubled}`,
      `  history rows ${historyRows} (expected ${KEYS * 4}); distinct case events published ${distinctPublished.size}; raw records ${published.length}; dispatched cases ${dispatchedCases.size}`,
      `  chains broken ${broken}; dead-lettered alerts ${deadLettered}`,
      '',
    ].join('\n'),
  );

  expect(cases).toBe(KEYS);
  expect(links).toBe(distinct);
  expect(doubled).toBe(0);
  // registered, dispatched, alert_joined, reprioritised (critical raises high to urgent) per case.
  expect(historyRows).toBe(KEYS * 4);
  expect(distinctPublished.size).toBe(historyRows);
  expect(dispatchedCases.size).toBe(KEYS);
  expect(broken).toBe(0);
  expect(deadLettered).toBe(0);
  for (const entries of byCase.values()) expect(entries.map((entry) => entry.action)).toEqual(['registered', 'dispatched', 'alert_joined', 'reprioritised']);
}

describe('dispatch: kill -9 during a burst of alerts loses none and doubles none', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('dispatch-fault');
    recorder = await recordTopics(world.kafka, [world.topics.cases, deadLetterTopicName(world.topics.alerts)]);
    service = await startDispatch(world);
  });

  afterAll(async () => {
    await service?.process.stop();
    await recorder?.stop();
    await world?.close();
  });

  it('after a crash and a restart, every alert is on exactly one case and every change was published', async () => {
    // Some records are delivered twice with the same ce_id, as a producer retry or a replay would.
    const { events, redelivered } = burst(world);
    const started = Date.now();
    await world.publisher.publishAll([...events, ...redelivered]);

    const casesAtKill = await waitFor(async () => {
      const cases = await count(world, 'SELECT count(*) AS n FROM cases');
      return cases >= 20 ? cases : undefined;
    }, { intervalMs: 5, description: 'the burst to be under way' });
    await service.process.kill9();
    const processedAtKill = await count(world, 'SELECT count(*) AS n FROM processed_events');
    const casesAfterKill = await count(world, 'SELECT count(*) AS n FROM cases');
    // The crash must have happened mid-burst, or this test proves nothing.
    expect(processedAtKill).toBeLessThan(events.length);

    service = await startDispatch(world);
    await verifyBurst(world, recorder, events.length, `alert burst fault test (${((Date.now() - started) / 1000).toFixed(1)} s to the restart)`, `kill -9 with ${processedAtKill}/${events.length} alerts handled and ${casesAfterKill} cases open (waited for ${casesAtKill}), then a restart`);
  });

});

describe('dispatch scaled out: kill -9 of one of two instances during a burst loses none and doubles none', () => {
  let world: DispatchWorld;
  let instances: RunningDispatch[] = [];
  let recorder: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('dispatch-scale');
    recorder = await recordTopics(world.kafka, [world.topics.cases, deadLetterTopicName(world.topics.alerts)]);
    // A short session: the group notices the dead member within 6 s instead of kafkajs' default 30 s.
    instances = await Promise.all([startDispatch(world, { CONSUMER_SESSION_TIMEOUT_MS: '6000' }), startDispatch(world, { CONSUMER_SESSION_TIMEOUT_MS: '6000' })]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(instances.map((instance) => instance.process.stop()));
    await recorder?.stop();
    await world?.close();
  });

  it('the survivor takes over the dead instance\'s partitions: every alert on exactly one case, every change published once', { timeout: 240_000 }, async () => {
    const [victim, survivor] = instances;
    if (!victim || !survivor) throw new Error('two instances expected');
    const { events, redelivered } = burst(world);
    await world.publisher.publishAll([...events, ...redelivered]);
    await waitFor(async () => ((await count(world, 'SELECT count(*) AS n FROM cases')) >= 20 ? true : undefined), { intervalMs: 5, description: 'the burst to be under way' });
    await victim.process.kill9();
    const killedAt = Date.now();
    const processedAtKill = await count(world, 'SELECT count(*) AS n FROM processed_events');
    expect(processedAtKill).toBeLessThan(events.length);
    // Takeover: the group has only the survivor, and it has the dead member's partitions.
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const { groups } = await admin.describeGroups([`${world.prefix}dispatch.alerts`]);
          const group = groups[0];
          return group?.state === 'Stable' && group.members.length === 1 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 100, description: 'the consumer group to rebalance onto the survivor' },
      );
    } finally {
      await admin.disconnect();
    }
    const rebalanceMs = Date.now() - killedAt;
    await verifyBurst(world, recorder, events.length, 'two dispatch instances, one killed', `kill -9 of one of two instances with ${processedAtKill}/${events.length} alerts handled; the group rebalanced onto the survivor ${rebalanceMs} ms after the kill`);
    instances = [survivor];
  });
});

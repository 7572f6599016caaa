import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopicName } from '@ecogrid/kafka';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { verifyChain, type HistoryEntry } from '../src/domain/history-chain';
import { historyFromRow } from '../src/adapters/postgres/pg-case-store';
import { alertEvent, createWorld, decodeCase, HISTORY_KEYS, startDispatch, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

const KEYS = 150;
const REDELIVERED = 30;

const count = async (world: DispatchWorld, sql: string): Promise<number> => Number((await world.db.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

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
    // Each of KEYS device/factor pairs raises twice (the second joins the first's case); some records are
    // delivered twice with the same ce_id, as a producer retry or a replay would.
    const events = [];
    for (let index = 0; index < KEYS; index += 1) {
      const deviceMn = `MN-B${String(index).padStart(4, '0')}`;
      events.push(alertEvent(world.topics, { alertId: `BURST-${index}-a`, deviceMn, cellId: 'C-01' }));
      events.push(alertEvent(world.topics, { alertId: `BURST-${index}-b`, deviceMn, cellId: 'C-01', severity: 'critical' }));
    }
    const redelivered = events.slice(0, REDELIVERED);
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
    await waitFor(async () => (await count(world, 'SELECT count(*) AS n FROM processed_events')) === events.length, {
      timeoutMs: 90_000,
      intervalMs: 200,
      description: 'every alert to be handled after the restart',
    });
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
        `alert burst fault test (${((Date.now() - started) / 1000).toFixed(1)} s):`,
        `  published ${events.length + redelivered.length} alert records (${events.length} distinct ce_id, ${REDELIVERED} redelivered, ${KEYS} device/factor keys)`,
        `  kill -9 with ${processedAtKill}/${events.length} alerts handled and ${casesAfterKill} cases open (waited for ${casesAtKill})`,
        `  after restart: handled ${events.length}/${events.length}; cases ${cases} (expected ${KEYS}); alert links ${links} (expected ${events.length}); device/factor keys with 2+ cases ${doubled}`,
        `  history rows ${historyRows} (expected ${KEYS * 4}); distinct case events published ${distinctPublished.size}; raw records ${published.length}; dispatched cases ${dispatchedCases.size}`,
        `  chains broken ${broken}; dead-lettered alerts ${deadLettered}`,
        '',
      ].join('\n'),
    );

    expect(cases).toBe(KEYS);
    expect(links).toBe(events.length);
    expect(doubled).toBe(0);
    // registered, dispatched, alert_joined, reprioritised (critical raises high to urgent) per case.
    expect(historyRows).toBe(KEYS * 4);
    expect(distinctPublished.size).toBe(historyRows);
    expect(dispatchedCases.size).toBe(KEYS);
    expect(broken).toBe(0);
    expect(deadLettered).toBe(0);
    for (const entries of byCase.values()) expect(entries.map((entry) => entry.action)).toEqual(['registered', 'dispatched', 'alert_joined', 'reprioritised']);
  });
});

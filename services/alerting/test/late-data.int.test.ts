import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createEventPublisher, ensureTopics, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { createTestSchema, recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { alertIdOf } from '../src/domain/episode';
import { Device, DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import { AqiSource } from '@ecogrid/proto/alerting/v1/events';
import { alertsOf, aqiOf, cemsDevice, publishRegistry, readingsPublisher, startAlerting, STATE, type AlertingProcess, type Reading } from './fixtures';

const DEVICES = 4;
const BASE = Date.parse('2026-11-29T00:00:00Z');
const at = (minute: number): Date => new Date(BASE + minute * 60_000);
const mns = Array.from({ length: DEVICES }, (_, index) => `LATE-${index}`);

/** Live data before and after an outage from minute 10 to 39: real-time (2011) and minute (2051) data, all below the limit. */
function live(): Reading[] {
  const readings: Reading[] = [];
  for (const minute of [...Array.from({ length: 10 }, (_, index) => index), 40, 41, 42, 43, 44]) {
    for (const mn of mns) {
      readings.push({ mn, at: at(minute), values: [{ factor: 'a21026', kind: 'ZsRtd', value: 20 }] });
      readings.push({ mn, command: '2051', at: at(minute), values: [{ factor: 'a21026', kind: 'ZsAvg', value: 20 }] });
    }
  }
  return readings;
}

/** The outage's minute data, back-filled after the reconnect: above the permit limit (35) at minutes 15 and 25. */
function backfill(): Reading[] {
  const readings: Reading[] = [];
  for (let minute = 10; minute < 40; minute += 1) {
    const value = minute === 15 ? 80 : minute === 25 ? 40 : 20;
    for (const mn of mns) readings.push({ mn, command: '2051', at: at(minute), values: [{ factor: 'a21026', kind: 'ZsAvg', value }] });
  }
  return readings;
}

describe('alerting: late and back-filled data', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let publisher: EventPublisher;
  let db: Client;
  let env: Awaited<ReturnType<typeof testEnvironment>>;
  let alerting: AlertingProcess | undefined;
  const prefix = uniqueTopicPrefix('alerting-late');
  const topics = topicNames(prefix);
  const start = async (overrides: Record<string, string> = {}): Promise<AlertingProcess> => {
    alerting = await startAlerting({ KAFKA_BROKERS: env.kafkaBrokers, DATABASE_URL: env.databaseUrl, ALERTING_SCHEMA: schema.name, TOPIC_PREFIX: prefix, ...overrides });
    return alerting;
  };
  const onTopic = (id: string): number => recorder.messages.filter((message) => message.topic === topics.alerts && message.headers.ce_id === id).length;
  const metric = async (process: AlertingProcess, outcome: string): Promise<number> => {
    const text = await (await fetch(`${process.adminUrl}/metrics`)).text();
    return Number(new RegExp(`^alerting_readings_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  const outboxRows = async (): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM "${schema.name}".outbox`)).rows[0].n as number;
  let sent = 0;
  const checkpointed = async (): Promise<number> =>
    (await db.query(`SELECT coalesce(sum(next_offset), 0)::int AS n FROM "${schema.name}".consumer_offsets WHERE topic = $1`, [topics.readings])).rows[0].n as number;

  beforeAll(async () => {
    env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    await ensureTopics(kafka, { prefix });
    schema = await createTestSchema(env.databaseUrl, 'alerting_late');
    db = new Client({ connectionString: env.databaseUrl });
    await db.connect();
    await publishRegistry(kafka, prefix, [
      ...mns.map((mn) => cemsDevice(mn)),
      Device.create({
        mn: 'AIR-LATE',
        kind: DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION,
        enabled: true,
        cellId: 'cell-air',
        townshipCode: '140802001',
        factors: ['a21026', 'a21004', 'a34002', 'a34004', 'a05024'].map((factorCode) => ({ factorCode, unit: 'µg/m³', limitOnConverted: false })).concat([{ factorCode: 'a21005', unit: 'mg/m³', limitOnConverted: false }]),
      }),
    ]);
    recorder = await recordTopics(kafka, [topics.alerts, topics.aqiHourly]);
    publisher = createEventPublisher({ kafka, source: '/ecogrid/ingest' });
    await publisher.connect();
  });

  afterAll(async () => {
    await alerting?.service.stop();
    await publisher?.disconnect();
    await recorder?.stop();
    await db?.end();
    await schema?.drop();
  });

  it('an exceedance in back-filled minutes raises one alert marked late, once, though sent twice and evaluated again after a kill -9', async () => {
    const send = readingsPublisher(publisher, prefix);
    const liveReadings = live();
    const backfilled = backfill();
    const expected = mns.flatMap((mn) =>
      [15, 25].flatMap((minute) => {
        const id = alertIdOf('emission-limit-realtime', mn, 'a21026|2051|late', at(minute).getTime());
        return [`${id}:1`, `${id}:2`];
      }),
    );

    // Checkpoints once a minute: the back-fill is evaluated and its alerts sent, but not checkpointed, when it is killed.
    const running = await start({ CHECKPOINT_INTERVAL_MS: '60000', SWEEP_INTERVAL_MS: '60000' });
    await send(liveReadings);
    await waitFor(async () => (await metric(running, 'evaluated')) >= liveReadings.length, { description: 'the live readings evaluated' });
    await send(backfilled);
    await waitFor(() => expected.every((id) => onTopic(id) > 0), { timeoutMs: 60_000, description: `the ${expected.length} late alert events` });
    await waitFor(async () => (await outboxRows()) === 0, { description: 'the outbox drained' });
    await waitFor(async () => (await metric(running, 'late_evaluated')) === backfilled.length, { description: 'the back-fill evaluated as late' });
    const stored = await checkpointed();
    await running.service.kill9();

    // The device sends the back-fill again; the successor evaluates everything after the checkpoint once more.
    await send(backfilled);
    const successor = await start();
    const total = liveReadings.length + 2 * backfilled.length;
    sent = total;
    await waitFor(async () => (await checkpointed()) === total && (await outboxRows()) === 0, { timeoutMs: 60_000, description: 'every reading checkpointed and the outbox drained' });

    // The premise: the first back-fill was evaluated again by the successor, not read from a checkpoint.
    expect(stored).toBeLessThanOrEqual(liveReadings.length);
    // Counted once the batch is written: the second back-fill is all duplicates, the first late again.
    await waitFor(async () => (await metric(successor, 'duplicate')) === backfilled.length && (await metric(successor, 'late_evaluated')) === backfilled.length, {
      description: 'the successor counting the second back-fill as duplicates',
    });
    const alerts = alertsOf(recorder.messages, topics.alerts).filter((alert) => alert.ceId.startsWith('al_'));
    expect(alerts.map((alert) => alert.ceId).sort()).toEqual([...expected].sort());
    for (const alert of alerts) {
      expect(alert.late).toBe(true);
      expect(alert.summary).toContain('补传/迟到数据超标');
      expect(alert.openedAt?.getTime()).toBe(alert.evidence[0]?.dataTime?.getTime());
      expect(alert.evidence.map((item) => item.commandCode)).toEqual(['2051']);
    }
    const raised = alerts.filter((alert) => alert.state === STATE.ALERT_STATE_RAISED);
    expect(raised.map((alert) => alert.evidence[0]?.value).sort()).toEqual([...Array<number>(DEVICES).fill(40), ...Array<number>(DEVICES).fill(80)]);
    expect(alerts.filter((alert) => alert.state === STATE.ALERT_STATE_CLEARED)).toHaveLength(raised.length);
  }, 240_000);

  it('an hour an outage left short of minutes is published once back-filled minutes complete it, once though sent twice', async () => {
    const send = readingsPublisher(publisher, prefix);
    const hour = Date.parse('2026-11-29T02:00:00Z');
    const six = (kind: string) => Object.entries({ a21026: 10, a21004: 40, a34002: 80, a34004: 50, a21005: 0.8, a05024: 120 }).map(([factor, value]) => ({ factor, kind, value }));
    const minute = (offset: number, command: string): Reading => ({ mn: 'AIR-LATE', command, at: new Date(hour + offset * 60_000), values: six(command === '2011' ? 'Rtd' : 'Avg') });
    // Live real-time data for half the hour, then the outage; after it, the next hour's first real-time and minute data.
    const live = [...Array.from({ length: 30 }, (_, index) => minute(index, '2011')), minute(60, '2011'), minute(60, '2051')];
    const backfilled = Array.from({ length: 30 }, (_, index) => minute(30 + index, '2051'));
    const running = alerting as AlertingProcess;
    const duplicatesBefore = await metric(running, 'duplicate');
    await send(live);
    await send(backfilled);
    await send(backfilled);
    sent += live.length + 2 * backfilled.length;
    await recorder.waitForCount(1, (message) => message.topic === topics.aqiHourly && message.key === 'AIR-LATE');
    await waitFor(async () => (await checkpointed()) === sent && (await outboxRows()) === 0, { timeoutMs: 60_000, description: 'every reading checkpointed and the outbox drained' });
    const hours = aqiOf(
      recorder.messages.filter((message) => message.key === 'AIR-LATE'),
      topics.aqiHourly,
    );
    expect(hours.map((item) => [item.hourStart?.toISOString(), item.revision, item.source, item.complete])).toEqual([['2026-11-29T02:00:00.000Z', 1, AqiSource.AQI_SOURCE_AGGREGATED_REALTIME, true]]);
    await waitFor(async () => (await metric(running, 'duplicate')) === duplicatesBefore + backfilled.length, { description: 'the second back-fill counted as duplicates' });
  }, 120_000);
});

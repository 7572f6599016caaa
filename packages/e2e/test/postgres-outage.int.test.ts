import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createEventPublisher, deadLetterTopicName, ensureTopics, TOPICS, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { AlertChanged } from '@ecogrid/proto/alerting/v1/events';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { Device, DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import {
  createTestSchema,
  freePort,
  recordTopics,
  startServiceProcess,
  startTcpProxy,
  testEnvironment,
  testKafka,
  uniqueTopicPrefix,
  waitFor,
  type ServiceProcess,
  type TcpProxy,
  type TestSchema,
  type TopicRecorder,
} from '@ecogrid/testkit';
import { publishRegistryEntities, ROOT, TEST_STAFF_TOKEN_SECRET } from '../src/index';

const DEVICES = 20;
const MINUTES = 60;
const OUTAGE_MS = 30_000;
const BASE = Date.parse('2026-11-29T00:00:00Z');

const cems = (mn: string): Device =>
  Device.create({
    mn,
    name: `outage CEMS ${mn}`,
    kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
    location: { lon: 111.0, lat: 35.03 },
    enterpriseUscc: '914403001922038216',
    cellId: 'cell-yanhu-007',
    townshipCode: '140802003',
    enabled: true,
    factors: [{ factorCode: 'a21026', unit: 'mg/m³', limit: 35, limitOnConverted: true }],
  });

/** One minute of every device: bursts of four minutes above the SO2 limit (the second at more than double) in every ten. */
function minuteOfReadings(minute: number, topic: string) {
  return Array.from({ length: DEVICES }, (_, device) => {
    const phase = (minute + device) % 10;
    const value = phase < 4 ? (phase === 1 ? 80 : 40) : 20;
    const mn = `PGOUT-${device}`;
    const at = new Date(BASE + minute * 60_000);
    const id = `${mn}:2011:${at.toISOString()}`;
    const observation = ObservationRecorded.create({
      observationId: id,
      deviceMn: mn,
      commandCode: '2011',
      dataTime: at,
      receivedTime: at,
      measurements: [{ factorCode: 'a21026', kind: ValueKind.VALUE_KIND_ZS_RTD, value, flag: 'N', unit: '' }],
    });
    return { topic, key: mn, type: TOPICS.readings.payload, id, value: Buffer.from(ObservationRecorded.encode(observation).finish()) };
  });
}

const entry = (service: string): string => resolve(ROOT, 'services', service, 'dist/main.js');

/**
 * PostgreSQL goes away for 30 s in the middle of an alert stream (the hop between the services and the server is
 * cut: open sessions die and new ones are refused, as when the server stops). Alerting and dispatch must neither
 * lose nor repeat anything: every alert event that a twin alerting instance, never cut off, derives from the same
 * readings arrives exactly once, and dispatch links every raised alert to exactly one case, dead-lettering nothing.
 */
describe('PostgreSQL stopped for 30 s during an alert stream', () => {
  let kafka: Kafka;
  let proxy: TcpProxy;
  let recorder: TopicRecorder;
  let publisher: EventPublisher;
  let db: Client;
  const schemas: TestSchema[] = [];
  const processes: ServiceProcess[] = [];
  const prefix = uniqueTopicPrefix('pg-outage');
  const twinPrefix = uniqueTopicPrefix('pg-outage-twin');
  const topics = topicNames(prefix);
  const twinTopics = topicNames(twinPrefix);
  let alertingAdmin = '';
  let dispatchSchema = '';
  let alertingSchema = '';
  let twinSchema = '';

  const startAlerting = async (databaseUrl: string, schema: string, topicPrefix: string): Promise<string> => {
    const [admin, grpc] = [await freePort(), await freePort()];
    const service = await startServiceProcess({
      entry: entry('alerting'),
      env: {
        KAFKA_BROKERS: (await testEnvironment()).kafkaBrokers,
        DATABASE_URL: databaseUrl,
        TOPIC_PREFIX: topicPrefix,
        LOG_LEVEL: 'warn',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        ALERTING_SCHEMA: schema,
        READINGS_FROM_BEGINNING: 'true',
        OUTBOX_POLL_MS: '100',
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${admin}`,
        GRPC_ADDRESS: `127.0.0.1:${grpc}`,
      },
      readyUrl: `http://127.0.0.1:${admin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    processes.push(service);
    return `http://127.0.0.1:${admin}`;
  };

  beforeAll(async () => {
    const environment = await testEnvironment();
    kafka = testKafka(environment.kafkaBrokers);
    await ensureTopics(kafka, { prefix });
    await ensureTopics(kafka, { prefix: twinPrefix });
    const server = new URL(environment.databaseUrl);
    proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const viaProxy = new URL(environment.databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    db = new Client({ connectionString: environment.databaseUrl });
    await db.connect();

    const alerting = await createTestSchema(environment.databaseUrl, 'pg_outage_alerting');
    const dispatch = await createTestSchema(environment.databaseUrl, 'pg_outage_dispatch');
    const twin = await createTestSchema(environment.databaseUrl, 'pg_outage_twin');
    schemas.push(alerting, dispatch, twin);
    alertingSchema = alerting.name;
    twinSchema = twin.name;
    dispatchSchema = dispatch.name;

    publisher = createEventPublisher({ kafka, source: '/ecogrid/test' });
    await publisher.connect();
    const devices = Array.from({ length: DEVICES }, (_, index) => cems(`PGOUT-${index}`));
    for (const topicPrefix of [prefix, twinPrefix]) await publishRegistryEntities(kafka, topicPrefix, { devices });
    recorder = await recordTopics(kafka, [topics.alerts, twinTopics.alerts, deadLetterTopicName(topics.alerts), deadLetterTopicName(topics.readings)]);

    alertingAdmin = await startAlerting(viaProxy.toString(), alerting.name, prefix);
    await startAlerting(environment.databaseUrl, twin.name, twinPrefix);
    const [http, admin, grpc] = [await freePort(), await freePort(), await freePort()];
    processes.push(
      await startServiceProcess({
        entry: entry('dispatch'),
        env: {
          KAFKA_BROKERS: environment.kafkaBrokers,
          DATABASE_URL: viaProxy.toString(),
          TOPIC_PREFIX: prefix,
          LOG_LEVEL: 'warn',
          STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
          DISPATCH_SCHEMA: dispatch.name,
          HTTP_ADDRESS: `127.0.0.1:${http}`,
          GRPC_ADDRESS: `127.0.0.1:${grpc}`,
          ADMIN_HTTP_ADDRESS: `127.0.0.1:${admin}`,
        },
        readyUrl: `http://127.0.0.1:${admin}/readyz`,
        readyTimeoutMs: 90_000,
      }),
    );
  }, 300_000);

  afterAll(async () => {
    for (const service of processes.reverse()) await service.stop().catch(() => undefined);
    await recorder?.stop();
    await publisher?.disconnect();
    await proxy?.close();
    await db?.end();
    for (const schema of schemas) await schema.drop().catch(() => undefined);
  });

  it('afterwards every expected alert and case exists exactly once, and nothing was dead-lettered', async () => {
    const send = (minute: number) => publisher.publishAll([...minuteOfReadings(minute, topics.readings), ...minuteOfReadings(minute, twinTopics.readings)]);
    const ids = (topic: string): string[] => recorder.messages.filter((message) => message.topic === topic).map((message) => message.headers.ce_id ?? '');
    const alertingReady = async (): Promise<boolean> => (await fetch(`${alertingAdmin}/readyz`).catch(() => undefined))?.status === 200;

    for (let minute = 0; minute < 20; minute += 1) await send(minute);
    await waitFor(() => ids(topics.alerts).length > 0, { timeoutMs: 60_000, description: 'the first alerts before the outage' });
    const alertsBeforeOutage = ids(topics.alerts).length;

    // The outage: readings keep coming for 30 s while neither service can reach PostgreSQL.
    await proxy.cut();
    const cutAt = Date.now();
    let sawAlertingUnready = false;
    for (let minute = 20; minute < 40; minute += 1) {
      await send(minute);
      if (!(await alertingReady())) sawAlertingUnready = true;
      await new Promise((resolvePause) => setTimeout(resolvePause, (OUTAGE_MS / 20) * (minute - 19) - (Date.now() - cutAt)));
    }
    const alertsDuringOutage = ids(topics.alerts).length - alertsBeforeOutage;
    await proxy.restore();
    const outageMs = Date.now() - cutAt;
    for (let minute = 40; minute < MINUTES; minute += 1) await send(minute);

    // The twin, never cut off, says what the stream yields; wait until it is quiet (every reading evaluated).
    const twinOffsets = async (): Promise<number> =>
      (await db.query(`SELECT coalesce(sum(next_offset), 0)::int AS n FROM "${twinSchema}".consumer_offsets WHERE topic = $1`, [twinTopics.readings])).rows[0].n as number;
    await waitFor(async () => (await twinOffsets()) === DEVICES * MINUTES, { timeoutMs: 120_000, description: 'the twin to evaluate every reading' });
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM "${twinSchema}".outbox`)).rows[0].n === 0, { description: "the twin's outbox to drain" });
    const expected = [...new Set(ids(twinTopics.alerts))];
    expect(expected.length).toBeGreaterThan(100);

    const onTopic = (): string[] => ids(topics.alerts);
    await waitFor(() => expected.every((id) => onTopic().includes(id)), { timeoutMs: 180_000, description: `all ${expected.length} expected alert events after the outage` });
    const processed = async (): Promise<number> => (await db.query(`SELECT count(*)::int AS n FROM "${dispatchSchema}".processed_events`)).rows[0].n as number;
    // Processed or dead-lettered: a dead letter fails the test below with the counts printed, not by a timeout.
    const deadLetters = (): number => ids(deadLetterTopicName(topics.alerts)).length + ids(deadLetterTopicName(topics.readings)).length;
    await waitFor(async () => (await processed()) + deadLetters() >= expected.length, { timeoutMs: 120_000, description: 'dispatch to process every alert event' });
    await waitFor(async () => (await db.query(`SELECT count(*)::int AS n FROM "${alertingSchema}".outbox`)).rows[0].n === 0, { description: "alerting's outbox to drain" });

    const received = onTopic();
    const distinct = new Set(received);
    const missing = expected.filter((id) => !distinct.has(id));
    const unexpected = [...distinct].filter((id) => !expected.includes(id));
    const alerts = recorder.messages.filter((message) => message.topic === topics.alerts && message.value).map((message) => AlertChanged.decode(message.value as Buffer));
    const raised = alerts.filter((alert) => alert.sequence === 1).map((alert) => alert.alertId);
    const devicesAlerted = new Set(alerts.map((alert) => alert.deviceMn));
    const links = (await db.query<{ alert_id: string }>(`SELECT alert_id FROM "${dispatchSchema}".case_alerts`)).rows.map((row) => row.alert_id);
    const cases = (await db.query<{ device_mn: string; n: number }>(`SELECT device_mn, count(*)::int AS n FROM "${dispatchSchema}".cases GROUP BY device_mn`)).rows;
    process.stdout.write(
      `PostgreSQL cut for ${(outageMs / 1000).toFixed(1)} s (alerting unready seen: ${sawAlertingUnready}, ${alertsDuringOutage} alert events went out during it, ${alertsBeforeOutage} before); ` +
        `expected ${expected.length} alert events (${raised.length} raised), received ${received.length}, ${distinct.size} distinct, ${received.length - distinct.size} duplicates, ${missing.length} missing, ${unexpected.length} unexpected; ` +
        `dispatch: ${await processed()} events processed, ${links.length} alerts linked, ${cases.length} devices with cases (${cases.filter((row) => row.n !== 1).length} with more than one open case), ${deadLetters()} dead letters\n`,
    );
    expect(outageMs).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(sawAlertingUnready).toBe(true);
    expect(missing).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(received.length).toBe(distinct.size);
    expect(await processed()).toBe(expected.length);
    expect(links.sort()).toEqual([...new Set(raised)].sort());
    expect(raised.length).toBe(new Set(raised).size);
    // Every alert of a device joins its one open case (nobody closes cases here): one case per alerted device.
    expect(cases.map((row) => row.device_mn).sort()).toEqual([...devicesAlerted].sort());
    expect(cases.every((row) => row.n === 1)).toBe(true);
    expect(deadLetters()).toBe(0);
  }, 600_000);
});

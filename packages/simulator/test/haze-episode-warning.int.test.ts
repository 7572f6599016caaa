/**
 * The demo's haze episode in minutes, on real data paths: the Yanhu demo registry, the built ingest, alerting and
 * emergency services in their own processes on the real Kafka and PostgreSQL, and the simulator's four national air
 * stations back-filling an episode that began 72 h ago as HJ 212 hour records (2061, past DataTimes). Alerting
 * computes each past hour's AQI, the emergency service's rolling daily AQI fills, and the observed trigger (daily AQI
 * > 150 for 48 h, STANDARDS §6.1) raises a yellow warning. A second run of the same back-fill changes nothing.
 *
 * The clock: the services and the simulator run on the real clock (ingest refuses data times in the future, and the
 * warning rule asks for a newest hour within 3 h of now), and every data time is taken relative to the test's start,
 * so it passes on any day at any hour. Only the simulator's live uploads are switched off, so nothing but the
 * back-fill reaches the platform.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { WarningLevel, WarningOrigin } from '@ecogrid/proto/emergency/v1/warnings';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, freePort, recordTopics, startServiceProcess, testEnvironment, waitFor, type ServiceProcess, type RecordedMessage, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { ROOT, startPlatform, TEST_STAFF_TOKEN_SECRET, type Platform } from '@ecogrid/e2e';
import { createSimulator, planHazeEpisode, readDevicePasswords, watchRegistryDevices, type RegistryDevices, type SimulatedDevice, type Simulator } from '../src/index';

const HOUR = 3_600_000;
const DEVICES_CSV = resolve(ROOT, 'services/registry/data/yanhu/devices.csv');
/** The four national air stations of the demo (运城中学, 水利职院, 地区技校, 禹都公园). */
const NATIONAL = readFileSync(DEVICES_CSV, 'utf8')
  .split('\n')
  .filter((line) => line.split(',')[2] === 'national_air_station')
  .map((line) => line.split(',')[0] as string);

describe('a haze episode that began 72 h ago, back-filled by the air stations, raises the observed yellow warning in minutes', () => {
  let platform: Platform;
  let emergency: ServiceProcess;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let registry: RegistryDevices;
  const running: Simulator[] = [];
  /** When the first run began: the second plays the very same hours. */
  let startedMs = 0;

  beforeAll(async () => {
    platform = await startPlatform('e2e_haze');
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'e2e_haze_emergency');
    recorder = await recordTopics(platform.kafka, [platform.topics.aqiHourly, platform.topics.emergency]);
    const [admin, grpc] = [await freePort(), await freePort()];
    emergency = await startServiceProcess({
      entry: resolve(ROOT, 'services/emergency/dist/main.js'),
      env: {
        KAFKA_BROKERS: environment.kafkaBrokers,
        DATABASE_URL: environment.databaseUrl,
        TOPIC_PREFIX: platform.prefix,
        LOG_LEVEL: 'warn',
        NODE_ENV: 'test',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        OUTBOX_POLL_MS: '200',
        EMERGENCY_SCHEMA: schema.name,
        GRPC_ADDRESS: `127.0.0.1:${grpc}`,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${admin}`,
        INPUTS_FROM_BEGINNING: 'true',
      },
      readyUrl: `http://127.0.0.1:${admin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    registry = await watchRegistryDevices({ kafka: platform.kafka, topicPrefix: platform.prefix, logger: createLogger({ service: 'haze-test', level: 'warn' }), passwords: readDevicePasswords(DEVICES_CSV) });
    await waitFor(() => NATIONAL.every((mn) => registry.list().some((device) => device.mn === mn)), { timeoutMs: 60_000, description: 'the national air stations on the registry topic' });
  }, 480_000);

  afterAll(async () => {
    await Promise.all(running.map((simulator) => simulator.stop()));
    await registry?.stop();
    await recorder?.stop();
    await emergency?.stop();
    await platform?.stop();
    await schema?.drop().catch(() => undefined);
  });

  const isWarningChange = (message: RecordedMessage): boolean =>
    message.topic === platform.topics.emergency && EmergencyEvent.decode(message.value ?? Buffer.alloc(0)).event?.$case === 'warningChanged';

  /** Observations ingest recognised as already stored and did not publish again (its Prometheus counter). */
  const ingestDuplicates = async (): Promise<number> => {
    const text = await (await fetch(`${platform.ingest.adminUrl}/metrics`)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('ingest_duplicates_total'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };

  const backfillRun = async (stations: SimulatedDevice[], startedMs: number): Promise<Simulator> => {
    const plan = planHazeEpisode(stations, { startMs: startedMs - 72 * HOUR, durationMs: 96 * HOUR, multiple: 1.4 }, { nowMs: startedMs, paceMs: 100 });
    const simulator = createSimulator({
      devices: stations,
      target: { host: '127.0.0.1', port: platform.ingest.hj212Port },
      seed: 'yanhu',
      backfills: plan.backfills,
      uploads: { realTime: false, minute: false, hour: false },
      exceedanceProbability: 0,
      abnormalFlagProbability: 0,
      outageProbability: 0,
    });
    running.push(simulator);
    await simulator.start();
    return simulator;
  };

  it('fills 71 past hours per station through ingest and alerting, and the emergency service raises yellow by the observed trigger', async () => {
    const stations = registry.list().filter((device) => NATIONAL.includes(device.mn));
    expect(stations).toHaveLength(4);
    startedMs = Date.now();
    const lastHour = Math.floor(startedMs / HOUR) * HOUR - HOUR;
    const simulator = await backfillRun(stations, startedMs);

    const aqiHours = await recorder.waitForCount(4 * 71, (message) => message.topic === platform.topics.aqiHourly, 120_000);
    const hours = aqiHours.map((message) => StationAqiComputed.decode(message.value ?? Buffer.alloc(0)));
    // Every past whole hour of the episode once per station, none in the future, all heavily polluted.
    for (const mn of NATIONAL) {
      const own = hours.filter((hour) => hour.stationMn === mn).map((hour) => hour.hourStart?.getTime() ?? 0);
      expect(new Set(own).size).toBe(71);
      expect(Math.min(...own)).toBe(lastHour - 70 * HOUR);
      expect(Math.max(...own)).toBe(lastHour);
    }
    expect(hours.every((hour) => (hour.hourStart?.getTime() ?? 0) + HOUR <= startedMs)).toBe(true);
    expect(Math.min(...hours.map((hour) => hour.aqi))).toBeGreaterThan(150);

    const warnings = await recorder.waitForCount(1, isWarningChange, 120_000);
    const decoded = EmergencyEvent.decode(warnings[0]?.value ?? Buffer.alloc(0)).event;
    const raised = decoded?.$case === 'warningChanged' ? decoded.value : undefined;
    expect(raised?.change).toBe('issued');
    expect(raised?.warning).toMatchObject({ level: WarningLevel.WARNING_LEVEL_YELLOW, origin: WarningOrigin.WARNING_ORIGIN_AQI_TRIGGER, issuedBy: 'platform' });
    expect(raised?.warning?.reason).toMatch(/日均AQI>150 已持续 48 小时/);
    console.log(`[haze back-fill] 4 stations × 71 hours → yellow warning ${((Date.now() - startedMs) / 1000).toFixed(1)} s after the back-fill began`);
    expect(simulator.counters).toMatchObject({ resent: 0, gaveUp: 0 });
    await simulator.stop();
  });

  it('a second run of the same back-fill adds no hour and raises nothing more (the observation ids are the same)', async () => {
    const stations = registry.list().filter((device) => NATIONAL.includes(device.mn));
    const before = await ingestDuplicates();
    const simulator = await backfillRun(stations, startedMs);
    // Ingest stores an observation once per MN + CN + DataTime: all 284 hours come back as duplicates, not published.
    await waitFor(async () => (await ingestDuplicates()) - before >= 4 * 71, { timeoutMs: 120_000, description: 'every hour of the second run recognised as a duplicate' });
    await waitFor(() => simulator.counters.acknowledged >= 4 * 72, { timeoutMs: 30_000, description: 'the second run acknowledged (2081 + 71 hours per station)' });
    await simulator.stop();
    expect(recorder.messages.filter((message) => message.topic === platform.topics.aqiHourly)).toHaveLength(4 * 71);
    // Delivery is at least once (an outbox relay may publish an event again): one event id, one warning, issued once.
    const changes = new Map(
      recorder.messages.filter(isWarningChange).map((message) => {
        const event = EmergencyEvent.decode(message.value ?? Buffer.alloc(0)).event;
        return [String(message.headers.ce_id), event?.$case === 'warningChanged' ? `${event.value.change}:${event.value.warning?.level}` : ''];
      }),
    );
    expect([...changes.values()]).toEqual([`issued:${WarningLevel.WARNING_LEVEL_YELLOW}`]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import type { Kafka } from 'kafkajs';
import { createEventPublisher, ensureTopics, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { AlertKind, AqiSource, Severity } from '@ecogrid/proto/alerting/v1/events';
import { Device, DeviceKind } from '@ecogrid/proto/registry/v1/entities';
import { createTestSchema, recordTopics, testEnvironment, testKafka, uniqueTopicPrefix, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { DEFAULT_RULESET } from '../src/domain/rules/default-ruleset';
import {
  alertsOf,
  aqiOf,
  cemsDevice,
  getStationAqi,
  grpcClient,
  listAlerts,
  observationId,
  publishRegistry,
  readingsPublisher,
  rulesetFile,
  schoolNear,
  startAlerting,
  STATE,
  type AlertingProcess,
  type Reading,
} from './fixtures';

const MIN = 60_000;
const BASE = Date.parse('2026-11-29T02:00:00Z');
const at = (minute: number): Date => new Date(BASE + minute * MIN);

// The built service runs as its own process against the real broker and database, fed by registry events on the
// prefixed compacted topics and by readings as ingest publishes them.
describe('alerting: readings in, alerts and hourly AQI out', () => {
  let kafka: Kafka;
  let schema: TestSchema;
  let recorder: TopicRecorder;
  let publisher: EventPublisher;
  let alerting: AlertingProcess;
  let send: (readings: Reading[]) => Promise<void>;
  const prefix = uniqueTopicPrefix('alerting');
  const topics = topicNames(prefix);
  const alerts = () => alertsOf(recorder.messages, topics.alerts);

  beforeAll(async () => {
    const env = await testEnvironment();
    kafka = testKafka(env.kafkaBrokers);
    await ensureTopics(kafka, { prefix });
    schema = await createTestSchema(env.databaseUrl, 'alerting');
    await publishRegistry(
      kafka,
      prefix,
      [
        cemsDevice('CEMS-A'),
        cemsDevice('CEMS-B', { location: { lon: 111.3, lat: 35.3 } }),
        cemsDevice('CEMS-C', { location: { lon: 111.3, lat: 35.3 } }),
        cemsDevice('CEMS-D', { location: { lon: 111.3, lat: 35.3 } }),
        Device.create({ mn: 'WW-1', kind: DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET, enabled: true, cellId: 'cell-ww', townshipCode: '140802005', factors: [{ factorCode: 'w01018', unit: 'mg/L', limitOnConverted: false }] }),
        Device.create({
          mn: 'AIR-1',
          kind: DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION,
          enabled: true,
          cellId: 'cell-air',
          townshipCode: '140802001',
          location: { lon: 111.01, lat: 35.02 },
          factors: ['a21026', 'a21004', 'a34002', 'a34004', 'a05024'].map((factorCode) => ({ factorCode, unit: 'µg/m³', limitOnConverted: false })).concat([{ factorCode: 'a21005', unit: 'mg/m³', limitOnConverted: false }]),
        }),
      ],
      [schoolNear('target-school-yc', 111.002, 35.03)],
    );
    recorder = await recordTopics(kafka, [topics.alerts, topics.aqiHourly]);
    // The default rules, except that wastewater outlets go offline after 3 s instead of 30 min.
    const ruleset = {
      ...DEFAULT_RULESET,
      rules: DEFAULT_RULESET.rules.map((rule) => (rule.kind === 'device_offline' ? { ...rule, minutesByDeviceKind: { WASTEWATER_OUTLET: 0.05 } } : rule)),
    };
    alerting = await startAlerting({
      KAFKA_BROKERS: env.kafkaBrokers,
      DATABASE_URL: env.databaseUrl,
      ALERTING_SCHEMA: schema.name,
      TOPIC_PREFIX: prefix,
      ALERT_RULESET: rulesetFile(ruleset),
    });
    publisher = createEventPublisher({ kafka, source: '/ecogrid/ingest' });
    await publisher.connect();
    send = readingsPublisher(publisher, prefix);
  });

  afterAll(async () => {
    await alerting?.service.stop();
    await publisher?.disconnect();
    await recorder?.stop();
    await schema?.drop();
  });

  it('raises, updates and clears a permit-limit exceedance with its evidence, enterprise, cell, limit and the school nearby', async () => {
    const so2 = (minute: number, value: number): Reading => ({ mn: 'CEMS-A', at: at(minute), values: [{ factor: 'a21026', value: value - 5 }, { factor: 'a21026', kind: 'ZsRtd', value }] });
    await send([so2(0, 30), so2(1, 41.7), so2(2, 80), so2(3, 20), so2(4, 21), so2(5, 22)]);
    const events = await recorder.waitForCount(3, (message) => message.topic === topics.alerts && message.key === 'CEMS-A');
    const [raised, updated, cleared] = alertsOf(events, topics.alerts);
    expect(raised).toMatchObject({
      state: STATE.ALERT_STATE_RAISED,
      kind: AlertKind.ALERT_KIND_EMISSION_LIMIT,
      ruleId: 'emission-limit-realtime',
      ruleVersion: '1',
      deviceMn: 'CEMS-A',
      enterpriseUscc: '914403001922038216',
      cellId: 'cell-yanhu-007',
      townshipCode: '140802003',
      factorCode: 'a21026',
      value: 41.7,
      limit: 35,
      valueKind: 'ZsRtd',
      limitSource: 'permit',
      baseSeverity: Severity.SEVERITY_MINOR,
      severity: Severity.SEVERITY_MAJOR,
      nearbyTargetIds: ['target-school-yc'],
      sequence: 1,
      summary: '二氧化硫折算浓度超过排污许可限值',
    });
    expect(raised?.escalationReasons[0]).toMatch(/^near:SCHOOL:target-school-yc@\d+m$/);
    expect(raised?.evidence).toEqual([expect.objectContaining({ observationId: observationId(so2(1, 41.7)), value: 41.7, flag: 'N', valueKind: 'ZsRtd', matched: true })]);
    expect(raised?.ceId).toBe(`${raised?.alertId}:1`);
    expect(updated).toMatchObject({ alertId: raised?.alertId, state: STATE.ALERT_STATE_UPDATED, severity: Severity.SEVERITY_CRITICAL, value: 80, sequence: 2 });
    expect(cleared).toMatchObject({ alertId: raised?.alertId, state: STATE.ALERT_STATE_CLEARED, sequence: 3 });
    expect(cleared?.evidence.filter((item) => !item.matched).map((item) => item.value)).toEqual([20, 21, 22]);

    const client = grpcClient(alerting.grpcAddress);
    // Staff only: no token, no alerts.
    await expect(listAlerts(client, { pageSize: 10 }, new Metadata())).rejects.toMatchObject({ code: status.UNAUTHENTICATED });
    const listed = await listAlerts(client, { pageSize: 10, deviceMn: 'CEMS-A' });
    expect(listed.alerts.map((alert) => [alert.alertId, alert.state, alert.sequence])).toEqual([[raised?.alertId, STATE.ALERT_STATE_CLEARED, 3]]);
    const open = await listAlerts(client, { openOnly: true, deviceMn: 'CEMS-A' });
    expect(open.alerts).toEqual([]);
    client.close();
  });

  it('M (maintenance) and C (calibration) readings above the limit raise nothing; the next normal one does', async () => {
    const dust = (minute: number, value: number, flag: string): Reading => ({ mn: 'CEMS-B', at: at(minute), values: [{ factor: 'a34013', value, flag }] });
    await send([dust(0, 50, 'M'), dust(1, 55, 'C'), dust(2, 60, 'M'), dust(3, 12, 'N')]);
    const [raised] = alertsOf(await recorder.waitForCount(1, (message) => message.topic === topics.alerts && message.key === 'CEMS-B'), topics.alerts);
    expect(raised).toMatchObject({ state: STATE.ALERT_STATE_RAISED, factorCode: 'a34013', value: 12, valueKind: 'Rtd' });
    expect(raised?.evidence.map((item) => item.flag)).toEqual(['N']);
    expect(alerts().filter((alert) => alert.deviceMn === 'CEMS-B')).toHaveLength(1);
  });

  it('raises a data-quality alert per factor for D, F, B and T after three readings, and clears them after two normal ones', async () => {
    const flags = (minute: number, flag: boolean): Reading => ({
      mn: 'CEMS-C',
      at: at(minute),
      values: [
        { factor: 'a19001', value: 8, flag: flag ? 'D' : 'N' },
        { factor: 'a01012', value: 120, flag: flag ? 'F' : 'N' },
        { factor: 'a01013', value: 1.2, flag: flag ? 'B' : 'N' },
        { factor: 'a01014', value: 9, flag: flag ? 'T' : 'N' },
        { factor: 'a19002', value: 8, flag: flag ? 'M' : 'N' },
      ],
    });
    await send([flags(0, true), flags(1, true), flags(2, true), flags(3, false), flags(4, false)]);
    const events = alertsOf(await recorder.waitForCount(8, (message) => message.topic === topics.alerts && message.key === 'CEMS-C'), topics.alerts);
    const raised = events.filter((event) => event.state === STATE.ALERT_STATE_RAISED);
    expect(raised.map((event) => [event.kind, event.factorCode, event.dataFlag]).sort()).toEqual([
      [AlertKind.ALERT_KIND_DATA_QUALITY, 'a01012', 'F'],
      [AlertKind.ALERT_KIND_DATA_QUALITY, 'a01013', 'B'],
      [AlertKind.ALERT_KIND_DATA_QUALITY, 'a01014', 'T'],
      [AlertKind.ALERT_KIND_DATA_QUALITY, 'a19001', 'D'],
    ]);
    expect(raised.every((event) => event.evidence.length === 3)).toBe(true);
    expect(new Set(events.filter((event) => event.state === STATE.ALERT_STATE_CLEARED).map((event) => event.alertId))).toEqual(new Set(raised.map((event) => event.alertId)));
  });

  it('raises device offline when a device falls silent, and clears it when data comes back', async () => {
    await send([{ mn: 'WW-1', at: new Date(), values: [{ factor: 'w01018', value: 20 }] }]);
    const [offline] = alertsOf(await recorder.waitForCount(1, (message) => message.topic === topics.alerts && message.key === 'WW-1', 30_000), topics.alerts);
    expect(offline).toMatchObject({ state: STATE.ALERT_STATE_RAISED, kind: AlertKind.ALERT_KIND_DEVICE_OFFLINE, ruleId: 'device-offline', severity: Severity.SEVERITY_MAJOR, cellId: 'cell-ww' });
    const back: Reading = { mn: 'WW-1', at: new Date(), values: [{ factor: 'w01018', value: 21 }] };
    await send([back]);
    const cleared = await waitFor(() => alerts().find((alert) => alert.alertId === offline?.alertId && alert.state === STATE.ALERT_STATE_CLEARED));
    expect(cleared).toMatchObject({ sequence: 2, kind: AlertKind.ALERT_KIND_DEVICE_OFFLINE });
    expect(cleared.evidence.map((item) => item.observationId)).toEqual([observationId(back)]);
    expect(alerts().filter((alert) => alert.alertId === offline?.alertId && alert.state === STATE.ALERT_STATE_RAISED)).toHaveLength(1);
  });

  it('publishes hourly AQI per station-hour with the HJ 633 edition of the hour, from hourly data and from aggregated real-time data', async () => {
    const six = (command: string, kind: string, overrides: Record<string, number> = {}) =>
      Object.entries({ a21026: 10, a21004: 40, a34002: 80, a34004: 50, a21005: 0.8, a05024: 120, ...overrides }).map(([factor, value]) => ({ factor, kind, value }));
    const hour2012 = new Date('2025-11-29T02:00:00Z');
    const hour2026 = new Date('2026-11-29T02:00:00Z');
    const aggregated = Date.parse('2026-11-29T03:00:00Z');
    await send([
      { mn: 'AIR-1', command: '2061', at: hour2012, values: six('2061', 'Avg') },
      { mn: 'AIR-1', command: '2061', at: hour2026, values: six('2061', 'Avg') },
      ...Array.from({ length: 46 }, (_, minute) => ({ mn: 'AIR-1', at: new Date(aggregated + minute * MIN), values: six('2011', 'Rtd', { a34004: 100 }) })),
      { mn: 'AIR-1', at: new Date(aggregated + 60 * MIN), values: six('2011', 'Rtd') },
    ]);
    const hours = aqiOf(await recorder.waitForCount(3, (message) => message.topic === topics.aqiHourly && message.key === 'AIR-1'), topics.aqiHourly);
    expect(hours.map((hour) => [hour.hourStart?.toISOString(), hour.standard, hour.source, hour.aqi])).toEqual([
      ['2025-11-29T02:00:00.000Z', 'HJ 633-2012', AqiSource.AQI_SOURCE_HOURLY_DATA, expect.any(Number)],
      ['2026-11-29T02:00:00.000Z', 'HJ 633-2026', AqiSource.AQI_SOURCE_HOURLY_DATA, 80],
      ['2026-11-29T03:00:00.000Z', 'HJ 633-2026', AqiSource.AQI_SOURCE_AGGREGATED_REALTIME, 137],
    ]);
    // 2012 rates PM by 24-hour moving means, which one hour cannot give: incomplete, not publishable, and says why.
    expect(hours[0]).toMatchObject({ complete: false, publishable: false });
    expect(hours[0]?.missingIndicators).toEqual(expect.arrayContaining(['PM10_24h', 'PM25_24h']));
    expect(hours[2]).toMatchObject({ category: '轻度污染', categoryLevel: 3, primaryPollutants: ['PM2.5'], cellId: 'cell-air' });

    const client = grpcClient(alerting.grpcAddress);
    const stored = await getStationAqi(client, { stationMn: 'AIR-1', from: new Date('2026-11-29T00:00:00Z'), to: new Date('2026-11-29T05:00:00Z') });
    expect(stored.hours.map((hour) => [hour.hourStart?.toISOString(), hour.aqi])).toEqual([
      ['2026-11-29T02:00:00.000Z', 80],
      ['2026-11-29T03:00:00.000Z', 137],
    ]);
    client.close();
  });

  it('a duplicate observation delivered again (Redis was down at ingest) raises no second alert and counts once', async () => {
    const reading = (minute: number, value: number): Reading => ({ mn: 'CEMS-D', at: at(minute), values: [{ factor: 'a21026', kind: 'ZsRtd', value }] });
    await send([reading(0, 50)]);
    await send([reading(0, 50), reading(1, 20), reading(2, 21), reading(3, 22)]);
    const events = alertsOf(await recorder.waitForCount(2, (message) => message.topic === topics.alerts && message.key === 'CEMS-D'), topics.alerts);
    expect(events.map((event) => [event.state, event.sequence])).toEqual([
      [STATE.ALERT_STATE_RAISED, 1],
      [STATE.ALERT_STATE_CLEARED, 2],
    ]);
    expect(events[1]?.evidence.filter((item) => item.matched).map((item) => item.observationId)).toEqual([observationId(reading(0, 50))]);
  });
});

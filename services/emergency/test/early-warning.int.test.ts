/**
 * Early warning against the running service on real Kafka and PostgreSQL: minute readings of a river section drift
 * towards its COD limit → a warning is raised, with its forecast as evidence, on ecogrid.emergency.v1 and through
 * EarlyWarningService, while every reading is still under the limit; the readings fall back → the warning clears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { publishRegistryEntities, staffMetadata } from '@ecogrid/e2e';
import { TOPICS, type OutgoingEvent } from '@ecogrid/kafka';
import {
  EarlyWarningClearReason,
  EarlyWarningLimitKind,
  EarlyWarningServiceClient,
  EarlyWarningStatus,
  GetSeriesForecastRequest,
  ListEarlyWarningsRequest,
  type EarlyWarning,
  type GetSeriesForecastResponse,
  type ListEarlyWarningsResponse,
} from '@ecogrid/proto/emergency/v1/early_warning';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { ObservationRecorded, ObservationSource, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';

const MN = '140802SZ0199EW0000000001';
/** A second section, for the restart: its window must survive the process. */
const MN_RESTART = '140802SZ0199EW0000000002';
const SERIES = `${MN}:w01018:2051`;
const LIMIT = 20;
// Minute data of a fixed day (China time 08:00 onwards), so nothing depends on when the test runs.
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const MINUTE = 60_000;

const section = Device.fromPartial({
  mn: MN,
  name: '涑水河测试断面水质自动站',
  kind: DeviceKind.DEVICE_KIND_WATER_STATION,
  location: { lon: 110.99, lat: 35.1 },
  cellId: 'YH-TEST-CELL',
  townshipCode: '140802001',
  factors: [
    { factorCode: 'w01018', unit: 'mg/L', limit: LIMIT, limitOnConverted: false },
    { factorCode: 'w01009', unit: 'mg/L', limitOnConverted: false },
  ],
  password: 'EW1234',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  enabled: true,
  systemCode: '21',
});

/** COD at minute `m`: flat around 10 for 40 min, then +0.2 mg/L a minute; a small deterministic wiggle. */
const rising = (minute: number): number => 10 + (minute < 40 ? 0 : 0.2 * (minute - 40)) + 0.15 * Math.sin(minute * 1.7);

function reading(minute: number, cod: number, mn = MN): OutgoingEvent {
  const dataTime = new Date(T0 + minute * MINUTE);
  const observationId = `${mn}:2051:${dataTime.toISOString()}`;
  const value = ObservationRecorded.encode(
    ObservationRecorded.fromPartial({
      observationId,
      deviceMn: mn,
      commandCode: '2051',
      dataTime,
      receivedTime: dataTime,
      source: ObservationSource.OBSERVATION_SOURCE_HJ212_TCP,
      protocolVersion: '2017',
      cellId: section.cellId,
      townshipCode: section.townshipCode,
      systemCode: '21',
      measurements: [
        { factorCode: 'w01018', kind: ValueKind.VALUE_KIND_AVG, value: Math.round(cod * 100) / 100, flag: 'N', unit: 'mg/L' },
        { factorCode: 'w01009', kind: ValueKind.VALUE_KIND_AVG, value: 7.5 + 0.05 * Math.sin(minute), flag: 'N', unit: 'mg/L' },
      ],
    }),
  ).finish();
  return { topic: '', key: mn, value: Buffer.from(value), type: TOPICS.readings.payload, id: observationId, time: dataTime };
}

function call<Response>(client: EarlyWarningServiceClient, method: 'listEarlyWarnings' | 'getSeriesForecast', partial: object, metadata: Metadata): Promise<Response> {
  const request = method === 'listEarlyWarnings' ? ListEarlyWarningsRequest.fromPartial(partial) : GetSeriesForecastRequest.fromPartial(partial);
  const unary = client[method].bind(client) as unknown as (request: object, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => void;
  return new Promise((resolve, reject) => unary(request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
}

const decode = (value: Buffer | null): EmergencyEvent => EmergencyEvent.decode(value ?? Buffer.alloc(0));

describe('early warning before a limit is crossed', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;
  let recorder: TopicRecorder;
  let client: EarlyWarningServiceClient;
  let analyst: Metadata;

  beforeAll(async () => {
    world = await createWorld('em-early-warning');
    await publishRegistryEntities(world.kafka, world.prefix, { devices: [section, { ...section, mn: MN_RESTART, name: '涑水河测试断面二' }] });
    emergency = await startEmergency(world, '2026-06-01T08:00:00.000Z');
    recorder = await recordTopics(world.kafka, [world.topics.emergency]);
    client = new EarlyWarningServiceClient(emergency.grpcAddress, credentials.createInsecure());
    analyst = await staffMetadata({ role: 'analyst' });
  });
  afterAll(async () => {
    client?.close();
    await recorder?.stop();
    await emergency?.service.stop();
    await world?.close();
  });

  it('raises a warning with its forecast as evidence before the limit is crossed, and clears it when the readings fall back', async () => {
    const publish = (events: OutgoingEvent[]) => world.publisher.publishAll(events.map((event) => ({ ...event, topic: world.topics.readings })));
    // 40 flat minutes and 35 rising ones: the last value is about 17, still under the limit of 20.
    const drifting = Array.from({ length: 75 }, (_, minute) => reading(minute, rising(minute)));
    expect(Array.from({ length: 75 }, (_, minute) => rising(minute)).every((value) => value < LIMIT)).toBe(true);
    await publish(drifting);

    const [raisedRecord] = await recorder.waitForCount(1, (message) => decode(message.value).event?.$case === 'earlyWarningRaised', 60_000);
    const raisedEvent = decode(raisedRecord?.value ?? null);
    expect(raisedRecord?.key).toBe(SERIES);
    expect(raisedEvent.drill).toBe(false);
    if (raisedEvent.event?.$case !== 'earlyWarningRaised') throw new Error('not a raise');
    const raised = raisedEvent.event.value;
    const forecast = raised.forecast;
    expect(forecast?.seriesId).toBe(SERIES);
    expect(forecast?.limit).toMatchObject({ kind: EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_UPPER, value: LIMIT, source: '登记限值' });
    // Raised while the newest input was still under the limit, from the rising part, with a forecast crossing it.
    const newest = forecast?.inputs.at(-1);
    expect(newest?.value).toBeLessThan(LIMIT);
    expect(newest?.dataTime?.getTime()).toBeGreaterThan(T0 + 40 * MINUTE);
    expect(forecast?.points).toHaveLength(60);
    expect(Math.max(...(forecast?.points ?? []).map((point) => point.upper))).toBeGreaterThan(LIMIT);
    expect(forecast?.maxProbability).toBeGreaterThanOrEqual(0.6);
    expect(forecast?.model).toMatchObject({ name: 'damped_holt', alpha: 0.3, phi: 0.98 });
    expect(forecast?.model?.trend).toBeGreaterThan(0.05);
    expect(forecast?.inputs.length).toBeGreaterThanOrEqual(20);
    for (const point of forecast?.points ?? []) expect(point.lower).toBeLessThanOrEqual(point.upper);
    expect(raised.messageZh).toContain('预警');
    expect(raised.cellId).toBe('YH-TEST-CELL');

    // The same warning, with the same evidence, through the gRPC service.
    const listed = await waitFor(
      async () => {
        const response = await call<ListEarlyWarningsResponse>(client, 'listEarlyWarnings', { activeOnly: true }, analyst);
        return response.warnings.length > 0 ? response.warnings : undefined;
      },
      { timeoutMs: 10_000, description: 'the active early warning through gRPC' },
    );
    const warning = listed[0] as EarlyWarning;
    expect(warning.warningId).toBe(raised.warningId);
    expect(warning.status).toBe(EarlyWarningStatus.EARLY_WARNING_STATUS_ACTIVE);
    expect(warning.evidence?.points).toHaveLength(60);
    expect(warning.evidence?.inputs.map((input) => input.observationId)).toEqual(forecast?.inputs.map((input) => input.observationId));
    // The series' current forecast follows every reading: it reaches the last one published, the warning still up.
    const current = await waitFor(
      async () => {
        const response = await call<GetSeriesForecastResponse>(client, 'getSeriesForecast', { seriesId: SERIES }, analyst);
        return response.forecast?.madeAt?.getTime() === T0 + 74 * MINUTE ? response : undefined;
      },
      { timeoutMs: 20_000, description: 'the forecast from the last rising reading' },
    );
    expect(current.activeWarningId).toBe(raised.warningId);
    // DO is watched against its GB 3838 class III floor and stays quiet.
    const dissolvedOxygen = await call<GetSeriesForecastResponse>(client, 'getSeriesForecast', { seriesId: `${MN}:w01009:2051` }, analyst);
    expect(dissolvedOxygen.forecast?.limit).toMatchObject({ kind: EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_LOWER, value: 5 });
    expect(dissolvedOxygen.activeWarningId).toBe('');

    // A redelivered reading changes nothing; the readings fall back to 10 and stay there.
    await publish([reading(74, rising(74))]);
    const falling = Array.from({ length: 30 }, (_, index) => reading(75 + index, index < 5 ? 17 - 1.4 * (index + 1) : 10 + 0.15 * Math.sin(index)));
    await publish(falling);
    const [clearedRecord] = await recorder.waitForCount(1, (message) => decode(message.value).event?.$case === 'earlyWarningCleared', 60_000);
    const clearedEvent = decode(clearedRecord?.value ?? null);
    if (clearedEvent.event?.$case !== 'earlyWarningCleared') throw new Error('not a clear');
    expect(clearedEvent.event.value).toMatchObject({ warningId: raised.warningId, seriesId: SERIES, reason: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_FORECAST_RECOVERED });
    // Placed like the raise, so the township's supervisor sees it end live.
    expect(clearedEvent.event.value).toMatchObject({ cellId: 'YH-TEST-CELL', townshipCode: '140802001' });
    expect(clearedRecord?.key).toBe(SERIES);
    const after = await waitFor(
      async () => {
        const response = await call<ListEarlyWarningsResponse>(client, 'listEarlyWarnings', { activeOnly: false }, analyst);
        const found = response.warnings.find((item) => item.warningId === raised.warningId);
        return found?.status === EarlyWarningStatus.EARLY_WARNING_STATUS_CLEARED ? found : undefined;
      },
      { timeoutMs: 10_000, description: 'the warning cleared through gRPC' },
    );
    expect(after.clearReason).toBe(EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_FORECAST_RECOVERED);
    // Exactly one raise and one clear: no flapping on the way up or down.
    expect(recorder.messages.filter((message) => decode(message.value).event?.$case === 'earlyWarningRaised')).toHaveLength(1);
    expect(recorder.messages.filter((message) => decode(message.value).event?.$case === 'earlyWarningCleared')).toHaveLength(1);
  });

  it('rebuilds a series from PostgreSQL after a restart: the window read before it carries the forecast after it', async () => {
    const publish = (events: OutgoingEvent[]) => world.publisher.publishAll(events.map((event) => ({ ...event, topic: world.topics.readings })));
    const series = `${MN_RESTART}:w01018:2051`;
    await publish(Array.from({ length: 45 }, (_, minute) => reading(minute, rising(minute), MN_RESTART)));
    await waitFor(
      async () => {
        const response = await call<GetSeriesForecastResponse>(client, 'getSeriesForecast', { seriesId: series }, analyst).catch(() => undefined);
        return response?.forecast?.madeAt?.getTime() === T0 + 44 * MINUTE ? response : undefined;
      },
      { timeoutMs: 20_000, description: 'the restart series stored up to minute 44' },
    );
    await emergency.service.stop();
    client.close();
    emergency = await startEmergency(world, '2026-06-01T08:00:00.000Z');
    client = new EarlyWarningServiceClient(emergency.grpcAddress, credentials.createInsecure());
    // The new process resumes the group's offsets: the first 45 readings are not read again.
    await publish(Array.from({ length: 30 }, (_, index) => reading(45 + index, rising(45 + index), MN_RESTART)));
    const raisedRecord = await recorder.waitForCount(1, (message) => message.key === series && decode(message.value).event?.$case === 'earlyWarningRaised', 60_000);
    const raised = decode(raisedRecord[0]?.value ?? null);
    if (raised.event?.$case !== 'earlyWarningRaised') throw new Error('not a raise');
    const inputs = raised.event.value.forecast?.inputs ?? [];
    const beforeRestart = inputs.filter((input) => (input.dataTime?.getTime() ?? 0) < T0 + 45 * MINUTE);
    expect(beforeRestart.length).toBeGreaterThan(0);
    // Consecutive minutes across the restart: nothing lost, nothing doubled.
    const minutes = inputs.map((input) => ((input.dataTime?.getTime() ?? 0) - T0) / MINUTE);
    expect(minutes).toEqual(Array.from({ length: minutes.length }, (_, index) => (minutes[0] as number) + index));
  });

  it('refuses callers without a token', async () => {
    await expect(call(client, 'listEarlyWarnings', {}, new Metadata())).rejects.toMatchObject({ code: 16 });
  });
});

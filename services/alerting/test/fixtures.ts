import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { credentials, type Metadata } from '@grpc/grpc-js';
import { staffMetadata, TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import type { Kafka } from 'kafkajs';
import { createEventPublisher, TOPICS, topicNames, type EventPublisher } from '@ecogrid/kafka';
import { AlertChanged, AlertState, StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { AlertingServiceClient, GetStationAqiRequest, ListAlertsRequest, type GetStationAqiResponse, type ListAlertsResponse } from '@ecogrid/proto/alerting/v1/alerting';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { DeviceChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import { Device, DeviceKind, Target, TargetCategory, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import { freePort, startServiceProcess, type RecordedMessage, type ServiceProcess } from '@ecogrid/testkit';

export const ENTRY = resolve(__dirname, '../dist/main.js');

export const VALUE_KINDS: Record<string, ValueKind> = {
  Rtd: ValueKind.VALUE_KIND_RTD,
  Avg: ValueKind.VALUE_KIND_AVG,
  ZsRtd: ValueKind.VALUE_KIND_ZS_RTD,
  ZsAvg: ValueKind.VALUE_KIND_ZS_AVG,
};

export interface Reading {
  mn: string;
  command?: string;
  /** Data time. */
  at: Date;
  values: Array<{ factor: string; kind?: string; value: number; flag?: string }>;
}

export const observationId = (reading: Reading): string => `${reading.mn}:${reading.command ?? '2011'}:${reading.at.toISOString()}`;

/** Publishes readings as ingest does: ObservationRecorded keyed by MN, `ce_id` = the observation id. */
export function readingsPublisher(publisher: EventPublisher, prefix: string) {
  const topic = topicNames(prefix).readings;
  return (readings: Reading[]): Promise<void> =>
    publisher.publishAll(
      readings.map((reading) => ({
        topic,
        key: reading.mn,
        type: TOPICS.readings.payload,
        id: observationId(reading),
        value: Buffer.from(
          ObservationRecorded.encode(
            ObservationRecorded.create({
              observationId: observationId(reading),
              deviceMn: reading.mn,
              commandCode: reading.command ?? '2011',
              dataTime: reading.at,
              receivedTime: new Date(),
              measurements: reading.values.map((value) => ({ factorCode: value.factor, kind: VALUE_KINDS[value.kind ?? 'Rtd'], value: value.value, flag: value.flag ?? 'N', unit: '' })),
            }),
          ).finish(),
        ),
      })),
    );
}

export function cemsDevice(mn: string, overrides: Partial<Device> = {}): Device {
  return Device.create({
    mn,
    name: `demo CEMS ${mn}`,
    kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
    location: { lon: 111.0, lat: 35.03 },
    enterpriseUscc: '914403001922038216',
    cellId: 'cell-yanhu-007',
    townshipCode: '140802003',
    enabled: true,
    factors: [
      { factorCode: 'a21026', unit: 'mg/m³', limit: 35, limitOnConverted: true },
      { factorCode: 'a34013', unit: 'mg/m³', limit: 10, limitOnConverted: false },
      { factorCode: 'a19001', unit: '%', limitOnConverted: false },
    ],
    ...overrides,
  });
}

export function schoolNear(id: string, lon: number, lat: number): Target {
  return Target.create({
    id,
    name: '运城中学 (demo)',
    kind: TargetKind.TARGET_KIND_SCHOOL,
    category: TargetCategory.TARGET_CATEGORY_SENSITIVE,
    geometryGeojson: JSON.stringify({ type: 'Point', coordinates: [lon, lat] }),
    townshipCode: '140802003',
  });
}

export async function publishRegistry(kafka: Kafka, prefix: string, devices: Device[], targets: Target[] = []): Promise<void> {
  const names = topicNames(prefix);
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
  await publisher.connect();
  await publisher.publishAll([
    ...devices.map((device) => ({ topic: names.registryDevices, key: device.mn, type: TOPICS.registryDevices.payload, value: Buffer.from(DeviceChanged.encode({ device }).finish()) })),
    ...targets.map((target) => ({ topic: names.registryTargets, key: target.id, type: TOPICS.registryTargets.payload, value: Buffer.from(TargetChanged.encode({ target }).finish()) })),
  ]);
  await publisher.disconnect();
}

/** Writes a ruleset file for ALERT_RULESET. */
export function rulesetFile(ruleset: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'alerting-ruleset-'));
  const file = join(dir, 'ruleset.json');
  writeFileSync(file, JSON.stringify(ruleset));
  return file;
}

export interface AlertingProcess {
  service: ServiceProcess;
  grpcAddress: string;
  adminUrl: string;
}

export async function startAlerting(env: Record<string, string>): Promise<AlertingProcess> {
  const [adminPort, grpcPort] = [await freePort(), await freePort()];
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  const service = await startServiceProcess({
    entry: ENTRY,
    readyUrl: `${adminUrl}/readyz`,
    readyTimeoutMs: 60_000,
    env: {
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${adminPort}`,
      GRPC_ADDRESS: grpcAddress,
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      READINGS_FROM_BEGINNING: 'true',
      SWEEP_INTERVAL_MS: '200',
      OUTBOX_POLL_MS: '100',
      // A killed instance's partitions move after 6 s (the broker's minimum) instead of 30 s.
      CONSUMER_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  return { service, grpcAddress, adminUrl };
}

export const alertsOf = (messages: RecordedMessage[], topic: string): Array<AlertChanged & { ceId: string }> =>
  messages.filter((message) => message.topic === topic && message.value).map((message) => ({ ...AlertChanged.decode(message.value as Buffer), ceId: message.headers.ce_id ?? '' }));

export const aqiOf = (messages: RecordedMessage[], topic: string): StationAqiComputed[] =>
  messages.filter((message) => message.topic === topic && message.value).map((message) => StationAqiComputed.decode(message.value as Buffer));

export const STATE = AlertState;

export function grpcClient(address: string): AlertingServiceClient {
  return new AlertingServiceClient(address, credentials.createInsecure());
}

/** An analyst's call unless told otherwise: every staff role may read alerts. */
export async function listAlerts(client: AlertingServiceClient, request: Partial<ListAlertsRequest>, metadata?: Metadata): Promise<ListAlertsResponse> {
  const md = metadata ?? (await staffMetadata({ role: 'analyst' }));
  return new Promise((resolve, reject) => client.listAlerts(ListAlertsRequest.fromPartial(request), md, (error, response) => (error ? reject(error) : resolve(response))));
}

export async function getStationAqi(client: AlertingServiceClient, request: Partial<GetStationAqiRequest>, metadata?: Metadata): Promise<GetStationAqiResponse> {
  const md = metadata ?? (await staffMetadata({ role: 'analyst' }));
  return new Promise((resolve, reject) => client.getStationAqi(GetStationAqiRequest.fromPartial(request), md, (error, response) => (error ? reject(error) : resolve(response))));
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@ecogrid/telemetry';
import { ObservationRecorded } from '@ecogrid/proto/ingest/v1/events';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { createSimulator, watchRegistryDevices, type RegistryDevices, type Simulator, type SimulatorEvent } from '../src/index';
import { startIngest, type IngestUnderTest } from './support/ingest-under-test';
import { startLossyProxy, type LossyProxy } from './support/lossy-proxy';

const CEMS = Device.create({
  mn: '140802CE000000000000A001',
  name: '模拟电厂 1号烟囱',
  kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  location: { lon: 111.0, lat: 35.02 },
  factors: [
    { factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true },
    { factorCode: 'a21002', unit: 'mg/m3', limit: 50, limitOnConverted: true },
    { factorCode: 'a34013', unit: 'mg/m3', limit: 10, limitOnConverted: true },
    { factorCode: 'a19001', unit: '%', limitOnConverted: false },
    { factorCode: 'a01012', unit: '℃', limitOnConverted: false },
  ],
  password: 'A1B2C3',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  tolerant: false,
  enabled: true,
  systemCode: '31',
});
const AIR_2025 = Device.create({
  mn: '140802AQ0000000000002025',
  name: '模拟微站 2025',
  kind: DeviceKind.DEVICE_KIND_MICRO_AIR_STATION,
  location: { lon: 111.01, lat: 35.03 },
  factors: ['a34004', 'a34002', 'a05024', 'a21004', 'a21026', 'a21005'].map((factorCode) => ({ factorCode, unit: 'ug/m3', limitOnConverted: false })),
  password: 'D4E5F6',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2025,
  tolerant: false,
  enabled: true,
  systemCode: '22',
});
const OLD_OUTLET = Device.create({
  mn: 'WW20050001',
  name: '老污水排口',
  kind: DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET,
  location: { lon: 111.02, lat: 35.04 },
  factors: [
    { factorCode: 'w01018', unit: 'mg/L', limit: 50, limitOnConverted: false },
    { factorCode: 'w21003', unit: 'mg/L', limit: 5, limitOnConverted: false },
    { factorCode: 'w01001', unit: '', limitOnConverted: false },
  ],
  password: '123456',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2005,
  tolerant: true,
  enabled: true,
  systemCode: '32',
});
const CAMERA = Device.create({ mn: 'CAM0001', kind: DeviceKind.DEVICE_KIND_CAMERA, enabled: true, password: 'x', factors: [] });

describe('simulator against the real ingest (built service, real Kafka)', () => {
  let ingest: IngestUnderTest;
  let recorder: TopicRecorder;
  let registry: RegistryDevices;
  const running: Simulator[] = [];

  beforeAll(async () => {
    ingest = await startIngest('simulator', [CEMS, AIR_2025, OLD_OUTLET, CAMERA]);
    recorder = await recordTopics(ingest.kafka, [ingest.topics.readings, ingest.topics.readingsRejected, ingest.topics.devicesStatus]);
    // The topic carries verifiers only: the simulator is told its devices' passwords, as the CLI is by a file.
    const passwords = new Map([CEMS, AIR_2025, OLD_OUTLET, CAMERA].map((device) => [device.mn, device.password]));
    registry = await watchRegistryDevices({ kafka: ingest.kafka, topicPrefix: ingest.prefix, logger: createLogger({ service: 'simulator-test', level: 'warn' }), passwords });
  });

  afterAll(async () => {
    await Promise.all(running.map((simulator) => simulator.stop()));
    await registry?.stop();
    await recorder?.stop();
    await ingest?.stop();
  });

  const readingsOf = (mn: string) => recorder.messages.filter((message) => message.topic === ingest.topics.readings && message.key === mn);

  it('simulates the HJ 212 devices the registry holds, and ingest acknowledges their frames and publishes them', async () => {
    const devices = registry.list();
    expect(devices.map((device) => [device.mn, device.profile, device.category, device.lowerCaseCrc]).sort()).toEqual([
      [AIR_2025.mn, '2025', 'ambient_air', false],
      [CEMS.mn, '2017', 'flue_gas', false],
      [OLD_OUTLET.mn, '2005', 'water', true],
    ]);
    const simulator = createSimulator({
      devices,
      target: { host: '127.0.0.1', port: ingest.hj212Port },
      // Real-time every 1–2 s, so the test sees several uploads per device quickly.
      rate: 30,
      realTimeIntervalMs: [30_000, 60_000],
      uploads: { realTime: true, minute: false, hour: false },
      outageProbability: 0,
    });
    running.push(simulator);
    await simulator.start();
    await waitFor(() => readingsOf(CEMS.mn).length >= 3 && readingsOf(AIR_2025.mn).length >= 3 && readingsOf(OLD_OUTLET.mn).length >= 3, {
      timeoutMs: 30_000,
      description: 'three readings from each device on ecogrid.readings.v1',
    });
    await waitFor(() => simulator.counters.acknowledged >= 6, { description: 'six 9014s' });
    await simulator.stop();

    const cems = ObservationRecorded.decode(readingsOf(CEMS.mn)[0]?.value ?? Buffer.alloc(0));
    expect(cems).toMatchObject({ deviceMn: CEMS.mn, commandCode: '2011', protocolVersion: '2017', systemCode: '31' });
    expect(new Set(cems.measurements.map((measurement) => measurement.factorCode))).toEqual(new Set(['a21026', 'a21002', 'a34013', 'a19001', 'a01012']));
    const so2 = cems.measurements.find((measurement) => measurement.factorCode === 'a21026' && measurement.kind === 6);
    expect(so2?.value).toBeGreaterThan(0);
    expect(so2?.value).toBeLessThan(35);
    const air = ObservationRecorded.decode(readingsOf(AIR_2025.mn)[0]?.value ?? Buffer.alloc(0));
    expect(air).toMatchObject({ protocolVersion: '2025', systemCode: '22' });
    const old = ObservationRecorded.decode(readingsOf(OLD_OUTLET.mn)[0]?.value ?? Buffer.alloc(0));
    expect(old).toMatchObject({ protocolVersion: '2005', systemCode: '32' });
    // 2005 devices ask for no reply, so every acknowledgement is for a 2017/2025 upload, and none was lost.
    expect(simulator.counters).toMatchObject({ resent: 0, gaveUp: 0 });
    expect(recorder.messages.filter((message) => message.topic === ingest.topics.readingsRejected)).toEqual([]);
    // Each device reported its start-up (2081) when it connected, kept as its restart status.
    await waitFor(() => [CEMS, AIR_2025, OLD_OUTLET].every((device) => recorder.messages.some((message) => message.topic === ingest.topics.devicesStatus && message.key === `${device.mn}/restart`)), {
      description: 'a restart status from each device',
    });
  });

  it('re-sends a frame whose 9014 was lost, with RF=1 from a 2025 device, and ingest stores it once', async () => {
    const events: SimulatorEvent[] = [];
    let dropOne = true;
    // The first answer lost is a real-time upload's (the device's 2081 after connecting is answered first).
    const proxy: LossyProxy = await startLossyProxy(ingest.hj212Port, (reply) => {
      if (!dropOne || reply.mn !== AIR_2025.mn || !events.some((event) => event.type === 'sent' && event.cn === '2011' && event.qn === reply.qn)) return false;
      dropOne = false;
      return true;
    });
    const device = registry.list().find((candidate) => candidate.mn === AIR_2025.mn);
    if (!device) throw new Error('2025 device not in the registry view');
    const simulator = createSimulator({
      devices: [device],
      target: { host: '127.0.0.1', port: proxy.port },
      rate: 30,
      uploads: { realTime: true, minute: false, hour: false },
      outageProbability: 0,
      ackTimeoutMs: 1_000,
      onEvent: (event) => events.push(event),
    });
    running.push(simulator);
    await simulator.start();
    const lostQn = (await waitFor(() => proxy.dropped[0]?.qn ?? undefined, { description: 'a dropped 9014' }));
    const acknowledged = await waitFor(() => events.find((event) => event.type === 'acknowledged' && event.qn === lostQn), { description: 'the re-sent frame acknowledged' });
    // A later upload, stored after the re-send: once it is on the topic (same key, same partition, in order),
    // a second copy of the lost one would be there too.
    const later = await waitFor(() => events.find((event) => event.type === 'acknowledged' && event.qn > lostQn), { description: 'a later upload acknowledged' });
    await simulator.stop();
    await proxy.close();

    expect(acknowledged).toMatchObject({ attempts: 2 });
    expect(events.filter((event) => event.type === 'timeout' && event.qn === lostQn)).toHaveLength(1);
    expect(events.filter((event) => event.type === 'resent' && event.qn === lostQn)).toHaveLength(1);
    const sends = proxy.upstream.filter((frame) => frame.qn === lostQn);
    expect(sends.map((frame) => frame.resend)).toEqual([false, true]);
    expect(sends[1]?.cp.text).toBe(sends[0]?.cp.text);
    const requestNumbers = () => readingsOf(AIR_2025.mn).map((message) => ObservationRecorded.decode(message.value ?? Buffer.alloc(0)).requestNumber);
    await waitFor(() => later.type === 'acknowledged' && requestNumbers().includes(later.qn), { description: 'the later upload on the topic' });
    expect(requestNumbers().filter((qn) => qn === lostQn)).toHaveLength(1);
  });
});

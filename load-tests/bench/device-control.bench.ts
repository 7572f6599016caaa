import { loadavg } from 'node:os';
import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { CommandState, DeviceCommandChanged } from '@ecogrid/proto/ingest/v1/events';
import { DeviceControlServiceClient } from '@ecogrid/proto/ingest/v1/device_control';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import { publishRegistryEntities, startIngestProcess, TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
import { createSimulator, type SimulatorEvent } from '@ecogrid/simulator';
import { createTestSchema, recordTopics, waitFor } from '@ecogrid/testkit';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka } from '../harness/bench-kafka';
import { MACHINE_NOTE } from '../harness/scenarios';

const DEVICES = 10;
/** Commands to the one station of the first phase (the target is stated for a simulated device). */
const COMMANDS_ONE_STATION = 200;
/** Commands to each station in the second phase, all ten at once. */
const COMMANDS_PER_DEVICE = 30;
const WARMUP_PER_DEVICE = 3;

/** The commands of one phase, in milliseconds from the SendCommand call, each list sorted. */
interface Phase {
  latencies: number[];
  toWire: number[];
  rpc: number[];
  failed: number;
  /** From the first command to the last one's result, warm-up included. */
  elapsedMs: number;
}

function percentileOf(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number;
}

type Unary<Request, Response> = (request: Request, metadata: Metadata, options: Partial<CallOptions>, callback: (error: ServiceError | null, response: Response) => void) => unknown;
const call = <Request, Response>(method: Unary<Request, Response>, request: Request): Promise<Response> =>
  new Promise((resolve, reject) => {
    method(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });

/**
 * SendCommand → 9012 result: an operator's command to a simulated station connected over TCP, timed from the moment
 * SendCommand is called to the Kafka timestamp of the command's `succeeded` change on ecogrid.devices.commands.v1 —
 * the gRPC call, the PostgreSQL insert and claim, the request on the wire, the station's 9011 and 9012, their two
 * stored changes and the outbox relay included. Ten stations, each taking its commands one after the other (HJ 212
 * runs one flow per device); the stations, the load and ingest share the two cores.
 */
const bench: BenchModule = {
  title: 'Ingest: device control (反控) round trip',
  needs: ['kafka', 'redis', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const kafka = benchKafka();
    const prefix = `bench.control.${Date.now()}.`;
    await ensureTopics(kafka, { prefix });
    const topics = topicNames(prefix);
    const schema = await createTestSchema(databaseUrl, 'bench_control');
    const devices = Array.from({ length: DEVICES }, (_, index) =>
      Device.create({
        mn: `140802BC${String(index).padStart(16, '0')}`,
        name: `bench station ${index}`,
        kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
        location: { lon: 111, lat: 35 },
        factors: [{ factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true }],
        password: `BC${String(index).padStart(4, '0')}`,
        protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
        tolerant: false,
        enabled: true,
        systemCode: '31',
      }),
    );
    await publishRegistryEntities(kafka, prefix, { devices });
    const ingest = await startIngestProcess({
      topicPrefix: prefix,
      redisPrefix: `bench:control:${Date.now()}:`,
      env: { DATABASE_URL: databaseUrl, INGEST_SCHEMA: schema.name, STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, NODE_ENV: 'test', CLOCK_CORRECTION_THRESHOLD_MS: '0' },
      // BENCH_PROFILE_DIR: a V8 CPU profile of ingest, written when it stops.
      ...(process.env.BENCH_PROFILE_DIR ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] } : {}),
    });
    const recorder = await recordTopics(kafka, [topics.devicesCommands]);
    const wireAt = new Map<string, number>();
    const simulator = createSimulator({
      devices: devices.map((device) => ({ mn: device.mn, password: device.password, systemCode: '31', category: 'flue_gas', profile: '2017', factors: [{ code: 'a21026' }], clockSkewMs: 0 })),
      target: { host: '127.0.0.1', port: ingest.hj212Port },
      // Real-time uploads every 30 s, as stations send: the commands share the connection with them.
      rate: 1,
      uploads: { realTime: true, minute: false, hour: false },
      outageProbability: 0,
      tickMs: 5,
      onEvent: (event: SimulatorEvent) => {
        if (event.type === 'command' && event.exeRtn !== null) wireAt.set(`${event.mn}:${event.qn}`, Date.now());
      },
    });
    const token = await testStaffToken({ role: 'operator', sub: 'bench-operator' });
    const client = new DeviceControlServiceClient(ingest.grpcAddress, credentials.createInsecure());
    const metadata = (): Metadata => {
      const value = new Metadata();
      value.set('authorization', `Bearer ${token}`);
      return value;
    };
    const sendCommand: Unary<Parameters<typeof client.sendCommand>[0], { command?: { id: string } }> = (request, _metadata, options, callback) => client.sendCommand(request, metadata(), options, callback);
    let one: Phase | undefined;
    let all: Phase | undefined;
    let loadAfterOne = Number.NaN;
    try {
      await simulator.start();
      await waitFor(() => (simulator.counters.acknowledged >= DEVICES ? true : undefined), { description: 'every station connected and answered', timeoutMs: 30_000 });
      // Each record is decoded once, as it arrives, into the final change of its command: the waiters only look it up,
      // so the load generator does not spend the cores it shares with ingest on decoding the topic again and again.
      const finals = new Map<string, { timestamp: number; state: CommandState; requestNumber: string }>();
      let scanned = 0;
      const finalOf = (id: string) => {
        for (; scanned < recorder.messages.length; scanned += 1) {
          const message = recorder.messages[scanned];
          const command = DeviceCommandChanged.decode(message?.value ?? Buffer.alloc(0)).command;
          if (!command || !message) continue;
          const open = command.state === CommandState.COMMAND_STATE_QUEUED || command.state === CommandState.COMMAND_STATE_SENT || command.state === CommandState.COMMAND_STATE_ACCEPTED;
          if (!open) finals.set(command.id, { timestamp: message.timestamp, state: command.state, requestNumber: command.requestNumber });
        }
        return finals.get(id);
      };
      /** Commands to each of `stations` one after the other (HJ 212 runs one flow per device), the stations at once. */
      const drive = async (stations: Device[], commandsEach: number): Promise<Phase> => {
        const phase: Phase = { latencies: [], toWire: [], rpc: [], failed: 0, elapsedMs: 0 };
        const phaseStarted = Date.now();
        await Promise.all(
          stations.map(async (device) => {
            for (let round = 0; round < WARMUP_PER_DEVICE + commandsEach; round += 1) {
              const started = Date.now();
              const { command } = await call(sendCommand, { deviceMn: device.mn, commandCode: round % 2 === 0 ? '1061' : '1011', params: {}, overTimeSeconds: 0 });
              const answeredAt = Date.now();
              const id = command?.id ?? '';
              const final = await waitFor(() => finalOf(id), { description: `command ${id} finished`, timeoutMs: 15_000, intervalMs: 5 });
              if (round < WARMUP_PER_DEVICE) continue;
              if (final.state !== CommandState.COMMAND_STATE_SUCCEEDED) {
                phase.failed += 1;
                continue;
              }
              phase.latencies.push(final.timestamp - started);
              phase.rpc.push(answeredAt - started);
              const onWire = wireAt.get(`${device.mn}:${final.requestNumber}`);
              if (onWire !== undefined) phase.toWire.push(onWire - started);
            }
          }),
        );
        phase.elapsedMs = Date.now() - phaseStarted;
        for (const list of [phase.latencies, phase.toWire, phase.rpc]) list.sort((a, b) => a - b);
        return phase;
      };
      one = await drive(devices.slice(0, 1), COMMANDS_ONE_STATION);
      loadAfterOne = loadavg()[0] ?? Number.NaN;
      all = await drive(devices, COMMANDS_PER_DEVICE);
    } finally {
      client.close();
      await simulator.stop();
      await recorder.stop();
      await ingest.service.stop();
      await schema.drop();
    }
    if (!one || !all) throw new Error('the device-control phases did not run');
    const round1 = (value: number): number => Math.round(value * 10) / 10;
    // Latency on two shared cores says little without what else ran: the 1-minute load average when each phase ended.
    const loadAfterAll = round1(loadavg()[0] ?? Number.NaN);
    const spread = (phase: Phase): string =>
      `p50 ${round1(percentileOf(phase.latencies, 0.5))} ms, max ${round1(phase.latencies[phase.latencies.length - 1] ?? Number.NaN)} ms; ${phase.failed} did not succeed; SendCommand → the station writing its 9012 p50 ${round1(percentileOf(phase.toWire, 0.5))} ms, p99 ${round1(percentileOf(phase.toWire, 0.99))} ms (${phase.toWire.length} matched); the SendCommand call itself (stored and queued) p50 ${round1(percentileOf(phase.rpc, 0.5))} ms, p99 ${round1(percentileOf(phase.rpc, 0.99))} ms`;
    return {
      device_control_send_to_result_p99_ms: {
        value: round1(percentileOf(one.latencies, 0.99)),
        unit: 'ms',
        target: '<= 100',
        note: `SendCommand (1061/1011 alternately) → the command's succeeded change on ecogrid.devices.commands.v1 (its Kafka timestamp: the gRPC call, the PostgreSQL insert and claim, the request on the wire, the station's 9011 and 9012, their stored changes and the outbox relay), ${one.latencies.length} commands to one simulated station over TCP, one at a time, after ${WARMUP_PER_DEVICE} warm-up commands, while ${DEVICES - 1} other stations stay connected and upload; ${spread(one)}; load average ${round1(loadAfterOne)} at the end. ${MACHINE_NOTE}`,
      },
      device_control_ten_stations_send_to_result_p99_ms: {
        value: round1(percentileOf(all.latencies, 0.99)),
        unit: 'ms',
        baseline: 'device_control_send_to_result_p99_ms',
        note: `the same flow to all ${DEVICES} stations at once, ${COMMANDS_PER_DEVICE} commands each (one at a time per station, the next sent as soon as the last finished: ${Math.round((DEVICES * (WARMUP_PER_DEVICE + COMMANDS_PER_DEVICE)) / (all.elapsedMs / 1000))} commands/s), same run; ${spread(all)}; load average ${loadAfterAll} at the end. Ten concurrent flows queue for the two cores: what a burst of commands costs each`,
      },
    };
  },
};

export default bench;

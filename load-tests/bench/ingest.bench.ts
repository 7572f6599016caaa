import { readFile } from 'node:fs/promises';
import { Partitioners } from 'kafkajs';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, withBenchTopic } from '../harness/bench-kafka';
import { grpcObservationSender } from '../harness/grpc-client';
import { openHj212Fleet, type Hj212Fleet } from '../harness/hj212-client';
import { httpObservationSender } from '../harness/http-client';
import { startIngestUnderLoad, type IngestUnderLoad } from '../harness/ingest-under-load';
import { runOpenModel, type OpenModelResult } from '../harness/open-model';
import { closedLoop, onFleet } from '../harness/closed-loop';
import { cpuMeter, sharedServerPids } from '../harness/process-cpu';
import { MACHINE_NOTE } from '../harness/scenarios';
import { loadSlo } from '../harness/slo';

/** Every figure is bounded: this is the whole bench's budget in seconds of load, ~4 min with start-up. */
const RAW_SECONDS = 10;
const CLOSED_LOOP_SECONDS = 15;
const HALF_RATE_SECONDS = 20;
const GATEWAY_SECONDS = 10;
const OVERLOAD_SECONDS = 60;
/** Connections of the closed loop that finds the maximum. */
const CONNECTIONS = 200;
/** Frames outstanding per connection in the closed loop: a capacity figure, more than a device would have. */
const WINDOW = 8;
/**
 * Devices of the open-model runs (half rate, overload, recovery), each on its own connection and, as an HJ 212
 * station does, waiting for the 9014 of its frame before it sends the next (`DEVICE_WINDOW`): an arrival on a
 * device still waiting is held back (the device slowed) and counted, never queued in the generator.
 */
const DEVICES = 400;
const DEVICE_WINDOW = 1;
const DEVICE_CLOSED_LOOP_SECONDS = 10;
/** How long a device waits for its 9014 before it counts the frame unanswered. */
const REPLY_TIMEOUT_MS = 10_000;
const GATEWAY_CONCURRENCY = 128;

/** ~ an ObservationRecorded of 8 measurements with its CloudEvents headers. */
const payload = Buffer.alloc(420, 'x');

/** The raw kafkajs baseline of the same run: idempotent, acks=all, one batch of 500 in flight, as ingest's publisher can at most do. */
async function rawProducerThroughput(): Promise<{ rate: number; cpuMicrosPerMessage: number }> {
  const kafka = benchKafka();
  return withBenchTopic(kafka, 6, async (topic) => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const messages = Array.from({ length: 500 }, (_, index) => ({ key: `LOADCEMS${String(index % CONNECTIONS).padStart(6, '0')}`, value: payload }));
    let sent = 0;
    const deadline = Date.now() + RAW_SECONDS * 1000;
    const started = performance.now();
    const cpu = process.cpuUsage();
    while (Date.now() < deadline) {
      await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
      sent += messages.length;
    }
    const used = process.cpuUsage(cpu);
    const seconds = (performance.now() - started) / 1000;
    await producer.disconnect();
    return { rate: sent / seconds, cpuMicrosPerMessage: (used.user + used.system) / sent };
  });
}

const ms = (us: number): number => Math.round(us) / 1000;

/** The machine's 1-minute load average: the other work on the two cores, for reading a figure that swings. */
async function loadAverage(): Promise<number> {
  return Number((await readFile('/proc/loadavg', 'utf8')).split(' ')[0]);
}

/**
 * Until the devices have no frame outstanding and ingest holds none (storing or waiting for room): frames the
 * open model gave up on may still sit in socket buffers, and the recovery run must not start on that backlog.
 */
async function waitForDrain(fleet: Hj212Fleet, ingest: IngestUnderLoad, timeoutMs: number): Promise<{ ms: number; drained: boolean }> {
  const started = Date.now();
  for (;;) {
    const idle = fleet.pending === 0 && (await ingest.metric('ingest_frames_in_flight')) === 0 && (await ingest.metric('ingest_publish_pending')) === 0;
    if (idle || Date.now() - started >= timeoutMs) return { ms: Date.now() - started, drained: idle };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const bench: BenchModule = {
  title: 'Ingest: HJ 212 TCP, HTTP and gRPC against the raw Kafka producer',
  needs: ['kafka', 'redis'],
  async run(): Promise<BenchMetrics> {
    const slo = loadSlo();
    const raw = await rawProducerThroughput();
    const ingest: IngestUnderLoad = await startIngestUnderLoad({ devices: DEVICES });
    try {
      // Warm-up, not measured: every connection's first frame, so JIT, producer id and metadata are behind us.
      const fleet = await openHj212Fleet(ingest.hj212Port, ingest.devices, { window: DEVICE_WINDOW, replyTimeoutMs: REPLY_TIMEOUT_MS });
      await Promise.all(ingest.devices.map((_, index) => fleet.send(index)));

      const cpuBefore = await ingest.cpuMicros();
      const servers = await sharedServerPids();
      const machineCpu = cpuMeter({ kafka: servers.kafka, redis: servers.redis });
      const max = await closedLoop(onFleet(fleet, CONNECTIONS), CONNECTIONS, WINDOW, CLOSED_LOOP_SECONDS);
      const cpuPerFrame = ((await ingest.cpuMicros()) - cpuBefore) / Math.max(1, max.ok);
      // What the rest of the machine spent per frame meanwhile: the device fleet (this process), Kafka and Redis.
      const othersPerFrame = Object.fromEntries(machineCpu.stop().shares.map(([name, seconds]) => [name, (seconds * 1e6) / Math.max(1, max.ok)]));
      const othersMicros = Object.values(othersPerFrame).reduce((sum, micros) => sum + micros, 0);
      const coresAt = (rate: number, micros: number): number => Math.round((rate * micros) / 1e4) / 100;
      const sustainable = Math.max(100, Math.floor(max.rate));
      // The same, driven by the devices of the open-model runs as they are: each sends its next frame once its
      // 9014 came, a frame per read and a reply per write, where the pipelined closed loop above batches both.
      const deviceMax = await closedLoop(onFleet(fleet, DEVICES), DEVICES, DEVICE_WINDOW, DEVICE_CLOSED_LOOP_SECONDS);

      const half: OpenModelResult = await runOpenModel({ rate: sustainable / 2, durationS: HALF_RATE_SECONDS, maxInFlight: 5_000, send: fleet.send, canSend: fleet.canSend });

      // Overload right after the half rate, while the machine is as it was for the maximum: three times the
      // sustainable rate for a minute, open model. The devices' windows bound what is in flight; the cap of 10 s of
      // offered frames is only a guard.
      const pausesBefore = await ingest.metric('ingest_backpressure_pauses_total');
      const connectionPausesBefore = await ingest.metricWhere('ingest_backpressure_pauses_total', 'reason="connection"');
      const refusedBefore = (await ingest.metricWhere('ingest_frames_total', 'outcome="rejected"')) + (await ingest.metricWhere('ingest_frames_total', 'outcome="failed"'));
      const heldBefore = { ...fleet.heldBack };
      const loadBefore = await loadAverage();
      const cpuBeforeOverload = await ingest.cpuMicros();
      let peakRss = await ingest.rssBytes();
      const rssSampler = setInterval(() => {
        void ingest.rssBytes().then((rss) => (peakRss = Math.max(peakRss, rss)), () => undefined);
      }, 500);
      const overload = await runOpenModel({ rate: sustainable * 3, durationS: OVERLOAD_SECONDS, maxInFlight: sustainable * 10, send: fleet.send, canSend: fleet.canSend, drainTimeoutMs: 30_000 });
      clearInterval(rssSampler);
      const loadAfter = await loadAverage();
      const overloadCpuPerFrame = ((await ingest.cpuMicros()) - cpuBeforeOverload) / Math.max(1, overload.succeeded);
      const drain = await waitForDrain(fleet, ingest, 120_000);
      const alive = await fetch(`${ingest.ingest.adminUrl}/readyz`).then((response) => response.status === 200, () => false);
      const pauses = (await ingest.metric('ingest_backpressure_pauses_total')) - pausesBefore;
      const connectionPauses = (await ingest.metricWhere('ingest_backpressure_pauses_total', 'reason="connection"')) - connectionPausesBefore;
      const refused = (await ingest.metricWhere('ingest_frames_total', 'outcome="rejected"')) + (await ingest.metricWhere('ingest_frames_total', 'outcome="failed"')) - refusedBefore;
      const held = { window: fleet.heldBack.window - heldBefore.window, tcp: fleet.heldBack.tcp - heldBefore.tcp };
      const overloadP99 = ms(overload.latency.getValueAtPercentile(99));
      // Whole seconds of arrivals only: the last one is cut short.
      const perSecond = overload.timeline.slice(0, OVERLOAD_SECONDS).map((second) => second.ok);

      const recovery: OpenModelResult = await runOpenModel({ rate: sustainable / 2, durationS: HALF_RATE_SECONDS, maxInFlight: 5_000, send: fleet.send, canSend: fleet.canSend });
      await fleet.close();

      const httpSender = httpObservationSender(ingest.httpUrl, ingest.gatewayToken, ingest.devices, { connections: GATEWAY_CONCURRENCY, stepOffset: 100_000 });
      const cpuBeforeHttp = await ingest.cpuMicros();
      const http = await closedLoop(httpSender.send, GATEWAY_CONCURRENCY, 1, GATEWAY_SECONDS);
      const httpCpu = ((await ingest.cpuMicros()) - cpuBeforeHttp) / Math.max(1, http.ok);
      httpSender.close();
      const grpcSender = grpcObservationSender(ingest.grpcAddress, ingest.gatewayToken, ingest.devices, { channels: 8, stepOffset: 200_000 });
      const cpuBeforeGrpc = await ingest.cpuMicros();
      const grpc = await closedLoop(grpcSender.send, GATEWAY_CONCURRENCY, 1, GATEWAY_SECONDS);
      const grpcCpu = ((await ingest.cpuMicros()) - cpuBeforeGrpc) / Math.max(1, grpc.ok);
      grpcSender.close();


      const halfP99 = ms(half.latency.getValueAtPercentile(99));
      const devicesNote = `${DEVICES} devices on a connection each, a device waiting for the 9014 of its frame before the next (${DEVICE_WINDOW} awaiting at most; an arrival on a waiting device is held back and counted), ${REPLY_TIMEOUT_MS / 1000} s reply timeout`;
      const recoveryP99 = ms(recovery.latency.getValueAtPercentile(99));
      const p99Target = slo.hj212_tcp?.p99_ms ?? 50;
      const where = `${MACHINE_NOTE}; ${CONNECTIONS} device connections, strict HJ 212-2017, 8 factors, Redis dedupe, acks=all before the 9014`;
      return {
        ingest_kafkajs_raw_producer_msgs_per_s: { value: Math.round(raw.rate), unit: 'msg/s', note: `kafkajs idempotent acks=all, sendBatch of 500 × 420 B, one batch in flight, ${RAW_SECONDS} s (same run)` },
        ingest_kafkajs_raw_producer_cpu_us_per_msg: { value: Math.round(raw.cpuMicrosPerMessage * 10) / 10, unit: 'µs CPU/msg', note: 'CPU (user+system) of the producing process per message: robust to other load on the machine' },
        ingest_hj212_cpu_us_per_frame: {
          value: Math.round(cpuPerFrame * 10) / 10,
          unit: 'µs CPU/frame',
          baseline: 'ingest_kafkajs_raw_producer_cpu_us_per_msg',
          note: 'ingest process CPU (user+system, /proc/<pid>/stat) per answered frame during the closed loop: decode, auth, Redis dedupe and latest values, protobuf, Kafka, 9014',
        },
        ingest_hj212_frames_per_cpu_core_s: {
          value: Math.round(1e6 / Math.max(cpuPerFrame, 1)),
          unit: 'frames/CPU-s',
          target: '>= 20000',
          note: 'what one fully available core would sustain at that cost (ingest is one event loop, so one core bounds it)',
        },
        ingest_hj212_max_frames_per_s: {
          value: Math.round(max.rate),
          unit: 'frames/s',
          baseline: 'ingest_kafkajs_raw_producer_msgs_per_s',
          target: '>= 20000 and >= 0.7 × raw',
          note: `closed loop, ${WINDOW} frames outstanding on each of ${CONNECTIONS} connections, ${CLOSED_LOOP_SECONDS} s, every frame answered by 9014 after Kafka acked (${max.failed} unanswered); ${where}`,
        },
        ingest_hj212_others_cpu_us_per_frame: {
          value: Math.round(othersMicros),
          unit: 'µs CPU/frame',
          note: `the rest of the machine per answered frame in the same closed loop: ${Object.entries(othersPerFrame).map(([name, micros]) => `${name === 'generator' ? 'device fleet' : name} ${Math.round(micros)}`).join(', ')} µs`,
        },
        ingest_hj212_cores_needed_at_20000: {
          value: coresAt(20_000, othersMicros + cpuPerFrame),
          unit: 'cores',
          note: `CPU that 20,000 frames/s would take at the costs measured here: ingest ${coresAt(20_000, cpuPerFrame)} + device fleet, Kafka and Redis ${coresAt(20_000, othersMicros)} (this machine has 2 cores for all of it)`,
        },
        ingest_hj212_device_max_frames_per_s: {
          value: Math.round(deviceMax.rate),
          unit: 'frames/s',
          baseline: 'ingest_hj212_max_frames_per_s',
          note: `closed loop, ${DEVICES} devices each sending its next frame once the 9014 of the last came, ${DEVICE_CLOSED_LOOP_SECONDS} s, p99 ${deviceMax.p99.toFixed(1)} ms, ${deviceMax.failed} unanswered: a frame per read and a reply per write, as devices send`,
        },
        ingest_hj212_closed_loop_p99_ms: { value: max.p99, unit: 'ms', note: `frame→9014 at the maximum (${WINDOW * CONNECTIONS} outstanding: queueing, not the SLO figure)` },
        ingest_hj212_half_rate_p50_ms: { value: ms(half.latency.getValueAtPercentile(50)), unit: 'ms', note: `open model at ${Math.round(sustainable / 2)} frames/s for ${HALF_RATE_SECONDS} s, from the intended send time` },
        ingest_hj212_half_rate_p99_ms: {
          value: halfP99,
          unit: 'ms',
          target: `<= ${p99Target}`,
          note: `same run; ${devicesNote}; ${half.succeeded} answered, ${half.blocked} held back, ${half.failed} failed, ${half.dropped - half.blocked} dropped; from the actual send p50 ${ms(half.fromSend.getValueAtPercentile(50))} / p99 ${ms(half.fromSend.getValueAtPercentile(99))} ms, the generator's own lateness p99 ${ms(half.sendLateness.getValueAtPercentile(99))} ms`,
        },
        ingest_http_gateway_obs_per_s: {
          value: Math.round(http.rate),
          unit: 'obs/s',
          baseline: 'ingest_kafkajs_raw_producer_msgs_per_s',
          note: `POST /v1/observations, 1 observation × 8 measurements per request, ${GATEWAY_CONCURRENCY} concurrent, ${GATEWAY_SECONDS} s, p99 ${http.p99} ms, ${http.failed} failed; ingest CPU ${Math.round(httpCpu)} µs/obs`,
        },
        ingest_grpc_obs_per_s: {
          value: Math.round(grpc.rate),
          unit: 'obs/s',
          baseline: 'ingest_kafkajs_raw_producer_msgs_per_s',
          note: `SubmitObservations, 1 observation per call, ${GATEWAY_CONCURRENCY} concurrent over 8 channels, ${GATEWAY_SECONDS} s, p99 ${grpc.p99} ms, ${grpc.failed} failed; ingest CPU ${Math.round(grpcCpu)} µs/obs`,
        },
        ingest_overload_offered_frames_per_s: { value: Math.round(overload.offered / OVERLOAD_SECONDS), unit: 'frames/s', note: `3 × the maximum for ${OVERLOAD_SECONDS} s, open model; ${devicesNote}` },
        ingest_overload_achieved_frames_per_s: {
          value: Math.round(overload.answeredRate),
          unit: 'frames/s',
          baseline: 'ingest_hj212_max_frames_per_s',
          target: '>= 0.8 × max',
          note: `goodput: frames answered by 9014 while the overload's arrivals were due, per second (${overload.succeeded} answered in all); per second of arrivals ${Math.min(...perSecond)}–${Math.max(...perSecond)} (load average ${loadBefore} before, ${loadAfter} after); ${overload.offered} offered: ${held.window + held.tcp} held back, ${refused} refused by ingest, ${overload.failed} unanswered, ${overload.dropped - overload.blocked} dropped`,
        },
        ingest_overload_goodput_ratio: {
          value: Math.round((overload.answeredRate / Math.max(1, max.rate)) * 100) / 100,
          unit: 'ratio',
          target: '>= 0.8',
          note: `answered frames/s under 3 × overload over the closed-loop maximum of the same run (${WINDOW} pipelined frames per connection)`,
        },
        ingest_overload_goodput_device_ratio: {
          value: Math.round((overload.answeredRate / Math.max(1, deviceMax.rate)) * 100) / 100,
          unit: 'ratio',
          target: '>= 0.8',
          note: 'the same over the closed-loop maximum of the same devices, each waiting for its 9014 (ingest_hj212_device_max_frames_per_s): what the overload kept of what these devices get',
        },
        ingest_overload_p99_ms: {
          value: overloadP99,
          unit: 'ms',
          baseline: 'ingest_hj212_half_rate_p99_ms',
          target: '<= 2 × half-rate p99',
          note: `frame→9014 of the answered frames, from the intended send time (a device sends at once or holds the frame back, so that is when it was sent); p50 ${ms(overload.latency.getValueAtPercentile(50))} ms, max ${ms(overload.latency.maxValue)} ms`,
        },
        ingest_overload_p99_ratio: {
          value: Math.round((overloadP99 / Math.max(0.001, halfP99)) * 100) / 100,
          unit: 'ratio',
          target: '<= 2',
          note: 'p99 of the answered frames under 3 × overload over the half-rate p99 of the same run',
        },
        ingest_overload_cpu_us_per_frame: {
          value: Math.round(overloadCpuPerFrame * 10) / 10,
          unit: 'µs CPU/frame',
          baseline: 'ingest_hj212_cpu_us_per_frame',
          note: 'ingest process CPU per answered frame during the overload: work spent on frames never answered, or on frames held in memory, would raise it; other load on the machine does not',
        },
        ingest_overload_held_back_frames: {
          value: held.window + held.tcp,
          unit: 'frames',
          baseline: 'ingest_overload_offered_frames_per_s',
          note: `arrivals a device did not send because it was slowed (counted, not sent, not queued): ${held.window} still waiting for their previous 9014, ${held.tcp} with a full TCP window (ingest had stopped reading)`,
        },
        ingest_overload_refused_frames: { value: refused, unit: 'frames', note: 'ingest_frames_total{outcome=rejected|failed} during the overload: frames ingest read and answered with no 9014' },
        ingest_overload_unanswered_frames: {
          value: overload.failed,
          unit: 'frames',
          target: '0',
          note: `frames sent and never answered (the device's ${REPLY_TIMEOUT_MS / 1000} s timeout, or still open 30 s after the last arrival); ingest ${drain.drained ? `held nothing ${drain.ms} ms after` : `still held frames ${drain.ms} ms after`}`,
        },
        ingest_overload_dropped_frames: { value: overload.dropped - overload.blocked, unit: 'frames', target: '0', note: `arrivals the generator dropped at its guard of ${sustainable * 10} outstanding` },
        ingest_overload_backpressure_pauses: { value: pauses, unit: 'pauses', note: `ingest_backpressure_pauses_total during the overload: sockets ingest stopped reading at its bound in total (${pauses - connectionPauses}) or per connection (${connectionPauses})` },
        ingest_overload_peak_rss_mb: { value: Math.round(peakRss / 2 ** 20), unit: 'MiB', target: '< 1024', note: 'ingest VmRSS from /proc/<pid>/status, sampled every 0.5 s' },
        ingest_overload_survived: { value: alive ? 1 : 0, unit: 'bool', target: '1', note: 'ingest still running and /readyz 200 after the overload' },
        ingest_recovery_half_rate_p99_ms: {
          value: recoveryP99,
          unit: 'ms',
          baseline: 'ingest_hj212_half_rate_p99_ms',
          target: `<= ${p99Target}`,
          note: `open model at ${Math.round(sustainable / 2)} frames/s for ${HALF_RATE_SECONDS} s once ingest held no frame of the overload (${Math.round(drain.ms / 1000)} s after it); ${recovery.failed} failed, ${recovery.dropped} dropped (${recovery.blocked} held back)`,
        },
      };
    } finally {
      await ingest.stop();
    }
  },
};

export default bench;

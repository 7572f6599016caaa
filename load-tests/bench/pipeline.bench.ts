import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { CaseChanged } from '@ecogrid/proto/dispatch/v1/events';
import { AlertChanged, AlertState } from '@ecogrid/proto/alerting/v1/events';
import { ObservationRecorded } from '@ecogrid/proto/ingest/v1/events';
import { encodeFlag, encodeFrame } from '@ecogrid/standards';
import { recordTopics, waitFor } from '@ecogrid/testkit';
import { startPlatform, ROOT } from '@ecogrid/e2e';
import { cpuMeter, sharedServerPids } from '../harness/process-cpu';
import type { BenchMetrics, BenchModule } from './bench-types';

const run = promisify(execFile);

/** Devices whose exceedance is timed; the rest only add background load. */
const EXCEEDING = 400;
/**
 * Frames per second one device sends at most: half ingest's default per-device limit (20/s), so the background
 * grows by adding devices, as it does in the field, and no timed frame is refused as rate-limited.
 */
const FRAMES_PER_DEVICE_S = 10;
/** Background frames per second over all devices: about half of the HJ 212 maximum measured by ingest.bench. */
/** Used when no ingest maximum was measured yet; otherwise the issue's "half the max ingest rate" is taken from it. */
const FALLBACK_BACKGROUND_RATE = 3_000;
const EXCEEDANCE_SPREAD_S = 40;
/** Seconds of background load before the first exceedance: the platform is measured running, not starting. */
const WARMUP_S = 8;
/**
 * Devices that exceed during the warm-up, untimed: the first cases of a freshly started dispatch (and the first
 * alerts of alerting) run cold code, which a platform in service has long left behind.
 */
const WARMUP_EXCEEDING = 20;

interface CellFeature {
  properties: { id: string; township_code: string };
  geometry: { coordinates: number[][][] };
}

function chinaDigits(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Synthetic CEMS devices at the centres of distinct Yanhu cells, as a registry import file. */
function devicesCsv(count: number): { csv: string; devices: Array<{ mn: string; password: string }> } {
  const cells = (JSON.parse(readFileSync(resolve(ROOT, 'services/registry/data/yanhu/cells.geojson'), 'utf8')) as { features: CellFeature[] }).features;
  const devices: Array<{ mn: string; password: string }> = [];
  const lines = ['mn,name,kind,lon,lat,enterprise_uscc,outlet_id,factors,password,protocol,tolerant,enabled,system_code'];
  for (let index = 0; index < count; index += 1) {
    const ring = cells[(index * 6) % cells.length]?.geometry.coordinates[0] ?? [];
    const lon = ((ring[0]?.[0] ?? 0) + (ring[2]?.[0] ?? 0)) / 2;
    const lat = ((ring[0]?.[1] ?? 0) + (ring[2]?.[1] ?? 0)) / 2;
    // Strict HJ 212-2017 devices carry a 24-character MN; the registry import refuses anything else.
    const mn = `PIPE${String(index).padStart(20, '0')}`;
    const password = `P${index}`;
    devices.push({ mn, password });
    lines.push(`${mn},bench CEMS ${index},flue_gas_cems,${lon.toFixed(6)},${lat.toFixed(6)},,,a21026:mg/m3:35:zs;a21002:mg/m3:50:zs;a19001:%,${password},2017,false,true,31`);
  }
  return { csv: `${lines.join('\n')}\n`, devices };
}

function frame(device: { mn: string; password: string }, at: Date, so2: number, sequence: number): Uint8Array {
  const dataTime = chinaDigits(at);
  return encodeFrame({
    qn: `${dataTime}${String(sequence % 1000).padStart(3, '0')}`,
    st: '31',
    cn: '2011',
    pw: device.password,
    mn: device.mn,
    flag: encodeFlag({ version: '2017', needsAck: true }),
    cp: { text: `DataTime=${dataTime};a21026-Rtd=${so2.toFixed(1)},a21026-ZsRtd=${(so2 * 1.1).toFixed(1)},a21026-Flag=N;a21002-Rtd=20.0,a21002-ZsRtd=22.0,a21002-Flag=N;a19001-Rtd=9.0,a19001-Flag=N` },
  });
}

const bench: BenchModule = {
  title: 'Whole path: HJ 212 frame → alert → dispatched case',
  needs: ['kafka', 'redis', 'postgres'],
  async run(earlier): Promise<BenchMetrics> {
    const ingestMax = earlier.ingest_hj212_max_frames_per_s?.value;
    // Whole hundreds: the load is sent in 10 ms ticks of equal size.
    const BACKGROUND_RATE = ingestMax ? Math.max(100, Math.round(ingestMax / 200) * 100) : FALLBACK_BACKGROUND_RATE;
    // BENCH_PROFILE_DIR makes every service write a V8 CPU profile there (one folder each) when it stops.
    const platform = await startPlatform('bench-pipeline', process.env.BENCH_PROFILE_DIR ? { profileDir: process.env.BENCH_PROFILE_DIR } : {});
    try {
      const deviceCount = Math.max(EXCEEDING + WARMUP_EXCEEDING, Math.ceil(BACKGROUND_RATE / FRAMES_PER_DEVICE_S));
      const { csv, devices } = devicesCsv(deviceCount);
      const file = join(mkdtempSync(join(tmpdir(), 'pipeline-')), 'devices.csv');
      writeFileSync(file, csv);
      await run(process.execPath, [resolve(ROOT, 'services/registry/dist/cli/import.js'), 'devices', file], {
        env: { ...process.env, TOPIC_PREFIX: platform.prefix, REGISTRY_SCHEMA: platform.schemas.registry.name, LOG_LEVEL: 'warn' },
        cwd: ROOT,
      });
      const recorder = await recordTopics(platform.kafka, [platform.topics.cases]);
      const alertRecorder = await recordTopics(platform.kafka, [platform.topics.alerts]);
      // BENCH_PIPELINE_READINGS_HOP=1 cuts the first hop once more where ingest published the exceeding reading (its
      // record timestamp), to put a tail on ingest or on alerting. Off by default: reading the readings topic costs
      // the generator's process several % of a core, on a machine the whole path already nearly fills.
      const readingAt = new Map<string, number>();
      const sentAt = new Map<string, number>();
      const readingsConsumer = platform.kafka.consumer({ groupId: `bench-readings-${Date.now()}`, maxWaitTimeInMs: 50 });
      const cutAtReadings = process.env.BENCH_PIPELINE_READINGS_HOP === '1';
      if (cutAtReadings) await readingsConsumer.connect();
      if (cutAtReadings) await readingsConsumer.subscribe({ topics: [platform.topics.readings], fromBeginning: false });
      if (cutAtReadings) await readingsConsumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) {
            const mn = message.key?.toString();
            if (mn === undefined || !sentAt.has(mn) || readingAt.has(mn) || !message.value) continue;
            const observation = ObservationRecorded.decode(message.value);
            if (observation.measurements.some((measurement) => measurement.factorCode === 'a21026' && measurement.value === 80)) readingAt.set(mn, Number(message.timestamp));
          }
        },
      });
      const answered = new Set<number>();
      const sockets: Socket[] = await Promise.all(
        devices.map(
          (_, index) =>
            new Promise<Socket>((resolveSocket, reject) => {
              const socket = connect(platform.ingest.hj212Port, '127.0.0.1', () => resolveSocket(socket));
              socket.on('error', reject);
              socket.on('data', () => answered.add(index));
            }),
        ),
      );
      // Each device's first frame is answered only once its password has been checked with scrypt (a credential is
      // remembered after that), so every device connecting at once costs seconds: that start-up is measured on its
      // own, and the clock of the whole path starts once every device has had its answer.
      const warmup = new Date(Date.now() - 40 * 60_000);
      const connectedAt = Date.now();
      sockets.forEach((socket, index) => socket.write(frame(devices[index] as { mn: string; password: string }, warmup, 10, 0)));
      await waitFor(() => answered.size === devices.length, { timeoutMs: 180_000, intervalMs: 50, description: 'every device answered its first frame' });
      const allAuthenticatedMs = Date.now() - connectedAt;
      // Every device in every view before the clock starts: a frame from a device ingest does not know yet is refused.
      await new Promise((resolveWait) => setTimeout(resolveWait, 5_000));

      // HJ 212 data times have one-second resolution and an observation is identified by device and data
      // time, so each device's frames step one second apart from half an hour ago: no frame repeats another.
      const base = Date.now() - 30 * 60_000;
      const nextSecond = new Array<number>(deviceCount).fill(0);
      const newHistogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000, numberOfSignificantValueDigits: 3 });
      const histogram = newHistogram();
      // The same path cut where alerting sent the alert (its record timestamp), so a tail can be put on its hop.
      const toAlert = newHistogram();
      const toReading = newHistogram();
      const readingToAlert = newHistogram();
      const alertToDispatched = newHistogram();
      const alertedAt = new Map<string, number>();
      const cpu = cpuMeter({
        ingest: [platform.ingest.process.pid],
        alerting: [platform.alerting.process.pid],
        dispatch: [platform.dispatch.process.pid],
        registry: [platform.registry.process.pid],
        ...(await sharedServerPids()),
      });
      const started = Date.now();
      const perTick = BACKGROUND_RATE / 100;
      const warmedUp = new Set<number>();
      let sequence = 1;
      let sent = 0;
      const timer = setInterval(() => {
        const elapsed = (Date.now() - started) / 1000;
        for (let count = 0; count < perTick; count += 1) {
          const index = (sequence + count) % deviceCount;
          const device = devices[index] as { mn: string; password: string };
          // Each device exceeds its SO2 limit once, at its own moment in the spread; otherwise it stays clean.
          const exceed = index < EXCEEDING && !sentAt.has(device.mn) && elapsed >= WARMUP_S + (index / EXCEEDING) * EXCEEDANCE_SPREAD_S;
          if (exceed) sentAt.set(device.mn, performance.timeOrigin + performance.now());
          const warmupSlot = index - (deviceCount - WARMUP_EXCEEDING);
          const warmupExceed = warmupSlot >= 0 && !warmedUp.has(index) && elapsed >= 1 + (warmupSlot / WARMUP_EXCEEDING) * (WARMUP_S - 3);
          if (warmupExceed) warmedUp.add(index);
          const second = (nextSecond[index] ?? 0) + 1;
          nextSecond[index] = second;
          sockets[index]?.write(frame(device, new Date(base + second * 1_000), exceed || warmupExceed ? 80 : 12, sequence));
          sent += 1;
        }
        sequence += perTick;
      }, 10);
      const deadline = Date.now() + (WARMUP_S + EXCEEDANCE_SPREAD_S + 30) * 1000;
      const seen = new Set<string>();
      /** Each timed exceedance: when it was sent (s after the load began) and how long until its case was dispatched. */
      const samples: Array<{ sentS: number; ms: number }> = [];
      const timeOf = (headers: Record<string, string | undefined>): number => (headers['ce_time'] ? Date.parse(headers['ce_time']) : Date.now());
      let alertsRead = 0;
      while (Date.now() < deadline && seen.size < EXCEEDING) {
        for (const message of alertRecorder.messages.slice(alertsRead)) {
          const alert = AlertChanged.decode(message.value ?? Buffer.alloc(0));
          const at = sentAt.get(alert.deviceMn);
          if (alert.state !== AlertState.ALERT_STATE_RAISED || at === undefined || alertedAt.has(alert.deviceMn)) continue;
          // An alert's ce_time is its data time; the record timestamp is when alerting sent it.
          const alertTime = message.timestamp;
          alertedAt.set(alert.deviceMn, alertTime);
          toAlert.recordValue(Math.max(1, Math.round(alertTime - at)));
          const readingTime = readingAt.get(alert.deviceMn);
          if (readingTime !== undefined) {
            toReading.recordValue(Math.max(1, Math.round(readingTime - at)));
            readingToAlert.recordValue(Math.max(1, Math.round(alertTime - readingTime)));
          }
        }
        alertsRead = alertRecorder.messages.length;
        for (const message of recorder.messages) {
          const event = CaseChanged.decode(message.value ?? Buffer.alloc(0));
          if (event.action !== 'dispatched' || seen.has(event.deviceMn)) continue;
          const at = sentAt.get(event.deviceMn);
          if (at === undefined) continue;
          seen.add(event.deviceMn);
          const dispatchedAt = timeOf(message.headers);
          histogram.recordValue(Math.max(1, Math.round(dispatchedAt - at)));
          samples.push({ sentS: (at - started) / 1000, ms: Math.round(dispatchedAt - at) });
          const alertTime = alertedAt.get(event.deviceMn);
          if (alertTime !== undefined) alertToDispatched.recordValue(Math.max(1, Math.round(dispatchedAt - alertTime)));
        }
        await new Promise((resolveWait) => setTimeout(resolveWait, 200));
      }
      clearInterval(timer);
      const used = cpu.stop();
      const cpuShares = used.shares.map(([name, seconds]) => [name, Math.round((100 * seconds) / used.seconds)] as const);
      const cpuTotal = cpuShares.reduce((sum, [, share]) => sum + share, 0);
      for (const socket of sockets) socket.destroy();
      await recorder.stop();
      await alertRecorder.stop();
      if (cutAtReadings) await readingsConsumer.disconnect();
      return {
        pipeline_frame_to_dispatched_p50_ms: { value: histogram.getValueAtPercentile(50), unit: 'ms', note: `${seen.size}/${EXCEEDING} exceedances became dispatched cases; from the frame's send to the case event's ce_time; slowest ${samples.sort((a, b) => b.ms - a.ms).slice(0, 5).map((sample) => `${sample.ms} ms (sent ${sample.sentS.toFixed(1)} s in)`).join(', ')}` },
        pipeline_frame_to_dispatched_p99_ms: { value: histogram.getValueAtPercentile(99), unit: 'ms', target: '<= 250', note: `background ${BACKGROUND_RATE} frames/s (${ingestMax ? 'half the measured HJ 212 maximum' : 'no maximum measured yet'}) from ${deviceCount} devices (${sent} sent; ${warmedUp.size} untimed exceedances in the first ${WARMUP_S} s, the timed ones after), the platform as pnpm start runs it` },
        pipeline_cases_dispatched: { value: seen.size, unit: 'cases', target: `= ${EXCEEDING}` },
        pipeline_cpu_percent: { value: cpuTotal, unit: '% of one core', note: `CPU while the load ran (200 % = both cores): ${cpuShares.map(([name, share]) => `${name} ${share}`).join(', ')}` },
        pipeline_frame_to_alert_p99_ms: { value: toAlert.getValueAtPercentile(99), unit: 'ms', note: `same run, the first hop: frame sent → the raised alert's Kafka record timestamp (p50 ${toAlert.getValueAtPercentile(50)} ms, max ${toAlert.maxValue} ms; ${toAlert.totalCount} alerts)` },
        pipeline_first_frames_answered_ms: { value: allAuthenticatedMs, unit: 'ms', note: `${devices.length} devices connecting at once, one frame each, until the last is answered: each password checked once with scrypt (N = 2^14, r = 8) before its first answer, then remembered` },
        ...(cutAtReadings
          ? {
              pipeline_frame_to_reading_p99_ms: { value: toReading.getValueAtPercentile(99), unit: 'ms', note: `same run, inside the first hop: frame sent → ingest's reading on ecogrid.readings.v1 (record timestamp; p50 ${toReading.getValueAtPercentile(50)} ms, max ${toReading.maxValue} ms; ${toReading.totalCount} readings)` },
              pipeline_reading_to_alert_p99_ms: { value: readingToAlert.getValueAtPercentile(99), unit: 'ms', note: `same run, inside the first hop: the reading's record timestamp → the raised alert's (p50 ${readingToAlert.getValueAtPercentile(50)} ms, max ${readingToAlert.maxValue} ms)` },
            }
          : {}),
        pipeline_alert_to_dispatched_p99_ms: { value: alertToDispatched.getValueAtPercentile(99), unit: 'ms', note: `same run, the second hop: alert's record timestamp → dispatched case's ce_time (p50 ${alertToDispatched.getValueAtPercentile(50)} ms, max ${alertToDispatched.maxValue} ms)` },
      };
    } finally {
      await platform.stop();
    }
  },
};

export default bench;

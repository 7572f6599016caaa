import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { createEventPublisher, ensureTopics, topicNames, TOPICS, type OutgoingEvent } from '@ecogrid/kafka';
import { AlertChanged, AlertKind, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { DeviceKind, TargetCategory, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import { DeviceChanged, TargetChanged } from '@ecogrid/proto/registry/v1/events';
import { createTestSchema } from '@ecogrid/testkit';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, deleteBenchTopics } from '../harness/bench-kafka';
import { startChildServer } from '../harness/child-server';

const RATE_PER_S = 20;
const SECONDS = 20;
const WARMUP = 20;
const TARGETS = 1_000;
const root = resolve(__dirname, '../..');
const emergencyDist = resolve(root, 'services/emergency/dist');

const percentileOf = (sorted: number[], p: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number));
const round1 = (value: number): number => Math.round(value * 10) / 10;
const point = (lon: number, lat: number): string => JSON.stringify({ type: 'Point', coordinates: [lon, lat] });
const square = (lon: number, lat: number, half: number): string =>
  JSON.stringify({ type: 'Polygon', coordinates: [[[lon - half, lat - half], [lon + half, lat - half], [lon + half, lat + half], [lon - half, lat + half], [lon - half, lat - half]]] });

/**
 * Incidents: alert → proposed incident with its impact analysis. One water station per alert (one open incident per
 * station) strung along the demo's 姚暹渠 polyline, each beside a drinking-water source, among 1,000 sensitive targets
 * and emergency resources (the Yanhu registry holds 57 targets; this is 17× that). Timed from the alert's intended
 * send time to the IncidentChanged of the proposal read back from ecogrid.emergency.v1: consume, classify, analyse
 * (downstream zone, distances, resources), one transaction with the timeline and the outbox, the relay, Kafka.
 */
const bench: BenchModule = {
  title: 'Emergency: alert → proposed incident with its impact analysis',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const kafka = benchKafka();
    const prefix = `bench.incidents.${Date.now()}.`;
    await ensureTopics(kafka, { prefix });
    const topics = topicNames(prefix);
    const schema = await createTestSchema(databaseUrl, 'bench_incidents');
    const publisher = createEventPublisher({ kafka, source: '/bench/registry' });
    await publisher.connect();

    // Stations along the river between lon 110.85 and 111.2 (the river runs near lat 35.0 there), a water source at each.
    const total = WARMUP + RATE_PER_S * SECONDS;
    const registry: OutgoingEvent[] = [];
    for (let i = 0; i < total; i += 1) {
      const lon = 110.86 + (0.33 * i) / total;
      const lat = 35.0;
      const mn = `BENCHWS${String(i).padStart(6, '0')}`;
      const device = { mn, name: `水质站${i}`, kind: DeviceKind.DEVICE_KIND_WATER_STATION, location: { lon, lat }, cellId: 'C-BENCH', townshipCode: '140802001', factors: [{ factorCode: 'w21003', unit: 'mg/L', limit: 1, limitOnConverted: false }], enabled: true };
      registry.push({ topic: topics.registryDevices, key: mn, type: TOPICS.registryDevices.payload, value: Buffer.from(DeviceChanged.encode(DeviceChanged.fromPartial({ device })).finish()) });
      const source = { id: `BWS${i}`, name: `水源地${i}`, kind: TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE, category: TargetCategory.TARGET_CATEGORY_SENSITIVE, geometryGeojson: square(lon, lat, 0.002) };
      registry.push({ topic: topics.registryTargets, key: source.id, type: TOPICS.registryTargets.payload, value: Buffer.from(TargetChanged.encode(TargetChanged.fromPartial({ target: source })).finish()) });
    }
    const kinds = [TargetKind.TARGET_KIND_SCHOOL, TargetKind.TARGET_KIND_HOSPITAL, TargetKind.TARGET_KIND_RESIDENTIAL_AREA, TargetKind.TARGET_KIND_EMERGENCY_TEAM, TargetKind.TARGET_KIND_EMERGENCY_MONITORING_VEHICLE, TargetKind.TARGET_KIND_EMERGENCY_SUPPLIES];
    for (let i = 0; i < TARGETS - total; i += 1) {
      const kind = kinds[i % kinds.length] as TargetKind;
      const category = kind >= 40 ? TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE : TargetCategory.TARGET_CATEGORY_SENSITIVE;
      const target = { id: `BT${i}`, name: `目标${i}`, kind, category, geometryGeojson: point(110.8 + ((i * 7919) % 500) / 1000, 34.9 + ((i * 104_729) % 300) / 1000) };
      registry.push({ topic: topics.registryTargets, key: target.id, type: TOPICS.registryTargets.payload, value: Buffer.from(TargetChanged.encode(TargetChanged.fromPartial({ target })).finish()) });
    }
    await publisher.publishAll(registry);

    const emergency = await startChildServer(
      ['node', resolve(emergencyDist, 'main.js')],
      {
        KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
        DATABASE_URL: databaseUrl,
        EMERGENCY_SCHEMA: schema.name,
        TOPIC_PREFIX: prefix,
        GRPC_ADDRESS: '127.0.0.1:15156',
        ADMIN_HTTP_ADDRESS: '127.0.0.1:18198',
        STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        OUTBOX_POLL_MS: '500',
      },
      'http://127.0.0.1:18198/readyz',
    );

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let measuring = false;
    const consumer = kafka.consumer({ groupId: `${prefix}bench-reader`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.emergency], fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = EmergencyEvent.decode(message.value ?? Buffer.alloc(0));
        if (event.event?.$case !== 'incidentChanged') return;
        const alertId = event.event.value.incident?.alertId ?? '';
        const sent = sentAt.get(alertId);
        if (sent === undefined) return;
        sentAt.delete(alertId);
        if (measuring) latencies.push(performance.now() - sent);
      },
    });
    while (!joined) await new Promise((done) => setTimeout(done, 20));

    const send = (index: number, intended: number): Promise<void> => {
      const alertId = `BENCH-ALERT-${index}`;
      const mn = `BENCHWS${String(index).padStart(6, '0')}`;
      sentAt.set(alertId, intended);
      const now = new Date();
      const alert = AlertChanged.fromPartial({ alertId, state: AlertState.ALERT_STATE_RAISED, severity: Severity.SEVERITY_MAJOR, kind: AlertKind.ALERT_KIND_EMISSION_LIMIT, sequence: 1, deviceMn: mn, factorCode: 'w21003', value: 2.4, limit: 1, exceedanceMultiple: 1.4, openedAt: now, changedAt: now });
      return publisher.publish({ topic: topics.alerts, key: mn, type: TOPICS.alerts.payload, id: `${alertId}:1`, value: Buffer.from(AlertChanged.encode(alert).finish()) });
    };
    await Promise.all(Array.from({ length: WARMUP }, (_, index) => send(index, performance.now())));
    const warmDeadline = Date.now() + 60_000;
    while (sentAt.size > 0 && Date.now() < warmDeadline) await new Promise((done) => setTimeout(done, 20));
    measuring = true;
    const measured = RATE_PER_S * SECONDS;
    const load = [loadavg()[0] ?? Number.NaN];
    const t0 = performance.now();
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < measured; i += 1) {
      const intended = t0 + (i * 1000) / RATE_PER_S;
      const wait = intended - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      sends.push(send(WARMUP + i, intended));
    }
    await Promise.all(sends);
    const deadline = Date.now() + 30_000;
    while (latencies.length < measured && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    load.push(loadavg()[0] ?? Number.NaN);
    const missing = measured - latencies.length;
    await consumer.disconnect();
    await emergency.stop();
    await publisher.disconnect();
    await schema.drop();
    await deleteBenchTopics(kafka, prefix);
    const sorted = [...latencies].sort((a, b) => a - b);
    const note = `${RATE_PER_S} alerts/s for ${SECONDS} s, each at its own water station among ${TARGETS} targets; intended send → IncidentChanged read back (consume, classify, downstream analysis, transaction, outbox relay, Kafka)`;
    return {
      incident_alert_to_proposal_p50_ms: { value: round1(percentileOf(sorted, 0.5)), unit: 'ms', note },
      incident_alert_to_proposal_p99_ms: { value: round1(percentileOf(sorted, 0.99)), unit: 'ms', target: '<= 200', note },
      incident_alert_to_proposal_max_ms: { value: round1(sorted.at(-1) ?? Number.NaN), unit: 'ms', note: 'worst case of the run' },
      incident_alerts_without_proposal: { value: missing, unit: 'alerts', note: 'alerts whose proposal did not arrive within 30 s; must be 0' },
      incident_bench_load_average: { value: round1(Math.max(...load)), unit: '1-min load', note: 'the machine’s 1-minute load average at the start and end of the timed part (the higher); two cores' },
    };
  },
};

export default bench;

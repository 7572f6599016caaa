import { AlertChanged, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged } from '@ecogrid/proto/dispatch/v1/events';
import { Cell, Officer, OfficerRole, Township } from '@ecogrid/proto/registry/v1/entities';
import { CellChanged, OfficerChanged } from '@ecogrid/proto/registry/v1/events';
import { createEventPublisher, ensureTopics, topicNames, TOPICS } from '@ecogrid/kafka';
import { createTestSchema } from '@ecogrid/testkit';
import { benchKafka, deleteBenchTopics } from './bench-kafka';
import { startChildServer } from './child-server';
import { cpuMeter, sharedServerPids } from './process-cpu';

export const DISPATCH_RATE_PER_S = 20;
export const DISPATCH_BURST = 300;
export const DISPATCH_SECONDS = 20;
const WARMUP = 50;
/** Seconds the process is watched with no alert coming, after the warm-up. */
const IDLE_SECONDS = 5;

export interface DispatchRun {
  /** Alert intended send → dispatched CaseChanged read back, ms, sorted. */
  latencies: number[];
  /** Alert sent → the dispatching transaction, ms, sorted. */
  toTransaction: number[];
  achievedRate: number;
  /** Alerts of the steady run with no dispatched case within 30 s. */
  missing: number;
  burstMissing: number;
  burstSeconds: number;
  /** CPU ms per alert of the steady run by process group (dispatch, postgres, kafka, redis, generator). */
  cpuPerAlert: Record<string, number>;
  rssBytes: number;
  /** The dispatch process's CPU with no alert coming, ms per second. */
  idleCpuMsPerS: number;
}

/**
 * alert → case dispatched against one dispatch build (`entry`, its dist/main.js): AlertChanged records at a steady
 * rate (each a new device, so each opens a case), timed from the intended send time of the alert to the arrival of the
 * case's `dispatched` CaseChanged on ecogrid.cases.v1 — consumer, routing, the PostgreSQL transaction, the outbox relay
 * and the Kafka round trips included — then a burst published at once. Dispatch runs as its own process on fresh
 * topics and a fresh schema; the load generator shares the two cores with it. `readyPath: 'http'` for a build from
 * before the service kit, whose probes were on its public HTTP listener.
 */
export async function runDispatchPath(entry: string, databaseUrl: string, options: { readyPath?: 'admin' | 'http' } = {}): Promise<DispatchRun> {
  const kafka = benchKafka();
  const prefix = `bench.dispatch.${Date.now()}.`;
  await ensureTopics(kafka, { prefix });
  const topics = topicNames(prefix);
  const schema = await createTestSchema(databaseUrl, 'bench_dispatch');
  const publisher = createEventPublisher({ kafka, source: '/bench/alerting' });
  await publisher.connect();

  // A one-cell grid with its officer and the unit's supervisor.
  const polygon = JSON.stringify({ type: 'Polygon', coordinates: [[[111, 35], [111.1, 35], [111.1, 35.1], [111, 35.1], [111, 35]]] });
  await publisher.publishAll([
    {
      topic: topics.registryCells,
      key: 'BENCH-C1',
      type: TOPICS.registryCells.payload,
      value: Buffer.from(CellChanged.encode({ cell: Cell.create({ id: 'BENCH-C1', townshipCode: 'BENCH-T1', geometryGeojson: polygon, validFrom: new Date('2026-01-01T00:00:00Z') }), township: Township.create({ code: 'BENCH-T1' }) }).finish()),
    },
    ...[
      Officer.create({ id: 'BENCH-O1', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: 'BENCH-T1', cellIds: ['BENCH-C1'], active: true }),
      Officer.create({ id: 'BENCH-S1', role: OfficerRole.OFFICER_ROLE_SUPERVISOR, townshipCode: 'BENCH-T1', active: true }),
    ].map((officer) => ({ topic: topics.registryOfficers, key: officer.id, type: TOPICS.registryOfficers.payload, value: Buffer.from(OfficerChanged.encode({ officer }).finish()) })),
  ]);

  const dispatch = await startChildServer(
    ['node', entry],
    {
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '',
      DATABASE_URL: databaseUrl,
      DISPATCH_SCHEMA: schema.name,
      TOPIC_PREFIX: prefix,
      HTTP_ADDRESS: '127.0.0.1:18183',
      GRPC_ADDRESS: '127.0.0.1:15153',
      ADMIN_HTTP_ADDRESS: '127.0.0.1:18194',
      // The published development secrets (token, Open311 key, history-chain key) are refused outside development and test.
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
    },
    options.readyPath === 'http' ? 'http://127.0.0.1:18183/readyz' : 'http://127.0.0.1:18194/readyz',
  );

  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  // Split of each latency: alert sent → case transaction (consumer + routing), and the rest (commit, outbox
  // relay, Kafka round trip back). Both ends read the same wall clock on this machine.
  const toTransaction: number[] = [];
  let measuring = false;
  const consumer = kafka.consumer({ groupId: `${prefix}bench-reader`, maxWaitTimeInMs: 50 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topics.cases], fromBeginning: true });
  let joined = false;
  consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = CaseChanged.decode(message.value ?? Buffer.alloc(0));
      if (event.action !== 'dispatched') return;
      const sent = sentAt.get(event.alertId);
      if (sent === undefined) return;
      sentAt.delete(event.alertId);
      if (measuring) {
        latencies.push(performance.now() - sent);
        const sentWall = Date.now() - (performance.now() - sent);
        if (event.occurredAt) toTransaction.push(event.occurredAt.getTime() - sentWall);
      }
    },
  });
  while (!joined) await new Promise((done) => setTimeout(done, 20));

  const send = (index: number, intended: number): Promise<void> => {
    const alertId = `BENCH-${index}`;
    sentAt.set(alertId, intended);
    const now = new Date();
    return publisher.publish({
      topic: topics.alerts,
      key: `BENCH-MN-${index}`,
      type: TOPICS.alerts.payload,
      id: `${alertId}:raised`,
      value: Buffer.from(
        AlertChanged.encode(
          AlertChanged.fromPartial({
            alertId,
            state: AlertState.ALERT_STATE_RAISED,
            severity: Severity.SEVERITY_MAJOR,
            deviceMn: `BENCH-MN-${index}`,
            cellId: 'BENCH-C1',
            townshipCode: 'BENCH-T1',
            factorCode: 'a21026',
            value: 400,
            limit: 200,
            openedAt: now,
            changedAt: now,
          }),
        ).finish(),
      ),
    });
  };

  // Warm-up: connections, JIT, the first case number of the day.
  await Promise.all(Array.from({ length: WARMUP }, (_, index) => send(index, performance.now())));
  while (sentAt.size > 0) await new Promise((done) => setTimeout(done, 20));

  // Idle: what the process spends with no alert coming (consumers' fetches, timers, the outbox relay's poll), so the
  // per-alert figure can be read with and without it.
  const idle = cpuMeter({ dispatch: [dispatch.child.pid ?? -1] });
  await new Promise((done) => setTimeout(done, IDLE_SECONDS * 1000));
  const idleShares = idle.stop();
  const idleCpuMsPerS = ((idleShares.shares.find(([name]) => name === 'dispatch')?.[1] ?? 0) * 1000) / idleShares.seconds;

  measuring = true;
  const cpu = cpuMeter({ dispatch: [dispatch.child.pid ?? -1], ...(await sharedServerPids()) });
  const total = DISPATCH_RATE_PER_S * DISPATCH_SECONDS;
  const t0 = performance.now();
  const sends: Array<Promise<void>> = [];
  for (let i = 0; i < total; i += 1) {
    const intended = t0 + (i * 1000) / DISPATCH_RATE_PER_S;
    const wait = intended - performance.now();
    if (wait > 0) await new Promise((done) => setTimeout(done, wait));
    sends.push(send(WARMUP + i, intended));
  }
  await Promise.all(sends);
  const deadline = Date.now() + 30_000;
  while (latencies.length < total && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
  const achievedRate = total / ((performance.now() - t0) / 1000);
  const missing = total - latencies.length;
  const cpuPerAlert = Object.fromEntries(cpu.stop().shares.map(([name, seconds]) => [name, (seconds * 1000) / Math.max(1, latencies.length)]));

  // Capacity: a burst published at once, timed until the last of its cases is dispatched.
  measuring = false;
  const burstStart = performance.now();
  await Promise.all(Array.from({ length: DISPATCH_BURST }, (_, index) => send(WARMUP + total + index, burstStart)));
  const burstDeadline = Date.now() + 120_000;
  while (sentAt.size > 0 && Date.now() < burstDeadline) await new Promise((done) => setTimeout(done, 20));
  const burstSeconds = (performance.now() - burstStart) / 1000;
  const burstMissing = sentAt.size;

  const rss = await dispatch.rssBytes();
  await consumer.disconnect();
  await dispatch.stop();
  await publisher.disconnect();
  await schema.drop();
  await deleteBenchTopics(kafka, prefix);

  return {
    latencies: [...latencies].sort((a, b) => a - b),
    toTransaction: [...toTransaction].sort((a, b) => a - b),
    achievedRate,
    missing,
    burstMissing,
    burstSeconds,
    cpuPerAlert,
    rssBytes: rss,
    idleCpuMsPerS,
  };
}

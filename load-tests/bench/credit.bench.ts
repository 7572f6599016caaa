import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { AlertChanged, AlertKind, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import { createEventPublisher, ensureTopics, topicNames, TOPICS } from '@ecogrid/kafka';
import { usccCheckCharacter } from '@ecogrid/standards';
import { createTestSchema } from '@ecogrid/testkit';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, deleteBenchTopics } from '../harness/bench-kafka';
import { startChildServer } from '../harness/child-server';

const RATE_PER_S = 20;
const SECONDS = 20;
const WARMUP = 40;
const ENTERPRISES = 10_000;
const RECORDS_PER_ENTERPRISE = 100;
const root = resolve(__dirname, '../..');
const creditDist = resolve(root, 'services/credit/dist');

const percentileOf = (sorted: number[], p: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number));
const round1 = (value: number): number => Math.round(value * 10) / 10;
const usccOf = (n: number): string => {
  const body = `91140802MA${String(n).padStart(7, '0')}`;
  return `${body}${usccCheckCharacter(body)}`;
};

/** Runs one of credit's command-line entries and returns its last stdout line as JSON. */
function runCli<T>(script: string, args: string[], env: Record<string, string>): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [resolve(creditDist, script), ...args], { env: { ...process.env, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.slice(-2_000)}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolvePromise(JSON.parse(last) as T);
      } catch {
        resolvePromise(last as unknown as T);
      }
    });
  });
}

/**
 * Credit, two figures. (1) evidence → rating published: emission-limit alerts at a steady rate, each for a new
 * enterprise (so each changes a rating), timed from the alert's intended send time to its CreditRatingChanged read
 * back from ecogrid.credit.v1 (consumer, ledger append, re-rating, outbox, relay, Kafka both ways). (2) a full
 * re-rating of 10,000 enterprises over 3 years of synthetic evidence (1,000,000 ledger records) by the service's
 * own engine (`dist/cli/rerate.js`, a separate process), beside a plain SQL aggregation of the same records.
 */
const bench: BenchModule = {
  title: 'Credit: evidence → rating, full re-rating',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');

    // ---- (1) evidence → rating published
    const kafka = benchKafka();
    const prefix = `bench.credit.${Date.now()}.`;
    await ensureTopics(kafka, { prefix });
    const topics = topicNames(prefix);
    const schema = await createTestSchema(databaseUrl, 'bench_credit');
    const publisher = createEventPublisher({ kafka, source: '/bench/alerting' });
    await publisher.connect();
    const credit = await startChildServer(
      ['node', resolve(creditDist, 'main.js')],
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '', DATABASE_URL: databaseUrl, CREDIT_SCHEMA: schema.name, TOPIC_PREFIX: prefix, GRPC_ADDRESS: '127.0.0.1:15154', ADMIN_HTTP_ADDRESS: '127.0.0.1:18195', NODE_ENV: 'test', LOG_LEVEL: 'warn', OUTBOX_POLL_MS: '500' },
      'http://127.0.0.1:18195/readyz',
    );
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    // Split: alert sent → the rating's transaction (ratedAt, the service's clock: the same wall clock here), and the rest.
    const toTransaction: number[] = [];
    let measuring = false;
    const consumer = kafka.consumer({ groupId: `${prefix}bench-reader`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topics: [topics.credit], fromBeginning: true });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => (joined = true));
    await consumer.run({
      eachMessage: async ({ message }) => {
        const rating = CreditRatingChanged.decode(message.value ?? Buffer.alloc(0));
        const sent = sentAt.get(rating.enterpriseUscc);
        if (sent === undefined) return;
        sentAt.delete(rating.enterpriseUscc);
        if (measuring) {
          latencies.push(performance.now() - sent);
          const sentWall = Date.now() - (performance.now() - sent);
          if (rating.ratedAt) toTransaction.push(rating.ratedAt.getTime() - sentWall);
        }
      },
    });
    while (!joined) await new Promise((done) => setTimeout(done, 20));
    const send = (index: number, intended: number): Promise<void> => {
      const uscc = usccOf(index);
      sentAt.set(uscc, intended);
      const now = new Date();
      return publisher.publish({
        topic: topics.alerts,
        key: `BENCH-MN-${index}`,
        type: TOPICS.alerts.payload,
        id: `BENCH-${index}:1`,
        value: Buffer.from(
          AlertChanged.encode(
            AlertChanged.fromPartial({ alertId: `BENCH-${index}`, state: AlertState.ALERT_STATE_RAISED, severity: Severity.SEVERITY_MAJOR, kind: AlertKind.ALERT_KIND_EMISSION_LIMIT, sequence: 1, deviceMn: `BENCH-MN-${index}`, enterpriseUscc: uscc, factorCode: 'a21026', value: 450, limit: 200, exceedanceMultiple: 1.25, openedAt: now, changedAt: now }),
          ).finish(),
        ),
      });
    };
    await Promise.all(Array.from({ length: WARMUP }, (_, index) => send(index, performance.now())));
    while (sentAt.size > 0) await new Promise((done) => setTimeout(done, 20));
    measuring = true;
    const total = RATE_PER_S * SECONDS;
    const t0 = performance.now();
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < total; i += 1) {
      const intended = t0 + (i * 1000) / RATE_PER_S;
      const wait = intended - performance.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      sends.push(send(WARMUP + i, intended));
    }
    await Promise.all(sends);
    const deadline = Date.now() + 30_000;
    while (latencies.length < total && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
    const missing = total - latencies.length;
    await consumer.disconnect();
    await credit.stop();
    await publisher.disconnect();
    await schema.drop();
    await deleteBenchTopics(kafka, prefix);
    const sorted = [...latencies].sort((a, b) => a - b);
    const sortedTx = [...toTransaction].sort((a, b) => a - b);

    // ---- (2) full re-rating beside a plain SQL aggregation of the same records
    const big = await createTestSchema(databaseUrl, 'bench_credit_rerate');
    const env = { DATABASE_URL: databaseUrl, CREDIT_SCHEMA: big.name, LOG_LEVEL: 'warn' };
    await runCli('cli/migrate.js', [], env);
    const db = new pg.Pool({ connectionString: databaseUrl, max: 2, options: `-c search_path=${big.name},public` });
    const loadStart = performance.now();
    // Three years back from now: 70 % exceedance episodes (multiples 0–1.9), 20 % verified complaint cases, 10 % penalties.
    await db.query(`INSERT INTO chain_heads (uscc, sequence, hash) SELECT 'E' || lpad(e::text, 8, '0'), ${RECORDS_PER_ENTERPRISE}, 'synthetic' FROM generate_series(1, ${ENTERPRISES}) e`);
    await db.query(`
      INSERT INTO ledger (uscc, sequence, kind, source_event_id, occurred_at, recorded_at, actor, facts, previous_hash, hash)
      SELECT 'E' || lpad(e::text, 8, '0'), s,
        CASE WHEN s % 10 < 7 THEN 'exceedance' WHEN s % 10 < 9 THEN 'case' ELSE 'penalty' END,
        'bench:' || e || ':' || s,
        now() - ((e * 7 + s * 11) % 1095) * interval '1 day' - (s % 24) * interval '1 hour',
        now(), 'bench',
        CASE WHEN s % 10 < 7 THEN jsonb_build_object('alertId', 'A' || e || '-' || s, 'alertSequence', 1, 'state', 'raised', 'deviceMn', 'MN' || e, 'factorCode', 'a21026', 'multiple', ((e + s) % 20) / 10.0)
             WHEN s % 10 < 9 THEN jsonb_build_object('caseId', 'C' || e || '-' || s, 'caseSequence', 1, 'status', 'verified', 'source', 'complaint')
             ELSE jsonb_build_object('decisionNumber', 'D' || e || '-' || s, 'amountYuan', ((e * s) % 30) * 10000, 'legalBasis', 'bench', 'summary', '') END,
        'synthetic', 'synthetic'
      FROM generate_series(1, ${ENTERPRISES}) e, generate_series(1, ${RECORDS_PER_ENTERPRISE}) s`);
    await db.query('ANALYZE ledger');
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const sqlStart = performance.now();
    const aggregated = await db.query(`
      SELECT uscc, count(*) AS records,
        count(*) FILTER (WHERE kind = 'exceedance' AND (facts->>'multiple')::numeric >= 1) AS severe,
        count(*) FILTER (WHERE kind = 'case') AS cases,
        coalesce(sum((facts->>'amountYuan')::numeric) FILTER (WHERE kind = 'penalty'), 0) AS fines
      FROM ledger GROUP BY uscc`);
    const sqlMs = performance.now() - sqlStart;
    const rerate = await runCli<{ enterprises: number; records: number; byLevel: Record<string, number>; elapsedMs: number }>('cli/rerate.js', ['rerate'], env);
    const wallStart = performance.now();
    const again = await runCli<{ enterprises: number; records: number; byLevel: Record<string, number>; elapsedMs: number }>('cli/rerate.js', ['rerate'], env);
    const wallMs = performance.now() - wallStart;
    await db.end();
    await big.drop();
    const levels = Object.entries(again.byLevel).map(([level, count]) => `${level} ${count}`).join(', ');

    const note = `${RATE_PER_S} alerts/s for ${SECONDS} s, each for a new enterprise; from the alert's intended send time to its CreditRatingChanged read back`;
    return {
      credit_evidence_to_rating_p50_ms: { value: round1(percentileOf(sorted, 0.5)), unit: 'ms', note },
      credit_evidence_to_rating_p99_ms: { value: round1(percentileOf(sorted, 0.99)), unit: 'ms', target: '<= 100', note },
      credit_evidence_to_rating_tx_p50_ms: { value: round1(percentileOf(sortedTx, 0.5)), unit: 'ms', note: 'part of the above: alert sent → the rating transaction (consume, append, re-rate)' },
      credit_evidence_to_rating_tx_p99_ms: { value: round1(percentileOf(sortedTx, 0.99)), unit: 'ms', note: 'the rest is commit, outbox relay and the Kafka round trip back' },
      credit_evidence_to_rating_max_ms: { value: round1(sorted.at(-1) ?? Number.NaN), unit: 'ms', note: 'worst case of the run' },
      credit_evidence_without_rating: { value: missing, unit: 'alerts', note: 'alerts whose rating did not arrive within 30 s; must be 0' },
      credit_full_rerating_s: {
        value: round1(again.elapsedMs / 1000),
        unit: 's',
        baseline: 'credit_sql_aggregation_s',
        target: '<= 30',
        note: `${again.enterprises} enterprises × ${again.records / Math.max(1, again.enterprises)} records (${again.records} over 3 years) read from PostgreSQL and rated by the engine in the rerate CLI (second run; first ${round1(rerate.elapsedMs / 1000)} s; process wall time with start-up ${round1(wallMs / 1000)} s); levels: ${levels}`,
      },
      credit_sql_aggregation_s: { value: round1(sqlMs / 1000), unit: 's', note: `plain SQL GROUP BY over the same ${aggregated.rowCount} enterprises' records (counts, severe exceedances, fines), no rules` },
      credit_synthetic_load_s: { value: round1(loadSeconds), unit: 's', note: 'generating the 1,000,000 synthetic ledger rows in PostgreSQL (not part of the re-rating)' },
    };
  },
};

export default bench;

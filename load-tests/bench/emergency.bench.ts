import { resolve } from 'node:path';
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import pg from 'pg';
import { TEST_STAFF_TOKEN_SECRET, testStaffToken } from '@ecogrid/e2e';
import { ensureTopics, topicNames } from '@ecogrid/kafka';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { ReductionListFormat, WarningLevel, WarningServiceClient } from '@ecogrid/proto/emergency/v1/warnings';
import { usccCheckCharacter } from '@ecogrid/standards';
import { createTestSchema } from '@ecogrid/testkit';
import type { BenchMetrics, BenchModule } from './bench-types';
import { benchKafka, deleteBenchTopics } from '../harness/bench-kafka';
import { startChildServer } from '../harness/child-server';

const ENTERPRISES = 1_000;
const ROUNDS = 5;
const root = resolve(__dirname, '../..');
const emergencyMain = resolve(root, 'services/emergency/dist/main.js');

const round1 = (value: number): number => Math.round(value * 10) / 10;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const usccOf = (n: number): string => {
  const body = `91140802MA${String(n).padStart(7, '0')}`;
  return `${body}${usccCheckCharacter(body)}`;
};

/** A list of 1,000 B/C/D enterprises, each with a production limit (and reduced levels) and a transport restriction. */
function reductionList(): string {
  const grades = ['B', 'C', 'D'];
  return JSON.stringify(
    Array.from({ length: ENTERPRISES }, (_, index) => ({
      uscc: usccOf(index + 1),
      name: `基准企业${index + 1}`,
      industry: '焦化',
      grade: grades[index % 3],
      measures: Object.fromEntries(
        ['yellow', 'orange', 'red'].map((level, rank) => [level, { productionLimitPercent: 20 + rank * 20, transportRestriction: true, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 80 - rank * 20 }, { outletId: 'DA001', factorCode: 'a34013', limitMgM3: 10 }] }]),
      ),
    })),
  );
}

function call<Response>(method: (request: never, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown, client: WarningServiceClient, request: unknown, metadata: Metadata): Promise<Response> {
  return new Promise((resolvePromise, reject) => method.call(client, request as never, metadata, (error, response) => (error ? reject(error) : resolvePromise(response))));
}

/**
 * Emergency, one figure from issue 17: a yellow warning → every listed enterprise's measures activated, for 1,000
 * listed enterprises (2,000 obligations, each with its ObligationChanged in the outbox, in one transaction). Timed
 * as the IssueWarning call (the activation committed) and until the last ObligationChanged is read back from
 * ecogrid.emergency.v1 (relay and Kafka included); each round lifts the warning (evaluating the episode) and
 * issues the next. Baseline: a plain INSERT … SELECT of as many rows of the same width in the same database.
 */
const bench: BenchModule = {
  title: 'Emergency: warning → measures activated for 1,000 enterprises',
  needs: ['kafka', 'postgres'],
  async run(): Promise<BenchMetrics> {
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) throw new Error('DATABASE_URL is not set: run through pnpm bench (deploy/local/with-infra.sh)');
    const kafka = benchKafka();
    const prefix = `bench.emergency.${Date.now()}.`;
    await ensureTopics(kafka, { prefix });
    const topics = topicNames(prefix);
    const schema = await createTestSchema(databaseUrl, 'bench_emergency');
    const service = await startChildServer(
      ['node', emergencyMain],
      { KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '', DATABASE_URL: databaseUrl, EMERGENCY_SCHEMA: schema.name, TOPIC_PREFIX: prefix, GRPC_ADDRESS: '127.0.0.1:15156', ADMIN_HTTP_ADDRESS: '127.0.0.1:18198', NODE_ENV: 'test', LOG_LEVEL: 'warn', STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, EMERGENCY_CLOCK_START: '2026-01-15T00:00:00Z' },
      'http://127.0.0.1:18198/readyz',
    );
    const client = new WarningServiceClient('127.0.0.1:15156', credentials.createInsecure());
    const as = async (role: 'data_steward' | 'dispatcher'): Promise<Metadata> => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await testStaffToken({ role })}`);
      return metadata;
    };
    const activated = new Map<string, { count: number; last: number }>();
    const consumer = kafka.consumer({ groupId: `${prefix}bench-reader`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.emergency, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = EmergencyEvent.decode(message.value as Buffer).event;
        if (event?.$case !== 'obligationChanged' || event.value.change !== 'activated') return;
        const warningId = event.value.obligation?.warningId ?? '';
        const seen = activated.get(warningId) ?? { count: 0, last: 0 };
        activated.set(warningId, { count: seen.count + 1, last: performance.now() });
      },
    });
    const callMs: number[] = [];
    const publishedMs: number[] = [];
    let obligations = 0;
    try {
      await call(client.importReductionList, client, { year: 2026, format: ReductionListFormat.REDUCTION_LIST_FORMAT_JSON, content: reductionList() }, await as('data_steward'));
      const dispatcher = await as('dispatcher');
      for (let round = 0; round < ROUNDS; round += 1) {
        const started = performance.now();
        const { warning } = await call<{ warning?: { warningId: string; obligationCount: number } }>(client.issueWarning, client, { level: WarningLevel.WARNING_LEVEL_YELLOW, reason: `基准测试 ${round + 1}`, drill: false }, dispatcher);
        callMs.push(performance.now() - started);
        if (!warning) throw new Error('no warning in the answer');
        obligations = warning.obligationCount;
        const deadline = Date.now() + 30_000;
        while ((activated.get(warning.warningId)?.count ?? 0) < obligations) {
          if (Date.now() > deadline) throw new Error(`only ${activated.get(warning.warningId)?.count ?? 0} of ${obligations} ObligationChanged read back in 30 s`);
          await new Promise((settle) => setTimeout(settle, 20));
        }
        publishedMs.push((activated.get(warning.warningId)?.last ?? Number.NaN) - started);
        await call(client.liftWarning, client, { warningId: warning.warningId, reason: '基准测试结束' }, dispatcher);
      }
    } finally {
      await consumer.disconnect();
      client.close();
      await service.stop();
    }
    // Baseline: the same number of rows of about the same width, inserted by one plain statement.
    const db = new pg.Pool({ connectionString: databaseUrl, max: 1, options: `-c search_path=${schema.name},public` });
    await db.query('CREATE TABLE baseline_rows (id text PRIMARY KEY, uscc text, measure text, levels jsonb, window_start timestamptz, status text)');
    const baselineStart = performance.now();
    await db.query(`INSERT INTO baseline_rows SELECT 'W/1/' || g || '/m', lpad(g::text, 18, '0'), 'production_limit', '[{"outletId":"DA001","factorCode":"a21002","limitMgM3":60}]'::jsonb, now(), 'active' FROM generate_series(1, $1) g`, [obligations]);
    const baselineMs = performance.now() - baselineStart;
    await db.end();
    await schema.drop();
    await deleteBenchTopics(kafka, prefix);

    const note = `${ENTERPRISES} listed B/C/D enterprises, ${obligations} obligations per yellow warning; median of ${ROUNDS} rounds (each lifts the last warning, evaluating it, and issues the next)`;
    return {
      emergency_warning_activation_ms: { value: round1(median(callMs)), unit: 'ms', baseline: 'emergency_baseline_insert_ms', target: '<= 2000', note: `IssueWarning answered: obligations and their events committed in one transaction; ${note}; max ${round1(Math.max(...callMs))} ms` },
      emergency_warning_activation_published_ms: { value: round1(median(publishedMs)), unit: 'ms', note: `until the last ObligationChanged is read back from ecogrid.emergency.v1 (outbox relay and Kafka included); max ${round1(Math.max(...publishedMs))} ms` },
      emergency_baseline_insert_ms: { value: round1(baselineMs), unit: 'ms', note: `one plain INSERT … SELECT of ${obligations} rows of about an obligation's width, no events` },
    };
  },
};

export default bench;

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { CaseSource } from '@ecogrid/proto/dispatch/v1/events';
import { RetriableError, TOPICS, deadLetterTopicName } from '@ecogrid/kafka';
import { createServicePool } from '@ecogrid/postgres';
import { createLogger } from '@ecogrid/telemetry';
import { createTestSchema, recordTopics, testEnvironment, waitFor, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { createDispatchApp, type DispatchApp } from '../src/app';
import type { EmergencyRequestOutcome } from '../src/app/handle-emergency-case-request';
import type { EmergencyCaseRequest } from '../src/domain/emergency-request';
import { DEADLINE_POLICY_V1 } from '../src/domain/deadline-policy.v1';
import { migrateDispatchSchema } from '../src/adapters/postgres/dispatch-schema';
import { createPgCaseStore } from '../src/adapters/postgres/pg-case-store';
import { encodeCaseChanged } from '../src/adapters/kafka/case-changed';
import { createInMemoryGridDirectory } from './contracts/in-memory-grid-directory';
import { GRID } from './contracts/grid-fixture';
import { api, createWorld, decodeCase, HISTORY_KEYS, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';
import { dispatchClient, withToken } from './support/grpc-client';

interface RequestSpec {
  requestId: string;
  kind?: 'reduction_breach' | 'plan_task';
  drill?: boolean;
  cellId?: string;
  assigneeOfficerId?: string;
  department?: string;
  deadline?: Date;
  priority?: string;
  title?: string;
  /** The CloudEvents id; a redelivery reuses it. */
  eventId?: string;
}

const KINDS = { reduction_breach: EmergencyCaseKind.EMERGENCY_CASE_KIND_REDUCTION_BREACH, plan_task: EmergencyCaseKind.EMERGENCY_CASE_KIND_PLAN_TASK };

/** An `ecogrid.emergency.v1` EmergencyCaseRequested as the emergency service publishes it (keyed by its warning or incident). */
function requestEvent(world: DispatchWorld, spec: RequestSpec) {
  return {
    topic: world.topics.emergency,
    key: 'INC-1',
    type: TOPICS.emergency.payload,
    id: spec.eventId ?? `${spec.requestId}:requested`,
    value: Buffer.from(
      EmergencyEvent.encode(
        EmergencyEvent.fromPartial({
          drill: spec.drill ?? false,
          occurredAt: new Date(),
          event: {
            $case: 'caseRequested',
            value: {
              requestId: spec.requestId,
              kind: KINDS[spec.kind ?? 'plan_task'],
              sourceId: 'INC-1',
              title: spec.title ?? '饮用水源地取水口加密监测',
              description: '每 2 小时采样一次，直至解除',
              cellId: spec.cellId ?? 'C-01',
              assigneeOfficerId: spec.assigneeOfficerId ?? '',
              department: spec.department ?? '',
              priority: spec.priority ?? '',
              ...(spec.deadline ? { deadline: spec.deadline } : {}),
            },
          },
        }),
      ).finish(),
    ),
  };
}

/**
 * The emergency service's case requests, through the running service: one case per request id whatever the
 * redeliveries, drills kept out of the KPIs, bad requests dead-lettered with their reason.
 */
describe('dispatch: cases the emergency service asks for', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let deadLetters: TopicRecorder;
  let cases: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('dispatch-emergency');
    deadLetters = await recordTopics(world.kafka, [deadLetterTopicName(world.topics.emergency)]);
    cases = await recordTopics(world.kafka, [world.topics.cases]);
    service = await startDispatch(world);
  });

  afterAll(async () => {
    await deadLetters?.stop();
    await cases?.stop();
    await service?.process.stop();
    await world?.close();
  });

  const casesOf = async (requestId: string): Promise<string[]> =>
    (await world.db.query<{ id: string }>('SELECT id FROM cases WHERE emergency_request_id = $1', [requestId])).rows.map((row) => row.id);
  const caseOf = (requestId: string): Promise<string> => waitFor(async () => (await casesOf(requestId))[0], { description: `the case of request ${requestId}` });

  it('opens one case per request id: a redelivery and a re-publication open nothing more, a second request its own case', async () => {
    await world.publisher.publish(requestEvent(world, { requestId: 'REQ-A', kind: 'reduction_breach', priority: 'normal' }));
    await world.publisher.publish(requestEvent(world, { requestId: 'REQ-A', kind: 'reduction_breach', priority: 'normal' }));
    await world.publisher.publish(requestEvent(world, { requestId: 'REQ-A', kind: 'reduction_breach', priority: 'normal', eventId: 'REQ-A:republished' }));
    // Same key, same partition: once REQ-B has its case, every REQ-A record before it has been handled.
    await world.publisher.publish(requestEvent(world, { requestId: 'REQ-B', kind: 'plan_task', assigneeOfficerId: 'O-001', department: '区生态环境局执法大队' }));
    const caseB = await caseOf('REQ-B');
    const [a, b] = [await casesOf('REQ-A'), await casesOf('REQ-B')];
    process.stdout.write(`REQ-A published 3 times (one redelivery, one re-publication) → ${a.length} case; REQ-B → ${b.length} case\n`);
    expect(a).toHaveLength(1);
    expect(b).toEqual([caseB]);
    expect(a[0]).not.toBe(caseB);

    const dispatcher = await token('dispatcher');
    const breach = await api<{ case: Record<string, unknown> }>(service.baseUrl, 'GET', `/v1/cases/${a[0]}`, { token: dispatcher });
    // A reduction breach never ranks below high (the policy), whatever was asked, and goes to the cell's officer on duty.
    expect(breach.body.case).toMatchObject({ source: 'emergency', case_type: 'emergency_reduction_breach', priority: 'high', cell_id: 'C-01', status: 'dispatched', drill: false, emergency_request_id: 'REQ-A' });
    expect(String(breach.body.case.assignment_reason)).toContain('in cell C-01');
    const task = await api<{ case: Record<string, unknown>; history: Array<{ action: string; details: Record<string, unknown> }> }>(service.baseUrl, 'GET', `/v1/cases/${caseB}`, { token: dispatcher });
    expect(task.body.case).toMatchObject({ case_type: 'emergency_plan_task', assignee_officer_id: 'O-001', department: '区生态环境局执法大队', emergency_request_id: 'REQ-B' });
    expect(task.body.history[0]).toMatchObject({ action: 'registered', details: { department: '区生态环境局执法大队', emergencyRequestId: 'REQ-B', emergencyKind: 'plan_task', emergencySourceId: 'INC-1' } });
    const published = await cases.waitForCount(2, (message) => message.key === caseB);
    expect(decodeCase(published[0]?.value ?? null)).toMatchObject({ source: CaseSource.CASE_SOURCE_EMERGENCY, department: '区生态环境局执法大队', emergencyRequestId: 'REQ-B', drill: false });
  });

  it('lets the request deadline win when it comes before the policy', async () => {
    const deadline = new Date(Date.now() + 10 * 60_000);
    await world.publisher.publish(requestEvent(world, { requestId: 'REQ-DUE', deadline }));
    const id = await caseOf('REQ-DUE');
    const { body } = await api<{ case: Record<string, unknown> }>(service.baseUrl, 'GET', `/v1/cases/${id}`, { token: await token('dispatcher') });
    // A plan task at high has 30 min to be accepted; the plan gave 10.
    expect(body.case).toMatchObject({ step: 'accept', step_deadline: deadline.toISOString(), due_by: deadline.toISOString() });
  });

  it('keeps a drill case out of the KPIs while a real case moves them, and marks it everywhere', async () => {
    const analyst = await token('analyst');
    const kpis = async () => {
      const { status, body } = await api<{ closed: number; closed_on_time: number; backlog: number; townships: unknown[]; officers: unknown[] }>(service.baseUrl, 'GET', '/v1/kpis', { token: analyst });
      expect(status).toBe(200);
      return { closed: body.closed, closedOnTime: body.closed_on_time, backlog: body.backlog, townships: body.townships, officers: body.officers };
    };
    const runLoop = async (caseId: string) => {
      const officer = await token('officer', 'O-001');
      const supervisor = await token('supervisor', 'S-001');
      const dispatcher = await token('dispatcher');
      let version = (await api<{ case: { version: number } }>(service.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: dispatcher })).body.case.version;
      for (const [who, action] of [[officer, 'accept'], [officer, 'arrive'], [officer, 'resolve'], [supervisor, 'verify'], [dispatcher, 'close']] as const) {
        const result = await api<{ case: { version: number; status: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/actions`, { token: who, body: { action, expected_version: version, note: action } });
        expect(result.status, `${action} on ${caseId}`).toBe(200);
        version = result.body.case.version;
      }
    };

    const before = await kpis();
    await world.publisher.publish(requestEvent(world, { requestId: 'DRILL-1', drill: true, assigneeOfficerId: 'O-001', title: '水源地突发事件演练：加密监测' }));
    const drillCase = await caseOf('DRILL-1');
    const drillOpen = await kpis();
    await runLoop(drillCase);
    const drillClosed = await kpis();

    await world.publisher.publish(requestEvent(world, { requestId: 'REAL-1', assigneeOfficerId: 'O-001' }));
    const realCase = await caseOf('REAL-1');
    const realOpen = await kpis();
    await runLoop(realCase);
    const realClosed = await kpis();
    process.stdout.write(
      `KPIs (closed/backlog): before ${before.closed}/${before.backlog}, drill open ${drillOpen.closed}/${drillOpen.backlog}, drill closed ${drillClosed.closed}/${drillClosed.backlog}, ` +
        `real open ${realOpen.closed}/${realOpen.backlog}, real closed ${realClosed.closed}/${realClosed.backlog}\n`,
    );
    expect(drillOpen).toEqual(before);
    expect(drillClosed).toEqual(before);
    expect(realOpen).toMatchObject({ closed: before.closed, backlog: before.backlog + 1 });
    expect(realClosed).toMatchObject({ closed: before.closed + 1, closedOnTime: before.closedOnTime + 1, backlog: before.backlog });

    const dispatcher = await token('dispatcher');
    const rest = await api<{ case: Record<string, unknown> }>(service.baseUrl, 'GET', `/v1/cases/${drillCase}`, { token: dispatcher });
    expect(rest.body.case).toMatchObject({ drill: true, status: 'closed', title: '【演练】水源地突发事件演练：加密监测' });
    const listed = await api<{ cases: Array<{ id: string; drill: boolean }> }>(service.baseUrl, 'GET', '/v1/cases?source=emergency&page_size=50', { token: dispatcher });
    expect(listed.body.cases.find((item) => item.id === drillCase)?.drill).toBe(true);
    expect(listed.body.cases.find((item) => item.id === realCase)?.drill).toBe(false);
    const grpc = dispatchClient(service.grpcAddress);
    try {
      const got = await withToken(grpc, grpc.getCase, { caseId: drillCase }, dispatcher);
      expect(got.case).toMatchObject({ drill: true, source: CaseSource.CASE_SOURCE_EMERGENCY, emergencyRequestId: 'DRILL-1' });
      const list = await withToken(grpc, grpc.listCases, { pageSize: 50, pageToken: '', statuses: [], townshipCode: '', cellId: '', officerId: '', overdueOnly: false, query: '', priority: 0, source: CaseSource.CASE_SOURCE_EMERGENCY }, dispatcher);
      expect(list.cases.find((item) => item.id === drillCase)?.drill).toBe(true);
      expect(list.cases.find((item) => item.id === realCase)?.drill).toBe(false);
    } finally {
      grpc.close();
    }
    const drillEvents = await cases.waitForCount(7, (message) => message.key === drillCase);
    expect(drillEvents.map((message) => decodeCase(message.value).drill)).toEqual(drillEvents.map(() => true));
  });

  it('dead-letters a request that cannot become a case with its reason, counts it, and passes over the other parts of the wrapper', async () => {
    await world.publisher.publishAll([
      requestEvent(world, { requestId: '' }),
      requestEvent(world, { requestId: 'BAD-CELL', cellId: 'C-99' }),
      requestEvent(world, { requestId: 'BAD-OFFICER', assigneeOfficerId: 'O-404' }),
      requestEvent(world, { requestId: 'BAD-PRIORITY', priority: 'asap' }),
      { topic: world.topics.emergency, key: 'W-9', type: TOPICS.emergency.payload, id: 'warning-part-1', value: Buffer.from(EmergencyEvent.encode(EmergencyEvent.fromPartial({ drill: false })).finish()) },
      requestEvent(world, { requestId: 'AFTER-BAD' }),
    ]);
    await caseOf('AFTER-BAD');
    const letters = await deadLetters.waitForCount(4);
    const reasons = Object.fromEntries(letters.map((letter) => [letter.headers['x-error-code'], letter.headers['x-orig-topic']]));
    process.stdout.write(`dead letters: ${letters.map((letter) => letter.headers['x-error-code']).join(', ')}\n`);
    expect(Object.keys(reasons).sort()).toEqual(['bad_priority', 'missing_request_id', 'unknown_cell', 'unknown_officer']);
    expect(new Set(Object.values(reasons))).toEqual(new Set([world.topics.emergency]));
    expect(await casesOf('BAD-CELL')).toEqual([]);
    expect(await casesOf('BAD-OFFICER')).toEqual([]);
    const metrics = await (await fetch(`${service.adminUrl}/metrics`)).text();
    for (const reason of ['missing_request_id', 'unknown_cell', 'unknown_officer', 'bad_priority']) {
      expect(metrics).toMatch(new RegExp(`dispatch_emergency_requests_total\\{[^}]*outcome="rejected"[^}]*reason="${reason}"[^}]*\\} 1`));
    }
    expect(metrics).toMatch(/dispatch_emergency_requests_total\{[^}]*outcome="ignored"[^}]*\} 1/);
  });
});

/**
 * Two dispatch instances racing for one request (a rebalance hands a partition over while the old owner is still
 * handling it): the unique request id in PostgreSQL lets one of them open the case; the other, retrying as the
 * consumer does, finds it. The use case runs in this process against the real database with a pinned clock.
 */
describe('dispatch: one case per emergency request under concurrency (PostgreSQL)', () => {
  let schema: TestSchema;
  let pool: pg.Pool;
  let app: DispatchApp;
  const NOW = new Date('2026-12-01T02:00:00Z');
  const logger = createLogger({ service: 'dispatch-test', level: 'warn' });

  beforeAll(async () => {
    const environment = await testEnvironment();
    schema = await createTestSchema(environment.databaseUrl, 'dispatch_emergency_race');
    pool = createServicePool({ databaseUrl: environment.databaseUrl, schema: schema.name, applicationName: 'dispatch-emergency-race', max: 12, logger });
    await migrateDispatchSchema({ pool, schema: schema.name, logger });
    const store = createPgCaseStore({ pool, casesTopic: 'ecogrid.cases.v1', chainKey: HISTORY_KEYS.current, encodeChange: encodeCaseChanged, notifyRelays: () => false });
    app = createDispatchApp(
      { store, grid: createInMemoryGridDirectory(GRID), clock: { now: () => NOW }, policy: DEADLINE_POLICY_V1, timeScale: 1, caseIdPrefix: 'YH', sensitiveRadiusM: 1_000, historyKeys: HISTORY_KEYS },
      { evidenceMaxBytes: 1_024 },
    );
  });

  afterAll(async () => {
    await pool?.end();
    await schema?.drop();
  });

  const request = (requestId: string, over: Partial<EmergencyCaseRequest> = {}): EmergencyCaseRequest => ({
    eventId: `${requestId}:1`,
    requestId,
    kind: 'reduction_breach',
    drill: false,
    sourceId: 'W-1',
    title: '减排措施未落实',
    description: '',
    cellId: 'C-02',
    ...over,
  });

  /** As the consumer does: a retriable failure (the lost race) is tried again. */
  const handleWithRetry = async (input: EmergencyCaseRequest): Promise<EmergencyRequestOutcome> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await app.handleEmergencyCaseRequest(input);
      } catch (error) {
        if (!(error instanceof RetriableError) || attempt === 5) throw error;
      }
    }
  };

  // Each handler holds a connection for its transaction and takes a second one for the case number: the pool (12) is
  // larger than twice the racers, as dispatch's pool is larger than its consumers' concurrency.
  it('opens exactly one case when six handlers race for the same request', async () => {
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => handleWithRetry(request('RACE-1'))));
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM cases WHERE emergency_request_id = 'RACE-1'");
    process.stdout.write(`6 racing handlers of RACE-1: ${outcomes.filter((outcome) => outcome === 'opened').length} opened, ${outcomes.filter((outcome) => outcome === 'duplicate').length} duplicate; ${rows[0]?.n} case\n`);
    expect(outcomes.filter((outcome) => outcome === 'opened')).toHaveLength(1);
    expect(rows[0]?.n).toBe(1);
  });

  it('times the case by the policy, or by the request deadline when it is earlier', async () => {
    await handleWithRetry(request('DUE-LATE', { kind: 'plan_task', deadline: new Date(NOW.getTime() + 600 * 60_000), assigneeOfficerId: 'O-001' }));
    await handleWithRetry(request('DUE-EARLY', { kind: 'plan_task', deadline: new Date(NOW.getTime() + 10 * 60_000), assigneeOfficerId: 'O-001' }));
    const { rows } = await pool.query<{ emergency_request_id: string; step_deadline: Date; priority: string }>(
      "SELECT emergency_request_id, step_deadline, priority FROM cases WHERE emergency_request_id IN ('DUE-LATE', 'DUE-EARLY') ORDER BY emergency_request_id",
    );
    expect(rows).toEqual([
      { emergency_request_id: 'DUE-EARLY', step_deadline: new Date(NOW.getTime() + 10 * 60_000), priority: 'high' },
      { emergency_request_id: 'DUE-LATE', step_deadline: new Date(NOW.getTime() + 30 * 60_000), priority: 'high' },
    ]);
  });
});

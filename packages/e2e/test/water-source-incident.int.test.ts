/**
 * The issue's incident test across the platform, every service the built one in its own process: a real HJ 212
 * frame from the demo's 东孙坞 water-source station above its ammonia limit → ingest → alerting (water-quality-limit)
 * → the emergency service proposes an incident → a dispatcher declares it → affected targets and nearest resources
 * in distance order → the 东孙坞 plan (the demo's, stored at start) activated, its tasks requested on
 * ecogrid.emergency.v1 and opened by dispatch as cases for the cell's officer, which the timeline follows → the water
 * bureau (a sharing partner) pulls the declared incident → a frame under the limits → closed; the timeline verifies,
 * and a row altered in PostgreSQL is named.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata } from '@grpc/grpc-js';
import { Client } from 'pg';
import type { Hj212Frame } from '@ecogrid/standards';
import { CaseChanged, CaseSource } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import * as incidents from '@ecogrid/proto/emergency/v1/incidents';
import { IncidentServiceClient, IncidentStatus, type IncidentServiceServer } from '@ecogrid/proto/emergency/v1/incidents';
import { createTestSchema, freePort, recordTopics, startServiceProcess, testEnvironment, uniqueRedisPrefix, waitFor, type ServiceProcess, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import type { handleUnaryCall, ServiceError } from '@grpc/grpc-js';
import { ammoniaFrame, ROOT, sendHj212Frames, startPlatform, TEST_STAFF_TOKEN_SECRET, testStaffToken, type Platform } from '../src/index';

/** services/registry/data/yanhu/emergency-demo.ts: limits NH3-N 1.0, COD 20 mg/L (GB 3838 class III). */
const STATION = { mn: '140802SZ0200000000000D01', password: 'D5W01A' };

async function sendFrame(port: number, at: Date, ammonia: number): Promise<Hj212Frame> {
  const [reply] = await sendHj212Frames(port, [ammoniaFrame(STATION, at, ammonia)]);
  return reply as Hj212Frame;
}

type Method = keyof IncidentServiceServer;
type RequestOf<K extends Method> = IncidentServiceServer[K] extends handleUnaryCall<infer R, unknown> ? R : never;
type ResponseOf<K extends Method> = IncidentServiceServer[K] extends handleUnaryCall<never, infer S> ? S : never;

async function call<K extends Method>(client: IncidentServiceClient, method: K, request: Partial<RequestOf<K>>, role: 'dispatcher' | 'admin' = 'dispatcher'): Promise<ResponseOf<K>> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await testStaffToken({ role, sub: `${role}-e2e` })}`);
  const type = (incidents as unknown as Record<string, { fromPartial(value: unknown): RequestOf<K> }>)[`${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`];
  if (!type) throw new Error(`no request type for ${method}`);
  const unary = (client as unknown as Record<Method, (request: RequestOf<K>, metadata: Metadata, callback: (error: ServiceError | null, response: ResponseOf<K>) => void) => unknown>)[method];
  return new Promise((done, fail) => unary.call(client, type.fromPartial(request), metadata, (error, response) => (error ? fail(error) : done(response))));
}

describe('end to end: a water-source exceedance becomes an incident, handled by its plan, shared with the water bureau and closed', () => {
  let platform: Platform;
  let emergency: ServiceProcess;
  let sharing: ServiceProcess;
  let sharingUrl = '';
  let schemas: TestSchema[] = [];
  let client: IncidentServiceClient;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    platform = await startPlatform('e2e_incident');
    const environment = await testEnvironment();
    const emergencySchema = await createTestSchema(environment.databaseUrl, 'e2e_incident_emergency');
    const sharingSchema = await createTestSchema(environment.databaseUrl, 'e2e_incident_sharing');
    schemas = [emergencySchema, sharingSchema];
    const common = { KAFKA_BROKERS: environment.kafkaBrokers, DATABASE_URL: environment.databaseUrl, TOPIC_PREFIX: platform.prefix, LOG_LEVEL: 'warn', NODE_ENV: 'test', STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, OUTBOX_POLL_MS: '200' };
    recorder = await recordTopics(platform.kafka, [platform.topics.emergency, platform.topics.cases]);

    const [emergencyAdmin, emergencyGrpc] = [await freePort(), await freePort()];
    emergency = await startServiceProcess({
      entry: resolve(ROOT, 'services/emergency/dist/main.js'),
      env: {
        ...common,
        EMERGENCY_SCHEMA: emergencySchema.name,
        GRPC_ADDRESS: `127.0.0.1:${emergencyGrpc}`,
        ADMIN_HTTP_ADDRESS: `127.0.0.1:${emergencyAdmin}`,
        INPUTS_FROM_BEGINNING: 'true',
        INCIDENT_SEED_PLANS_DIR: resolve(ROOT, 'services/emergency/data/plans'),
        INCIDENT_RECOVERY_HOLD_MINUTES: '0',
        INCIDENT_READINGS_REFRESH_MS: '200',
      },
      readyUrl: `http://127.0.0.1:${emergencyAdmin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    client = new IncidentServiceClient(`127.0.0.1:${emergencyGrpc}`, credentials.createInsecure());

    const [sharingHttp, sharingAdmin] = [await freePort(), await freePort()];
    sharing = await startServiceProcess({
      entry: resolve(ROOT, 'services/sharing/dist/main.js'),
      env: { ...common, REDIS_URL: environment.redisUrl, REDIS_PREFIX: uniqueRedisPrefix('e2e_incident'), SHARING_SCHEMA: sharingSchema.name, HTTP_ADDRESS: `127.0.0.1:${sharingHttp}`, ADMIN_HTTP_ADDRESS: `127.0.0.1:${sharingAdmin}` },
      readyUrl: `http://127.0.0.1:${sharingAdmin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    sharingUrl = `http://127.0.0.1:${sharingHttp}`;
  }, 480_000);

  afterAll(async () => {
    client?.close();
    await recorder?.stop();
    await sharing?.stop();
    await emergency?.stop();
    await platform?.stop();
    for (const schema of schemas) await schema.drop().catch(() => undefined);
  });

  it('runs from the frame to the closed incident, with the water bureau told and the timeline verified', async () => {
    // The water bureau, registered with a grant on the incidents feed (有条件共享: approved by the data steward).
    const admin = await testStaffToken({ role: 'admin' });
    const steward = await testStaffToken({ role: 'data_steward' });
    const post = async (path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> => {
      const response = await fetch(`${sharingUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: response.status, json: (await response.json()) as Record<string, unknown> };
    };
    const partner = await post('/v1/admin/partners', admin, { id: 'yh-water', name: '盐湖区水务局' });
    expect(partner.status).toBe(201);
    const grant = await post('/v1/admin/grants', admin, {
      partner_id: 'yh-water',
      dataset: 'emergency-incidents',
      fields: ['incident_id', 'drill', 'status', 'kind', 'level', 'title', 'step', 'affected_targets', 'occurred_at'],
      scope: {},
      purpose: '突发环境事件通报与联动处置',
      expires_at: '2099-01-01T00:00:00Z',
    });
    expect(grant.status).toBe(201);
    if (grant.json.status === 'pending_approval') expect((await post(`/v1/admin/grants/${String(grant.json.id)}/approve`, steward)).status).toBe(200);

    const reply = await sendFrame(platform.ingest.hj212Port, new Date(Date.now() - 60_000), 3.2);
    expect(reply.cn).toBe('9014');
    const proposed = await waitFor(async () => (await call(client, 'listIncidents', { statuses: [IncidentStatus.INCIDENT_STATUS_PROPOSED] })).incidents[0], {
      timeoutMs: 60_000,
      description: 'an incident proposed from the alert',
    });
    expect(proposed).toMatchObject({ kind: incidents.IncidentKind.INCIDENT_KIND_WATER_SOURCE, stationMns: [STATION.mn] });

    const { incident: declared } = await call(client, 'declareIncident', { incidentId: proposed.id, level: incidents.IncidentLevel.INCIDENT_LEVEL_III });
    const affected = declared?.analysis?.affectedTargets ?? [];
    expect(affected[0]?.targetId).toBe('DWS01-1');
    expect(affected.map((target) => target.distanceM)).toEqual([...affected.map((target) => target.distanceM)].sort((a, b) => a - b));
    const resources = declared?.analysis?.nearestResources ?? [];
    expect(resources.map((resource) => resource.targetId).sort()).toEqual(['EMR01', 'EMR02', 'EMR03', 'EMR04', 'EMR05']);
    expect(resources.map((resource) => resource.travelM)).toEqual([...resources.map((resource) => resource.travelM)].sort((a, b) => a - b));
    expect(declared?.analysis).toMatchObject({ planId: 'YH-DWS01-WATER', zone: { riverName: '姚暹渠' } });
    console.log(`incident ${proposed.id}: ${affected.length} targets affected (${affected.map((target) => `${target.name} ${Math.round(target.distanceM)} m`).join(', ')}); resources ${resources.map((resource) => `${resource.name} ${Math.round(resource.travelM)} m`).join(', ')}`);

    const { requestIds } = await call(client, 'activatePlan', { incidentId: proposed.id });
    expect(requestIds).toHaveLength(5);
    const emergencyEvents = (): EmergencyEvent[] => recorder.messages.filter((message) => message.topic === platform.topics.emergency).map((message) => EmergencyEvent.decode(message.value as Buffer));
    await waitFor(() => emergencyEvents().filter((event) => event.event?.$case === 'caseRequested' && event.event.value.sourceId === proposed.id).length === 5 || undefined, {
      timeoutMs: 30_000,
      description: 'the five task case requests on ecogrid.emergency.v1',
    });
    // Dispatch opens one case per task, for the station cell's officer, and the timeline follows each.
    const opened = await waitFor(
      () => {
        const cases = new Map<string, CaseChanged>();
        for (const message of recorder.messages.filter((candidate) => candidate.topic === platform.topics.cases)) {
          const change = CaseChanged.decode(message.value as Buffer);
          // The change that gave the case its officer (registration comes first, assignment with the dispatch).
          if (requestIds.includes(change.emergencyRequestId) && change.assigneeOfficerId !== '') cases.set(change.emergencyRequestId, change);
        }
        return cases.size === 5 ? [...cases.values()] : undefined;
      },
      { timeoutMs: 60_000, description: 'five cases opened by dispatch for the plan tasks, each with its officer' },
    );
    expect(opened.map((change) => [change.source, change.drill])).toEqual(Array.from({ length: 5 }, () => [CaseSource.CASE_SOURCE_EMERGENCY, false]));
    expect(opened.map((change) => change.department).sort()).toEqual(['区政府办公室', '区水务局', '区环境监测站', '区生态环境局执法大队', '盐湖区生态环境应急队'].sort());
    await waitFor(async () => (await call(client, 'getTimeline', { incidentId: proposed.id })).entries.filter((entry) => entry.step === 'task_case_opened').length === 5 || undefined, {
      timeoutMs: 60_000,
      description: 'the five task cases opened on the timeline',
    });

    // The water bureau pulls the declared incident from its feed.
    const apiKey = String(partner.json.api_key);
    const shared = await waitFor(
      async () => {
        const response = await fetch(`${sharingUrl}/v1/datasets/emergency-incidents/records?limit=10`, { headers: { 'x-api-key': apiKey } });
        const text = await response.text();
        const page = JSON.parse(text) as { items?: Array<{ fields: Record<string, unknown> }> };
        const found = page.items?.find((item) => item.fields.incident_id === proposed.id)?.fields;
        // Said when the wait runs out: what the feed answered last.
        if (!found) throw new Error(`feed answered ${response.status}: ${text.slice(0, 300)}`);
        return found;
      },
      { timeoutMs: 60_000, description: 'the incident in the water bureau’s feed' },
    );
    expect(shared).toMatchObject({ incident_id: proposed.id, drill: false, kind: 'water_source', level: 'III' });
    expect(shared.affected_targets).toContain('大渠街道东孙坞饮用水源地一级保护区');

    await expect(call(client, 'closeIncident', { incidentId: proposed.id })).rejects.toMatchObject({ code: 9 });
    await sendFrame(platform.ingest.hj212Port, new Date(Date.now() - 30_000), 0.4);
    await waitFor(async () => (await call(client, 'getIncident', { incidentId: proposed.id })).incident?.recoveredSince, { timeoutMs: 60_000, description: 'the readings recovered' });
    const { incident: closed } = await call(client, 'closeIncident', { incidentId: proposed.id, note: '氨氮恢复达标' });
    expect(closed?.status).toBe(IncidentStatus.INCIDENT_STATUS_CLOSED);

    const steps = (await call(client, 'getTimeline', { incidentId: proposed.id })).entries.map((entry) => entry.step);
    expect(steps.slice(0, 6)).toEqual(['proposed', 'analysis', 'declared', 'analysis', 'partner_notified', 'plan_activated']);
    expect(steps.filter((step) => step === 'task_case_opened')).toHaveLength(5);
    expect(steps.slice(-2)).toEqual(['readings_recovered', 'closed']);
    expect(await call(client, 'verifyTimeline', { incidentId: proposed.id })).toMatchObject({ intact: true, brokenSequence: 0 });
    const db = new Client({ connectionString: schemas[0]?.url });
    await db.connect();
    await db.query(`UPDATE incident_timeline SET details = '{"tampered": true}' WHERE incident_id = $1 AND sequence = 3`, [proposed.id]);
    await db.end();
    expect(await call(client, 'verifyTimeline', { incidentId: proposed.id })).toMatchObject({ intact: false, brokenSequence: 3, reason: 'hash_mismatch' });
  }, 300_000);
});

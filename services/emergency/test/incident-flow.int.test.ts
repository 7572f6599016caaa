/**
 * The issue's end-to-end test of an incident, against the running service on real Kafka and PostgreSQL: an exceedance
 * at a drinking-water-source station → a proposed incident → declared → affected targets and nearest resources in
 * distance order → plan activated, its tasks requested as cases (dispatch's answers played on ecogrid.cases.v1) and
 * the partners' feed reached → closed only after the readings recover; the timeline verifies, and an altered row is
 * named. Then a drill runs the same way, kept apart, with its report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRegistryEntities } from '@ecogrid/e2e';
import { CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { IncidentKind, IncidentLevel, IncidentStatus, type IncidentServiceClient } from '@ecogrid/proto/emergency/v1/incidents';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';
import { callIncidents, incidentClient } from './support/incident-client';
import { alertEvent, caseEvent, cellEvent, DEVICE, PLAN, readingEvent, STATION, TARGETS } from './support/incident-fixture';

const CLOCK_START = '2026-12-06T08:00:00.000Z';
const DISPATCHER = { role: 'dispatcher' as const, sub: 'dispatcher-7' };
const ADMIN = { role: 'admin' as const, sub: 'admin-1' };

describe('incident from first alert to closing (e2e)', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;
  let client: IncidentServiceClient;
  let recorder: TopicRecorder;
  const events = (): EmergencyEvent[] => recorder.messages.filter((message) => message.value !== null).map((message) => EmergencyEvent.decode(message.value as Buffer));

  beforeAll(async () => {
    world = await createWorld('em-incident-flow');
    await world.publisher.publish(cellEvent(world.topics));
    await publishRegistryEntities(world.kafka, world.prefix, { devices: [DEVICE], targets: TARGETS });
    recorder = await recordTopics(world.kafka, [world.topics.emergency]);
    emergency = await startEmergency(world, CLOCK_START, { INCIDENT_RECOVERY_HOLD_MINUTES: '0', INCIDENT_READINGS_REFRESH_MS: '200' });
    client = incidentClient(emergency.grpcAddress);
    await callIncidents(client, 'upsertPlan', { plan: PLAN }, ADMIN);
  });

  afterAll(async () => {
    client?.close();
    await recorder?.stop();
    await emergency?.service.stop();
    await world?.close();
  });

  it('runs proposed → declared → plan activated → tasks → recovered → closed, and its timeline names an altered row', async () => {
    await world.publisher.publish(alertEvent(world.topics, 'ALERT-WS-1', new Date(CLOCK_START)));
    const proposed = await waitFor(async () => (await callIncidents(client, 'listIncidents', { statuses: [IncidentStatus.INCIDENT_STATUS_PROPOSED] }, DISPATCHER)).incidents[0], {
      timeoutMs: 30_000,
      description: 'a proposed incident',
    });
    expect(proposed).toMatchObject({ kind: IncidentKind.INCIDENT_KIND_WATER_SOURCE, level: IncidentLevel.INCIDENT_LEVEL_III, stationMns: [DEVICE.mn], alertId: 'ALERT-WS-1', drill: false });
    expect(proposed.location).toEqual({ lon: STATION[0], lat: STATION[1] });
    // A redelivered alert proposes nothing more.
    await world.publisher.publish(alertEvent(world.topics, 'ALERT-WS-1', new Date(CLOCK_START)));

    const { incident: declared } = await callIncidents(client, 'declareIncident', { incidentId: proposed.id, level: IncidentLevel.INCIDENT_LEVEL_II, expectedVersion: proposed.version }, DISPATCHER);
    expect(declared).toMatchObject({ status: IncidentStatus.INCIDENT_STATUS_DECLARED, level: IncidentLevel.INCIDENT_LEVEL_II, declaredBy: 'dispatcher-7' });
    const analysis = declared?.analysis;
    expect(analysis?.zone).toMatchObject({ riverId: 'RIV-YAOXIANQU', riverName: '姚暹渠', downstreamM: 10_000 });
    expect(analysis?.affectedTargets.map((target) => target.targetId)).toEqual(['DWS01-1', 'RES-DOWN']);
    const distances = analysis?.affectedTargets.map((target) => target.distanceM) ?? [];
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(analysis?.nearestResources.map((resource) => resource.targetId)).toEqual(['EMR-TEAM', 'EMR-VEH', 'EMR-SUP1', 'EMR-SUP2']);
    for (const resource of analysis?.nearestResources ?? []) expect(resource.travelM).toBeCloseTo(resource.distanceM * 1.4, 3);
    expect(analysis).toMatchObject({ planId: 'YH-DWS01-WATER', planVersion: 1 });

    const activation = await callIncidents(client, 'activatePlan', { incidentId: proposed.id }, DISPATCHER);
    expect(activation.requestIds).toEqual([`${proposed.id}:task:monitor`, `${proposed.id}:task:intake`]);
    const requests = await waitFor(
      () => {
        const found = events().flatMap((event) => (event.event?.$case === 'caseRequested' ? [{ drill: event.drill, request: event.event.value }] : []));
        return found.length >= 2 ? found : undefined;
      },
      { timeoutMs: 30_000, description: 'two case requests on the emergency topic' },
    );
    expect(requests.map(({ request }) => [request.requestId, request.department, request.assigneeOfficerId, request.priority, request.deadline?.toISOString().slice(0, 16)])).toEqual([
      [`${proposed.id}:task:monitor`, '区环境监测站', '', 'urgent', expect.stringMatching(/^2026-12-06T09:0/)],
      [`${proposed.id}:task:intake`, '区水务局', 'GO-TEST', 'urgent', expect.stringMatching(/^2026-12-06T10:0/)],
    ]);
    expect(requests.every(({ drill }) => !drill)).toBe(true);
    // The partners' feed (sharing reads the topic): the declared incident is on it, not a drill.
    expect(events().some((event) => event.event?.$case === 'incidentChanged' && event.event.value.step === 'partner_notified' && event.event.value.incident?.status === IncidentStatus.INCIDENT_STATUS_DECLARED && !event.drill)).toBe(true);

    // Dispatch opens, accepts and closes the monitoring task's case.
    const requestId = `${proposed.id}:task:monitor`;
    await world.publisher.publishAll([
      caseEvent(world.topics, 'YH-CASE-1', requestId, CaseStatus.CASE_STATUS_DISPATCHED, 1, new Date('2026-12-06T08:01:00Z')),
      caseEvent(world.topics, 'YH-CASE-1', requestId, CaseStatus.CASE_STATUS_ACCEPTED, 2, new Date('2026-12-06T08:05:00Z')),
      caseEvent(world.topics, 'YH-CASE-1', requestId, CaseStatus.CASE_STATUS_CLOSED, 3, new Date('2026-12-06T08:40:00Z')),
    ]);
    await waitFor(async () => (await callIncidents(client, 'getTimeline', { incidentId: proposed.id }, DISPATCHER)).entries.some((entry) => entry.step === 'task_case_closed'), {
      timeoutMs: 30_000,
      description: 'the task case closed on the timeline',
    });

    await expect(callIncidents(client, 'closeIncident', { incidentId: proposed.id }, DISPATCHER)).rejects.toMatchObject({ code: 9, details: expect.stringContaining('not back under the limits') });
    // At the service's clock (it started at CLOCK_START and runs on), a little after the alert.
    await world.publisher.publish(readingEvent(world.topics, new Date(Date.parse(CLOCK_START) + 1000), 0.4));
    await waitFor(async () => (await callIncidents(client, 'getIncident', { incidentId: proposed.id }, DISPATCHER)).incident?.recoveredSince, { timeoutMs: 30_000, description: 'readings recovered' });
    const { incident: closed } = await callIncidents(client, 'closeIncident', { incidentId: proposed.id, note: '氨氮恢复达标' }, DISPATCHER);
    expect(closed?.status).toBe(IncidentStatus.INCIDENT_STATUS_CLOSED);

    const steps = (await callIncidents(client, 'getTimeline', { incidentId: proposed.id }, DISPATCHER)).entries.map((entry) => entry.step);
    expect(steps).toEqual([
      'proposed', 'analysis', 'declared', 'analysis', 'partner_notified', 'plan_activated', 'task_requested', 'task_requested',
      'task_case_opened', 'task_case_accepted', 'task_case_closed', 'readings_recovered', 'closed',
    ]);
    expect(await callIncidents(client, 'verifyTimeline', { incidentId: proposed.id }, DISPATCHER)).toMatchObject({ intact: true, entries: 13, brokenSequence: 0 });
    await world.db.query("UPDATE incident_timeline SET actor = 'someone-else' WHERE incident_id = $1 AND sequence = 6", [proposed.id]);
    expect(await callIncidents(client, 'verifyTimeline', { incidentId: proposed.id }, DISPATCHER)).toMatchObject({ intact: false, brokenSequence: 6, reason: 'hash_mismatch' });
  });

  it('runs a drill the same way, apart from real incidents, and reports what took how long', async () => {
    const { incident: drill } = await callIncidents(
      client,
      'declareIncident',
      { kind: IncidentKind.INCIDENT_KIND_WATER_SOURCE, level: IncidentLevel.INCIDENT_LEVEL_IV, title: '东孙坞水源地突发污染应急演练', location: { lon: STATION[0], lat: STATION[1] }, drill: true },
      DISPATCHER,
    );
    expect(drill).toMatchObject({ drill: true, status: IncidentStatus.INCIDENT_STATUS_DECLARED });
    const { requestIds } = await callIncidents(client, 'activatePlan', { incidentId: drill?.id ?? '' }, DISPATCHER);
    await world.publisher.publish(caseEvent(world.topics, 'YH-CASE-9', requestIds[0] ?? '', CaseStatus.CASE_STATUS_ACCEPTED, 2, new Date(Date.now())));
    await waitFor(
      () => events().filter((event) => event.event?.$case === 'caseRequested' && event.event.value.sourceId === drill?.id).length === 2 || undefined,
      { timeoutMs: 30_000, description: 'the drill’s case requests' },
    );
    expect(events().filter((event) => event.event?.$case === 'caseRequested' && event.event.value.sourceId === drill?.id).every((event) => event.drill)).toBe(true);
    const real = (await callIncidents(client, 'listIncidents', {}, DISPATCHER)).incidents.map((incident) => incident.id);
    expect(real).not.toContain(drill?.id);
    expect((await callIncidents(client, 'listIncidents', { includeDrills: true }, DISPATCHER)).incidents.map((incident) => incident.id)).toContain(drill?.id);
    const report = await waitFor(
      async () => {
        const answer = await callIncidents(client, 'getDrillReport', { incidentId: drill?.id ?? '' }, DISPATCHER);
        return answer.steps.some((step) => step.step === 'task_accepted' && step.secondsFromDeclared >= 0) ? answer : undefined;
      },
      { timeoutMs: 30_000, description: 'the accepted task in the drill report' },
    );
    expect(report.steps.map((step) => step.step)).toEqual(['declared_to_analysis', 'declared_to_plan_activated', 'task_opened', 'task_accepted', 'task_closed', 'task_opened', 'task_accepted', 'task_closed']);
    expect(report.steps.find((step) => step.step === 'task_closed')?.secondsFromDeclared).toBe(-1);
    expect(report.summary).toContain('演练报告');
  });
});

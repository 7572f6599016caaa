/**
 * The issue's end-to-end path of a heavy-pollution warning, against the running emergency and dispatch services on
 * real Kafka and PostgreSQL: a reduction list is imported; a yellow warning activates the listed enterprises'
 * measures; one enterprise keeps emitting above its reduced level, a case is requested for its cell and dispatch
 * opens it for the cell's grid officer; lifting the warning reports the reduction achieved against the hours before.
 */
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_TOKEN_SECRET, ROOT } from '@ecogrid/e2e';
import { CaseChanged, CaseSource } from '@ecogrid/proto/dispatch/v1/events';
import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { ObligationStatus, ReductionListFormat, WarningLevel, WarningOrigin, WarningStatus } from '@ecogrid/proto/emergency/v1/warnings';
import { createTestSchema, freePort, recordTopics, startServiceProcess, waitFor, type ServiceProcess, type TestSchema, type TopicRecorder } from '@ecogrid/testkit';
import { callWarnings, createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';
import { gridEvents, readingEvent, registryEvents, testUscc, type TestEnterprise } from './support/warning-fixtures';

const HOUR = 3_600_000;
// The service's clock is pinned here; every instant of the test is derived from it.
const CLOCK = Date.parse('2026-01-10T08:00:00.000Z');
const WARNING_START = new Date(CLOCK - 3 * HOUR);

const BREACHING: TestEnterprise = { uscc: testUscc(101), name: '盐湖焦化一厂', cellId: 'cell-yh-01', outletDevices: ['EMT0000000000101'] };
const COMPLYING: TestEnterprise = { uscc: testUscc(102), name: '盐湖钢铁二厂', cellId: 'cell-yh-02', outletDevices: ['EMT0000000000102'] };
const GRADE_A: TestEnterprise = { uscc: testUscc(103), name: '盐湖电厂', cellId: 'cell-yh-03', outletDevices: ['EMT0000000000103'] };
// Keeps producing at its usual load through the warning: seen in its production monitoring (ST 45), no CEMS limit.
const PRODUCING: TestEnterprise = { uscc: testUscc(105), name: '盐湖铸造厂', cellId: 'cell-yh-05', outletDevices: [], activityDevices: ['EMT0000000000105'] };
const UNLISTED: TestEnterprise = { uscc: testUscc(104), name: '未列入企业', cellId: 'cell-yh-04', outletDevices: ['EMT0000000000104'] };

const LIST = [
  { uscc: BREACHING.uscc, name: BREACHING.name, industry: '焦化', grade: 'C', measures: { yellow: { productionLimitPercent: 30, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 60 }] }, orange: { productionLimitPercent: 50, transportRestriction: true, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 40 }] }, red: { stop: true, transportRestriction: true, reducedLevels: [] } } },
  { uscc: COMPLYING.uscc, name: COMPLYING.name, industry: '钢铁', grade: 'B', measures: { yellow: { productionLimitPercent: 20, reducedLevels: [{ outletId: 'DA001', factorCode: 'a21002', limitMgM3: 50 }] }, orange: { productionLimitPercent: 30, reducedLevels: [] }, red: { productionLimitPercent: 50, reducedLevels: [] } } },
  { uscc: GRADE_A.uscc, name: GRADE_A.name, industry: '火电', grade: 'A', measures: {} },
  { uscc: PRODUCING.uscc, name: PRODUCING.name, industry: '铸造', grade: 'D', measures: { yellow: { productionLimitPercent: 30, reducedLevels: [] }, orange: { productionLimitPercent: 50, reducedLevels: [] }, red: { stop: true, reducedLevels: [] } } },
];

/** Two readings per hour of NOx at an outlet device (or of the load at a production monitor), for [from, from + hours). */
function hourlyReadings(world: EmergencyWorld, enterprise: TestEnterprise, from: number, hours: number, value: number) {
  const activity = enterprise.outletDevices.length === 0;
  const mn = (activity ? enterprise.activityDevices?.[0] : enterprise.outletDevices[0]) as string;
  return Array.from({ length: hours * 2 }, (_, index) => {
    const at = new Date(from + Math.floor(index / 2) * HOUR + (index % 2 === 0 ? 10 : 40) * 60_000);
    return readingEvent(world.topics, { observationId: `${mn}-${at.toISOString()}`, mn, at, factorCode: activity ? 'g45001' : 'a21002', value, systemCode: activity ? '45' : '31' });
  });
}

const decode = (value: Buffer | null): EmergencyEvent => EmergencyEvent.decode(value as Buffer);
const OFFICER = 'GO-E2E-0001';

describe('heavy-pollution warning: yellow → measures → breach → case request → evaluation', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;
  let recorder: TopicRecorder;
  let dispatchSchema: TestSchema;
  let dispatch: ServiceProcess;

  beforeAll(async () => {
    world = await createWorld('em-warning-e2e');
    await world.publisher.publishAll([...registryEvents(world.topics, [BREACHING, COMPLYING, GRADE_A, PRODUCING, UNLISTED]), ...gridEvents(world.topics, [BREACHING, COMPLYING, GRADE_A, PRODUCING, UNLISTED].map((enterprise) => enterprise.cellId), OFFICER)]);
    emergency = await startEmergency(world, new Date(CLOCK).toISOString(), { COMPLIANCE_CHECK_MS: '300' });
    // The real dispatch, built, on the same topics: it turns each EmergencyCaseRequested into a case.
    dispatchSchema = await createTestSchema(world.databaseUrl, 'em_warning_e2e_dispatch');
    const [dispatchAdmin, dispatchHttp, dispatchGrpc] = [await freePort(), await freePort(), await freePort()];
    dispatch = await startServiceProcess({
      entry: resolve(ROOT, 'services/dispatch/dist/main.js'),
      env: { KAFKA_BROKERS: world.kafkaBrokers, DATABASE_URL: world.databaseUrl, TOPIC_PREFIX: world.prefix, DISPATCH_SCHEMA: dispatchSchema.name, HTTP_ADDRESS: `127.0.0.1:${dispatchHttp}`, GRPC_ADDRESS: `127.0.0.1:${dispatchGrpc}`, ADMIN_HTTP_ADDRESS: `127.0.0.1:${dispatchAdmin}`, STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
      readyUrl: `http://127.0.0.1:${dispatchAdmin}/readyz`,
      readyTimeoutMs: 90_000,
    });
    recorder = await recordTopics(world.kafka, [world.topics.emergency, world.topics.cases]);
  });
  afterAll(async () => {
    await dispatch?.stop();
    await dispatchSchema?.drop();
    if (process.env.EMERGENCY_TEST_LOGS) console.log(emergency?.service.output());
    await recorder?.stop();
    await emergency?.service.stop();
    await world?.close();
  });

  it('imports the reduction list as a data steward, versioned per year, and refuses a bad one with the field at fault', async () => {
    const imported = await callWarnings(emergency.warnings, 'importReductionList', { year: 2026, format: ReductionListFormat.REDUCTION_LIST_FORMAT_JSON, content: JSON.stringify(LIST) }, { role: 'data_steward' });
    expect(imported).toMatchObject({ year: 2026, version: 1, enterpriseCount: 4 });
    const bad = callWarnings(emergency.warnings, 'importReductionList', { year: 2026, format: ReductionListFormat.REDUCTION_LIST_FORMAT_JSON, content: JSON.stringify([{ ...LIST[0], grade: 'E' }]) }, { role: 'admin' });
    await expect(bad).rejects.toMatchObject({ code: 3, details: expect.stringContaining('未知的绩效等级 E') });
    const list = await callWarnings(emergency.warnings, 'getReductionList', { year: 2026 }, { role: 'analyst' });
    expect(list.entries.map((entry) => [entry.enterpriseUscc, entry.grade, entry.measures.length])).toEqual([
      [BREACHING.uscc, 'C', 3],
      [COMPLYING.uscc, 'B', 3],
      [GRADE_A.uscc, 'A', 0],
      [PRODUCING.uscc, 'D', 3],
    ]);
  });

  it('folds the listed enterprises’ CEMS readings into hourly means, once per reading, and ignores the unlisted', async () => {
    const baselineFrom = WARNING_START.getTime() - 3 * HOUR;
    const readings = [
      ...hourlyReadings(world, BREACHING, baselineFrom, 3, 100),
      ...hourlyReadings(world, BREACHING, WARNING_START.getTime(), 3, 90),
      ...hourlyReadings(world, COMPLYING, baselineFrom, 3, 80),
      ...hourlyReadings(world, COMPLYING, WARNING_START.getTime(), 3, 40),
      ...hourlyReadings(world, PRODUCING, baselineFrom, 3, 100),
      ...hourlyReadings(world, PRODUCING, WARNING_START.getTime(), 3, 95),
      ...hourlyReadings(world, UNLISTED, baselineFrom, 6, 500),
    ];
    await world.publisher.publishAll(readings);
    // Redelivered readings (same observation ids) must not count twice.
    await world.publisher.publishAll(hourlyReadings(world, BREACHING, baselineFrom, 1, 100));
    await waitFor(async () => Number((await world.db.query('SELECT coalesce(sum(value_count), 0) AS n FROM outlet_hours')).rows[0].n) === 36, { timeoutMs: 30_000, description: '36 readings folded into hourly means' });
    const { rows } = await world.db.query('SELECT uscc, count(*)::int AS hours, max(value_count)::int AS per_hour FROM outlet_hours GROUP BY uscc ORDER BY uscc');
    expect(rows).toEqual([
      { uscc: BREACHING.uscc, hours: 6, per_hour: 2 },
      { uscc: COMPLYING.uscc, hours: 6, per_hour: 2 },
      { uscc: PRODUCING.uscc, hours: 6, per_hour: 2 },
    ]);
  });

  let warningId = '';

  it('a yellow warning activates each listed enterprise’s measures for its grade, in one go, with events', async () => {
    const { warning } = await callWarnings(emergency.warnings, 'issueWarning', { level: WarningLevel.WARNING_LEVEL_YELLOW, startsAt: WARNING_START, expectedEndAt: new Date(CLOCK + 48 * HOUR), reason: '运城市重污染天气黄色预警（测试）' }, { role: 'dispatcher', sub: 'dispatcher-7' });
    warningId = warning?.warningId ?? '';
    expect(warning).toMatchObject({ level: WarningLevel.WARNING_LEVEL_YELLOW, status: WarningStatus.WARNING_STATUS_ACTIVE, origin: WarningOrigin.WARNING_ORIGIN_CITY, issuedBy: 'dispatcher-7', listYear: 2026, listVersion: 1, obligationCount: 4 });
    const { obligations } = await callWarnings(emergency.warnings, 'listObligations', { warningId, enterpriseUscc: '', status: ObligationStatus.OBLIGATION_STATUS_UNSPECIFIED }, { role: 'command_center' });
    expect(obligations.map((obligation) => [obligation.enterpriseUscc, obligation.measure, obligation.productionLimitPercent])).toEqual([
      [BREACHING.uscc, 'production_limit', 30],
      [COMPLYING.uscc, 'production_limit', 20],
      [GRADE_A.uscc, 'self_directed', 0],
      [PRODUCING.uscc, 'production_limit', 30],
    ]);
    expect(obligations.find((obligation) => obligation.measure === 'self_directed')?.status).toBe(ObligationStatus.OBLIGATION_STATUS_SELF_DIRECTED);
    const events = (await recorder.waitForCount(5, (message) => message.key === warningId)).map((message) => decode(message.value));
    expect(events.slice(0, 5).map((event) => event.event?.$case)).toEqual(['warningChanged', 'obligationChanged', 'obligationChanged', 'obligationChanged', 'obligationChanged']);
  });

  it('the enterprise above its reduced level, and the one still producing, are breached; a case is requested for each one’s cell, once, and dispatch opens it for the cell’s officer', async () => {
    const requests = await recorder.waitForCount(2, (message) => message.topic === world.topics.emergency && decode(message.value).event?.$case === 'caseRequested', 30_000);
    const cases = requests.map((message) => decode(message.value).event).flatMap((event) => (event?.$case === 'caseRequested' ? [event.value] : []));
    expect(cases.find((value) => value.enterpriseUscc === PRODUCING.uscc)).toMatchObject({ cellId: PRODUCING.cellId, description: expect.stringContaining('生产/用电监控为预警前的 95%，未落实限产 30%') });
    const request = requests.map((message) => decode(message.value).event).find((event) => event?.$case === 'caseRequested' && event.value.enterpriseUscc === BREACHING.uscc);
    if (request?.$case !== 'caseRequested') throw new Error('not a case request');
    expect(request.value).toMatchObject({ kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_REDUCTION_BREACH, sourceId: warningId, cellId: BREACHING.cellId, townshipCode: '140802001', enterpriseUscc: BREACHING.uscc, priority: 'high' });
    expect(request.value.requestId).toBe(`reduction-breach:${warningId}/1/${BREACHING.uscc}/production_limit`);
    expect(request.value.description).toContain('小时均值 90 mg/m³ 高于应急减排限值 60 mg/m³');
    const { obligations } = await callWarnings(emergency.warnings, 'listObligations', { warningId, enterpriseUscc: '', status: ObligationStatus.OBLIGATION_STATUS_BREACHED }, { role: 'analyst' });
    expect(obligations.map((obligation) => obligation.enterpriseUscc)).toEqual([BREACHING.uscc, PRODUCING.uscc]);
    // Dispatch opens the case for the breaching enterprise's cell, routed to the cell's grid officer.
    // Its first change registers it, the next dispatches it to an officer.
    const opened = await recorder.waitForCount(1, (message) => message.topic === world.topics.cases && CaseChanged.decode(message.value as Buffer).emergencyRequestId === request.value.requestId && CaseChanged.decode(message.value as Buffer).assigneeOfficerId !== '', 60_000);
    const change = CaseChanged.decode(opened[0]?.value as Buffer);
    expect(change).toMatchObject({ source: CaseSource.CASE_SOURCE_EMERGENCY, cellId: BREACHING.cellId, assigneeOfficerId: OFFICER, drill: false });
  });

  it('lifting the warning evaluates the episode: measures and the reduction against the hours before', async () => {
    const { warning, evaluation } = await callWarnings(emergency.warnings, 'liftWarning', { warningId, reason: '空气质量好转' }, { role: 'admin' });
    expect(warning?.status).toBe(WarningStatus.WARNING_STATUS_LIFTED);
    expect(evaluation).toMatchObject({ measuresOrdered: 3, measuresCarriedOut: 1, measuresBreached: 2, measuresSelfDirected: 1 });
    expect(evaluation?.enterprises.map((enterprise) => [enterprise.enterpriseUscc, enterprise.reductions.map((reduction) => [reduction.factorCode, reduction.baseline, reduction.during, reduction.reductionPercent, reduction.hoursCompared])])).toEqual([
      [BREACHING.uscc, [['a21002', 100, 90, 10, 3]]],
      [COMPLYING.uscc, [['a21002', 80, 40, 50, 3]]],
      [GRADE_A.uscc, []],
      [PRODUCING.uscc, []],
    ]);
    expect(evaluation?.total).toEqual([{ factorCode: 'a21002', baseline: 180, during: 130, reductionPercent: 27.8, hoursCompared: 6 }]);
    const stored = await callWarnings(emergency.warnings, 'getEpisodeEvaluation', { warningId }, { role: 'command_center' });
    expect(stored.evaluation).toEqual(evaluation);
    await recorder.waitForCount(1, (message) => message.topic === world.topics.emergency && decode(message.value).event?.$case === 'episodeEvaluated');
    // Every compliance round since the breach (and the lift's own) came before the evaluation on the warning's key:
    // each breach was asked for once.
    expect(recorder.messages.filter((message) => message.topic === world.topics.emergency && decode(message.value).event?.$case === 'caseRequested')).toHaveLength(2);
    const { obligations } = await callWarnings(emergency.warnings, 'listObligations', { warningId, enterpriseUscc: '', status: ObligationStatus.OBLIGATION_STATUS_UNSPECIFIED }, { role: 'analyst' });
    expect(obligations.map((obligation) => obligation.status)).toEqual([ObligationStatus.OBLIGATION_STATUS_BREACHED, ObligationStatus.OBLIGATION_STATUS_CARRIED_OUT, ObligationStatus.OBLIGATION_STATUS_SELF_DIRECTED, ObligationStatus.OBLIGATION_STATUS_BREACHED]);
    await expect(callWarnings(emergency.warnings, 'liftWarning', { warningId, reason: '' }, { role: 'admin' })).rejects.toMatchObject({ code: 9 });
  });
});

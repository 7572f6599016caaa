/**
 * Warnings the platform raises and how an episode changes, against the running service: the observed AQI
 * trigger (daily AQI > 150 for 48 h, from ecogrid.aqi.hourly.v1) raises a yellow warning with the list's measures;
 * a forecast does not raise a second one; an upgrade ends the yellow obligations and starts the orange ones;
 * a drill is an episode of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObligationStatus, ReductionListFormat, WarningLevel, WarningOrigin } from '@ecogrid/proto/emergency/v1/warnings';
import { waitFor } from '@ecogrid/testkit';
import { callWarnings, createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';
import { aqiEvent, registryEvents, testUscc, type TestEnterprise } from './support/warning-fixtures';

const HOUR = 3_600_000;
// The service's clock is pinned here (18:00 China Standard Time); every instant of the test is derived from it.
const CLOCK = Date.parse('2026-01-20T10:00:00.000Z');
const COKING: TestEnterprise = { uscc: testUscc(201), name: '盐湖焦化三厂', cellId: 'cell-yh-11', outletDevices: ['EMT0000000000201'] };

const CSV = [
  'uscc,name,industry,grade,grade_valid_until,level,production_limit_percent,stop,transport_restriction,reduced_levels',
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,yellow,20,否,是,DA001:a21002=80`,
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,orange,40,否,是,DA001:a21002=60`,
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,red,0,是,是,`,
].join('\n');

describe('warnings from the AQI triggers, upgrades and drills', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;

  beforeAll(async () => {
    world = await createWorld('em-warning-triggers', []);
    await world.publisher.publishAll(registryEvents(world.topics, [COKING]));
    emergency = await startEmergency(world, new Date(CLOCK).toISOString());
    const imported = await callWarnings(emergency.warnings, 'importReductionList', { year: 2026, format: ReductionListFormat.REDUCTION_LIST_FORMAT_CSV, content: CSV }, { role: 'admin' });
    expect(imported).toMatchObject({ enterpriseCount: 1, measureCount: 3 });
  });
  afterAll(async () => {
    await emergency?.service.stop();
    await world?.close();
  });

  const aqiHoursHandled = async (): Promise<number> => {
    const metrics = await (await fetch(`${emergency.adminUrl}/metrics`)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('emergency_warning_inputs_total{') && line.includes('aqi.hourly'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };
  const realWarnings = async () => (await callWarnings(emergency.warnings, 'listWarnings', { pageSize: 10, pageToken: '' }, { role: 'analyst' })).warnings;

  it('47 hours of daily AQI above 150 raise nothing; the 48th raises a yellow warning with the list’s measures', async () => {
    // Two stations at 170 and 190: the district's hourly AQI is 180. 70 hours up to an hour ago give 47 rolling daily values.
    const hours = (from: number, count: number) => Array.from({ length: count }, (_, index) => new Date(CLOCK - (from - index) * HOUR));
    const stations = (at: Date[]) => at.flatMap((hour) => [aqiEvent(world.topics, { stationMn: 'AQS0001', hour, aqi: 170 }), aqiEvent(world.topics, { stationMn: 'AQS0002', hour, aqi: 190 })]);
    await world.publisher.publishAll(stations(hours(71, 70)));
    // Handled, triggers evaluated after each one: the service's own count of AQI hours recorded.
    await waitFor(async () => (await aqiHoursHandled()) === 140, { timeoutMs: 30_000, description: '140 station hours handled' });
    expect(await realWarnings()).toEqual([]);
    await world.publisher.publishAll(stations([new Date(CLOCK - HOUR)]));
    await waitFor(async () => (await realWarnings()).length === 1, { timeoutMs: 30_000, description: 'a warning raised' });
    const [warning] = await realWarnings();
    expect(warning).toMatchObject({ level: WarningLevel.WARNING_LEVEL_YELLOW, origin: WarningOrigin.WARNING_ORIGIN_AQI_TRIGGER, issuedBy: 'platform', obligationCount: 2 });
    expect(warning?.reason).toBe('日均AQI>150 已持续 48 小时 (daily AQI > 150 for 48 h)');
  });

  it('a forecast above 200 while the episode is already yellow raises no second warning', async () => {
    const tomorrow = new Date(CLOCK + 8 * HOUR + 24 * HOUR).toISOString().slice(0, 10);
    const answer = await callWarnings(emergency.warnings, 'recordAqiForecast', { day: tomorrow, aqi: 230 }, { role: 'dispatcher' });
    expect(answer.warning).toBeUndefined();
    await expect(callWarnings(emergency.warnings, 'recordAqiForecast', { day: '2026-13-01', aqi: 230 }, { role: 'dispatcher' })).rejects.toMatchObject({ code: 3 });
    expect(await realWarnings()).toHaveLength(1);
  });

  it('an upgrade to orange ends the yellow obligations (carried out) and starts the orange ones', async () => {
    const [current] = await realWarnings();
    const warningId = current?.warningId ?? '';
    const { warning } = await callWarnings(emergency.warnings, 'changeWarningLevel', { warningId, level: WarningLevel.WARNING_LEVEL_ORANGE, reason: '市级升级为橙色预警' }, { role: 'dispatcher', sub: 'dispatcher-3' });
    expect(warning).toMatchObject({ level: WarningLevel.WARNING_LEVEL_ORANGE, peakLevel: WarningLevel.WARNING_LEVEL_ORANGE, obligationCount: 4 });
    const { obligations } = await callWarnings(emergency.warnings, 'listObligations', { warningId, enterpriseUscc: COKING.uscc, status: ObligationStatus.OBLIGATION_STATUS_UNSPECIFIED }, { role: 'analyst' });
    const summary = obligations.map((obligation) => [obligation.level, obligation.measure, obligation.status, obligation.windowEnd !== undefined]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(summary).toEqual(
      [
        [WarningLevel.WARNING_LEVEL_ORANGE, 'production_limit', ObligationStatus.OBLIGATION_STATUS_ACTIVE, false],
        [WarningLevel.WARNING_LEVEL_ORANGE, 'transport_restriction', ObligationStatus.OBLIGATION_STATUS_ACTIVE, false],
        [WarningLevel.WARNING_LEVEL_YELLOW, 'production_limit', ObligationStatus.OBLIGATION_STATUS_CARRIED_OUT, true],
        [WarningLevel.WARNING_LEVEL_YELLOW, 'transport_restriction', ObligationStatus.OBLIGATION_STATUS_CARRIED_OUT, true],
      ].sort((a, b) => String(a).localeCompare(String(b))),
    );
    await expect(callWarnings(emergency.warnings, 'changeWarningLevel', { warningId, level: WarningLevel.WARNING_LEVEL_ORANGE, reason: '' }, { role: 'admin' })).rejects.toMatchObject({ code: 9 });
  });

  it('a drill is an episode of its own, never merged into the real one', async () => {
    const { warning } = await callWarnings(emergency.warnings, 'issueWarning', { level: WarningLevel.WARNING_LEVEL_RED, reason: '重污染天气应急演练', drill: true }, { role: 'admin' });
    const all = await realWarnings();
    expect(all).toHaveLength(2);
    expect(all.filter((candidate) => candidate.level === WarningLevel.WARNING_LEVEL_ORANGE)).toHaveLength(1);
    // Marked as one wherever it is read, so no list shows a drill as a real warning.
    expect(all.map((candidate) => candidate.drill).sort()).toEqual([false, true]);
    expect(warning).toMatchObject({ level: WarningLevel.WARNING_LEVEL_RED, obligationCount: 2, drill: true });
    await expect(callWarnings(emergency.warnings, 'issueWarning', { level: WarningLevel.WARNING_LEVEL_UNSPECIFIED, reason: 'x', drill: false }, { role: 'admin' })).rejects.toMatchObject({ code: 3 });
  });
});

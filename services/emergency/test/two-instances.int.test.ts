/**
 * The emergency service as two instances on one schema and one deployment's topics (ECOGRID_INSTANCES=2): their
 * consumers share the input partitions, the observed AQI trigger raises ONE warning however the stations' hours are
 * split between them (the episode is taken under an advisory lock), an alert redelivered to either proposes ONE
 * incident, and when one instance is killed with SIGKILL the survivor takes its partitions and goes on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishRegistryEntities } from '@ecogrid/e2e';
import { IncidentStatus, type IncidentServiceClient } from '@ecogrid/proto/emergency/v1/incidents';
import { ReductionListFormat, WarningLevel, WarningOrigin } from '@ecogrid/proto/emergency/v1/warnings';
import { waitFor } from '@ecogrid/testkit';
import { callWarnings, createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';
import { callIncidents, incidentClient } from './support/incident-client';
import { alertEvent, cellEvent, DEVICE, TARGETS } from './support/incident-fixture';
import { aqiEvent, registryEvents, testUscc, type TestEnterprise } from './support/warning-fixtures';

const HOUR = 3_600_000;
const CLOCK = Date.parse('2026-01-20T10:00:00.000Z');
const COKING: TestEnterprise = { uscc: testUscc(301), name: '盐湖焦化四厂', cellId: 'cell-yh-12', outletDevices: ['EMT0000000000301'] };
const CSV = [
  'uscc,name,industry,grade,grade_valid_until,level,production_limit_percent,stop,transport_restriction,reduced_levels',
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,yellow,20,否,是,DA001:a21002=80`,
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,orange,40,否,是,DA001:a21002=60`,
  `${COKING.uscc},${COKING.name},焦化,C,2026-12-31,red,0,是,是,`,
].join('\n');
/** Stations spread over the aqi.hourly partitions (keyed by station), so both instances record some of them. */
const STATIONS = Array.from({ length: 12 }, (_, index) => `AQS01${String(index + 1).padStart(2, '0')}`);
const ANALYST = { role: 'analyst' as const };

describe('emergency as two instances', () => {
  let world: EmergencyWorld;
  let first: RunningEmergency;
  let second: RunningEmergency;
  let incidents: IncidentServiceClient;

  beforeAll(async () => {
    world = await createWorld('em-two');
    await world.publisher.publishAll(registryEvents(world.topics, [COKING]));
    await world.publisher.publish(cellEvent(world.topics));
    await publishRegistryEntities(world.kafka, world.prefix, { devices: [DEVICE], targets: TARGETS });
    [first, second] = await Promise.all([startEmergency(world, new Date(CLOCK).toISOString()), startEmergency(world, new Date(CLOCK).toISOString())]);
    incidents = incidentClient(second.grpcAddress);
    expect(await callWarnings(first.warnings, 'importReductionList', { year: 2026, format: ReductionListFormat.REDUCTION_LIST_FORMAT_CSV, content: CSV }, { role: 'admin' })).toMatchObject({ enterpriseCount: 1 });
  }, 180_000);

  afterAll(async () => {
    incidents?.close();
    await first?.service.stop().catch(() => undefined);
    await second?.service.stop().catch(() => undefined);
    await world?.close();
  });

  /** AQI hours each instance has recorded, by its own count. */
  const aqiHoursHandled = async (instance: RunningEmergency): Promise<number> => {
    const metrics = await (await fetch(`${instance.adminUrl}/metrics`)).text();
    return metrics
      .split('\n')
      .filter((line) => line.startsWith('emergency_warning_inputs_total{') && line.includes('aqi.hourly'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };
  const realWarnings = async (instance: RunningEmergency) => (await callWarnings(instance.warnings, 'listWarnings', { pageSize: 10, pageToken: '' }, ANALYST)).warnings;

  it('raises one warning from the AQI trigger while both record the stations’ hours, and proposes one incident for an alert delivered twice', { timeout: 120_000 }, async () => {
    // 71 hours of an hourly AQI of 180 at twelve stations, up to an hour ago: the 48th rolling daily value above 150.
    const hours = Array.from({ length: 71 }, (_, index) => new Date(CLOCK - (71 - index) * HOUR));
    await world.publisher.publishAll(hours.flatMap((hour) => STATIONS.map((stationMn) => aqiEvent(world.topics, { stationMn, hour, aqi: 180 }))));
    await world.publisher.publish(alertEvent(world.topics, 'ALERT-TWO-1', new Date(CLOCK)));
    await world.publisher.publish(alertEvent(world.topics, 'ALERT-TWO-1', new Date(CLOCK)));

    const handled = await waitFor(
      async () => {
        const counts = [await aqiHoursHandled(first), await aqiHoursHandled(second)];
        return (counts[0] ?? 0) + (counts[1] ?? 0) >= hours.length * STATIONS.length ? counts : undefined;
      },
      { timeoutMs: 60_000, description: 'every station hour recorded by one of the two' },
    );
    // Both took part: the partitions are split between them.
    expect(handled.every((count) => count > 0)).toBe(true);
    await waitFor(async () => (await realWarnings(second)).length > 0, { timeoutMs: 30_000, description: 'a warning raised' });
    const warnings = await realWarnings(first);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: WarningLevel.WARNING_LEVEL_YELLOW, origin: WarningOrigin.WARNING_ORIGIN_AQI_TRIGGER, obligationCount: 2 });
    const { count: obligations } = (await world.db.query<{ count: number }>('SELECT count(*)::int AS count FROM obligations')).rows[0] ?? { count: 0 };
    expect(obligations).toBe(2);

    const proposed = await waitFor(
      async () => {
        const list = (await callIncidents(incidents, 'listIncidents', { statuses: [IncidentStatus.INCIDENT_STATUS_PROPOSED] }, ANALYST)).incidents;
        return list.length > 0 ? list : undefined;
      },
      { timeoutMs: 30_000, description: 'a proposed incident' },
    );
    expect(proposed.map((incident) => incident.alertId)).toEqual(['ALERT-TWO-1']);
    console.log(`[emergency two instances] AQI hours recorded ${handled.join(' + ')}; warnings 1, obligations ${obligations}; incidents proposed ${proposed.length} for one alert delivered twice`);
  });

  it('goes on through the survivor when one is killed with SIGKILL', { timeout: 120_000 }, async () => {
    const before = await aqiHoursHandled(second);
    await first.service.kill9();
    const killedAt = Date.now();
    // One more hour at every station: whichever partitions the dead instance held, the survivor records them now.
    await world.publisher.publishAll(STATIONS.map((stationMn) => aqiEvent(world.topics, { stationMn, hour: new Date(CLOCK), aqi: 180 })));
    await waitFor(async () => (await aqiHoursHandled(second)) >= before + STATIONS.length, { timeoutMs: 60_000, description: 'the survivor records every station' });
    console.log(`[emergency two instances] the survivor recorded all ${STATIONS.length} stations' next hour ${Date.now() - killedAt} ms after the kill`);
    expect(await realWarnings(second)).toHaveLength(1);
  });
});

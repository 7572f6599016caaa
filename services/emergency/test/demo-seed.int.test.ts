/** The demo seed `pnpm start` runs: imports the Yanhu list for the clock's year and the next once, from the registry's enterprises. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_STAFF_TOKEN_SECRET } from '@ecogrid/e2e';
import { callWarnings, createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';
import { registryEvents, testUscc } from './support/warning-fixtures';

const SEED = resolve(__dirname, '../dist/cli/seed-demo.js');
const run = promisify(execFile);

describe('the emergency demo seed', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;
  beforeAll(async () => {
    world = await createWorld('em-demo-seed');
    await world.publisher.publishAll(registryEvents(world.topics, [{ uscc: testUscc(301), name: '演示焦化厂', cellId: 'cell-1', outletDevices: ['EMT0000000000301'] }, { uscc: testUscc(302), name: '演示水泥厂', cellId: 'cell-2', outletDevices: ['EMT0000000000302'] }]));
    emergency = await startEmergency(world, '2026-03-01T00:00:00.000Z');
  });
  afterAll(async () => {
    await emergency?.service.stop();
    await world?.close();
  });

  it('imports the list for the year of the service clock and the next once; a second run changes nothing', async () => {
    const env = { ...process.env, KAFKA_BROKERS: world.kafkaBrokers, DATABASE_URL: world.databaseUrl, EMERGENCY_SCHEMA: world.schema.name, TOPIC_PREFIX: world.prefix, GRPC_ADDRESS: emergency.grpcAddress, STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET, EMERGENCY_CLOCK_START: '2026-03-01T00:00:00.000Z' };
    const first = await run(process.execPath, [SEED], { env });
    expect(first.stdout).toContain('2026 reduction list version 1, 2 enterprises');
    // A warning issued on 1 January of a demo started on 31 December still finds its year's list.
    expect(first.stdout).toContain('2027 reduction list version 1, 2 enterprises');
    const second = await run(process.execPath, [SEED], { env });
    expect(second.stdout).toContain('the 2026 reduction list is there already (version 1, 2 enterprises)');
    expect(second.stdout).toContain('the 2027 reduction list is there already (version 1, 2 enterprises)');
    for (const year of [2026, 2027]) {
      const list = await callWarnings(emergency.warnings, 'getReductionList', { year }, { role: 'analyst' });
      expect(list.entries.map((entry) => entry.grade).sort()).toEqual(['B', 'C']);
    }
  });
});

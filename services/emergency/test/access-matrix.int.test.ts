/**
 * Every cell of the emergency service's access matrices in docs/security.md — warnings, incidents, early warning —
 * tried against one running service: each operation as every staff role and as nobody. The documentation is the
 * specification; the service must agree with it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type ServiceDefinition } from '@grpc/grpc-js';
import { EarlyWarningServiceService } from '@ecogrid/proto/emergency/v1/early_warning';
import { IncidentServiceService } from '@ecogrid/proto/emergency/v1/incidents';
import { WarningServiceService } from '@ecogrid/proto/emergency/v1/warnings';
import { isDenied, probeUnary, readAccessMatrix, ROOT, SUBJECTS, testStaffToken, type Subject } from '@ecogrid/e2e';
import { createWorld, startEmergency, type EmergencyWorld, type RunningEmergency } from './support/emergency-world';

const SECURITY = readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8');

async function metadataOf(subject: Subject): Promise<Metadata> {
  const metadata = new Metadata();
  if (subject === 'anonymous') return metadata;
  const token = await testStaffToken({ role: subject, ...(subject === 'officer' || subject === 'supervisor' ? { officerId: 'GO-YH0001' } : {}), ...(subject === 'supervisor' ? { townshipCode: '140802001' } : {}) });
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

const MATRICES: Array<{ name: string; definition: ServiceDefinition }> = [
  { name: 'emergency warnings grpc', definition: WarningServiceService as unknown as ServiceDefinition },
  { name: 'emergency incidents grpc', definition: IncidentServiceService as unknown as ServiceDefinition },
  { name: 'emergency early-warning grpc', definition: EarlyWarningServiceService as unknown as ServiceDefinition },
];

describe('emergency access matrices (docs/security.md) against the running service', () => {
  let world: EmergencyWorld;
  let emergency: RunningEmergency;
  beforeAll(async () => {
    world = await createWorld('em-access');
    emergency = await startEmergency(world, '2026-01-10T00:00:00.000Z');
  });
  afterAll(async () => {
    await emergency?.service.stop();
    await world?.close();
  });

  it.each(MATRICES)('$name: every role on every operation as documented', async ({ name, definition }) => {
    const rows = readAccessMatrix(SECURITY, name);
    const methods = Object.values(definition).map((method) => method.path.slice(method.path.lastIndexOf('/') + 1));
    expect(rows.map((row) => row.operation).sort()).toEqual([...methods].sort());
    const unexpected: string[] = [];
    let cells = 0;
    let allows = 0;
    for (const row of rows) {
      for (const subject of SUBJECTS) {
        const outcome = await probeUnary(emergency.grpcAddress, definition, row.operation, await metadataOf(subject));
        const actual = isDenied(outcome) ? 'deny' : 'allow';
        cells += 1;
        if (actual === 'allow') allows += 1;
        if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (code ${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''})`);
      }
    }
    const unexpectedAllows = unexpected.filter((line) => line.includes('documented deny')).length;
    console.log(`access matrix ${name}: ${cells} cells (${allows} allowed), ${unexpectedAllows} unexpected allows, ${unexpected.length - unexpectedAllows} unexpected denies`);
    expect(unexpected).toEqual([]);
  });
});

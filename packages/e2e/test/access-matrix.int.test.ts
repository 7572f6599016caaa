import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type ServiceDefinition } from '@grpc/grpc-js';
import { AlertingServiceService } from '@ecogrid/proto/alerting/v1/alerting';
import { RegistryServiceService } from '@ecogrid/proto/registry/v1/registry';
import { isDenied, probeUnary, readAccessMatrix, ROOT, startPlatform, SUBJECTS, testStaffToken, type Platform, type Subject } from '../src/index';

const SECURITY = readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8');
/** A demo officer and the township unit they supervise (services/registry/data/yanhu/officers.csv). */
const OFFICER = { officerId: 'GO-YH0001', townshipCode: '140802001' };

async function metadataOf(subject: Subject): Promise<Metadata> {
  const metadata = new Metadata();
  if (subject === 'anonymous') return metadata;
  const token = await testStaffToken({ role: subject, ...(subject === 'officer' || subject === 'supervisor' ? { officerId: OFFICER.officerId } : {}), ...(subject === 'supervisor' ? { townshipCode: OFFICER.townshipCode } : {}) });
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/**
 * Every cell of the access matrices in docs/security.md, tried against the running services: each operation as
 * every role and as nobody. The documentation is the specification; the services must agree with it.
 */
describe('access matrix (docs/security.md) against the running services', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('access');
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
  });

  const surfaces: Array<{ name: string; definition: ServiceDefinition; address: () => string }> = [
    { name: 'registry grpc', definition: RegistryServiceService as unknown as ServiceDefinition, address: () => platform.registry.grpcAddress },
    { name: 'alerting grpc', definition: AlertingServiceService as unknown as ServiceDefinition, address: () => platform.alerting.grpcAddress },
  ];

  for (const surface of surfaces) {
    it(`${surface.name}: every role on every operation as documented`, async () => {
      const rows = readAccessMatrix(SECURITY, surface.name);
      const documented = new Set(rows.map((row) => row.operation));
      const methods = Object.values(surface.definition).map((method) => method.path.slice(method.path.lastIndexOf('/') + 1));
      // Every operation the service offers is in the matrix, and the matrix names nothing the service lacks.
      expect([...documented].sort()).toEqual([...methods].sort());
      const unexpected: string[] = [];
      let cells = 0;
      let allows = 0;
      for (const row of rows) {
        for (const subject of SUBJECTS) {
          const outcome = await probeUnary(surface.address(), surface.definition, row.operation, await metadataOf(subject));
          const actual = isDenied(outcome) ? 'deny' : 'allow';
          cells += 1;
          if (actual === 'allow') allows += 1;
          if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (code ${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''})`);
        }
      }
      const unexpectedAllows = unexpected.filter((line) => line.includes('documented deny')).length;
      process.stdout.write(`access matrix ${surface.name}: ${cells} cells (${allows} allowed), ${unexpectedAllows} unexpected allows, ${unexpected.length - unexpectedAllows} unexpected denies\n`);
      expect(unexpected).toEqual([]);
    });
  }
});

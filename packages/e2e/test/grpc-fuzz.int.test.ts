import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Metadata } from '@grpc/grpc-js';
import { AlertingServiceService } from '@ecogrid/proto/alerting/v1/alerting';
import { CreditServiceService } from '@ecogrid/proto/credit/v1/credit';
import { RegistryServiceService } from '@ecogrid/proto/registry/v1/registry';
import { ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP, STAFF_ROLES } from '@ecogrid/staff-auth';
import { describeAnswers, fuzzGrpcAtTheWire, staffMetadata, startPlatform, type Platform, type WireFuzzTally } from '../src/index';

/** Calls per method: 28 registry + 2 alerting + credit's methods, each from every kind of caller. */
const RUNS_PER_METHOD = 150;

// Dispatch's and ingest's gRPC requests are fuzzed with typed requests by their own tests; these are the others,
// fuzzed at the wire with messages no generated client would send.
describe('gRPC requests fuzzed at the wire: registry, alerting, credit', () => {
  let platform: Platform;
  let callers: Array<Metadata | undefined>;

  beforeAll(async () => {
    platform = await startPlatform('grpcfuzz', { credit: true });
    // Mostly administrators, who get past the interceptor to the handlers; every other role and no token too.
    const admin = await staffMetadata({ role: 'admin' });
    const others = await Promise.all(STAFF_ROLES.map((role) => staffMetadata({ role, ...(ROLES_NEEDING_TOWNSHIP.has(role) ? { townshipCode: '140802001' } : {}), ...(ROLES_NEEDING_OFFICER.has(role) ? { officerId: 'GO-YH0001' } : {}) })));
    callers = [admin, admin, admin, admin, await staffMetadata({ role: 'credit_officer' }), await staffMetadata({ role: 'credit_officer' }), ...others, undefined];
  });

  afterAll(async () => {
    await platform?.stop();
  });

  const check = async (name: string, tally: WireFuzzTally, adminUrl: string | undefined): Promise<void> => {
    process.stdout.write(`fuzzing ${name} gRPC at the wire: ${tally.calls} calls, ${tally.failures.length} failures\n  answers: ${describeAnswers(tally)}\n`);
    expect(tally.failures.slice(0, 5)).toEqual([]);
    if (adminUrl) expect((await fetch(`${adminUrl}/readyz`)).status).toBe(200);
  };

  it('registry: every RPC answers OK or a specific refusal, and the service stays ready', async () => {
    const tally = await fuzzGrpcAtTheWire({ address: platform.registry.grpcAddress, definition: RegistryServiceService, callers, runsPerMethod: RUNS_PER_METHOD });
    expect(tally.calls).toBeGreaterThanOrEqual(28 * RUNS_PER_METHOD);
    await check('registry', tally, undefined);
  }, 900_000);

  it('alerting: every RPC answers OK or a specific refusal, and the service stays ready', async () => {
    const tally = await fuzzGrpcAtTheWire({ address: platform.alerting.grpcAddress, definition: AlertingServiceService, callers, runsPerMethod: RUNS_PER_METHOD * 5 });
    await check('alerting', tally, platform.alerting.adminUrl);
  }, 600_000);

  it('credit: every RPC answers OK or a specific refusal, and the service stays ready', async () => {
    const credit = platform.credit;
    if (!credit) throw new Error('the platform was started without credit');
    const tally = await fuzzGrpcAtTheWire({ address: credit.grpcAddress, definition: CreditServiceService, callers, runsPerMethod: RUNS_PER_METHOD });
    await check('credit', tally, credit.adminUrl);
  }, 900_000);
});

import type { DeviceProfile } from '../../domain/device-access';
import type { Observation } from '../../domain/observation';
import { createInMemoryObservationMemory } from './in-memory-observation-memory';
import type { PasswordVerifier } from '@ecogrid/device-credentials';
import { createAuthenticateDevice } from '../authenticate-device';
import type { AuthAttempt, CredentialChecker, DeviceDirectory, DeviceThrottle, IngestCounters, ObservationSink, Rejection, RejectionSink, StatusSink } from '../ports';
import type { DeviceStatusReport } from '../../domain/device-status';

/** A stand-in verifier for unit tests: the fake checker below compares its `hash` with the password's bytes. */
export function plainVerifier(password: string): PasswordVerifier {
  return { algorithm: 'scrypt', log2N: 1, blockSize: 1, parallelism: 1, salt: new Uint8Array(), hash: new Uint8Array(Buffer.from(password)) };
}

/** No scrypt in unit tests; remembers successes like the real checker, bound to the verifier object. */
export function fakeCredentials(): CredentialChecker & { checks: number } {
  const verified = new Map<string, PasswordVerifier>();
  const fake = {
    checks: 0,
    remembered: (mn: string, verifier: PasswordVerifier | undefined, password: string) => verifier !== undefined && verified.get(`${mn}|${password}`) === verifier,
    check: async (mn: string, verifier: PasswordVerifier | undefined, password: string) => {
      fake.checks += 1;
      const ok = verifier !== undefined && Buffer.from(verifier.hash).equals(Buffer.from(password));
      if (ok) verified.set(`${mn}|${password}`, verifier);
      return ok;
    },
  };
  return fake;
}

/** The throttle's rules with counts in memory: failures per address, per (address, MN), per MN; trusted pairs. */
export function fakeThrottle(limits: { failuresPerAddress?: number; failuresPerAddressAndMn?: number; failuresPerMn?: number; deviceAdmits?: number } = {}) {
  const failures = new Map<string, number>();
  const trusted = new Set<string>();
  const devices = new Map<string, number>();
  const count = (key: string): number => failures.get(key) ?? 0;
  const bump = (key: string): void => void failures.set(key, count(key) + 1);
  const throttle: DeviceThrottle & { failures: Map<string, number> } = {
    failures,
    admitAddress: async () => true,
    admitDevice: async (mn) => {
      devices.set(mn, (devices.get(mn) ?? 0) + 1);
      return (devices.get(mn) ?? 0) <= (limits.deviceAdmits ?? Number.POSITIVE_INFINITY);
    },
    admitAuthentication: async ({ address, mn }: AuthAttempt) => {
      const isTrusted = trusted.has(`${address}|${mn}`);
      bump(`am:${address}|${mn}`);
      if (!isTrusted) bump(`m:${mn}`);
      return (
        count(`a:${address}`) < (limits.failuresPerAddress ?? 30) &&
        count(`am:${address}|${mn}`) <= (limits.failuresPerAddressAndMn ?? 10) &&
        (isTrusted || count(`m:${mn}`) <= (limits.failuresPerMn ?? 100))
      );
    },
    authenticationFailed: async ({ address }) => bump(`a:${address}`),
    authenticationSucceeded: async ({ address, mn }) => {
      if (!trusted.has(`${address}|${mn}`)) failures.set(`m:${mn}`, count(`m:${mn}`) - 1);
      failures.delete(`am:${address}|${mn}`);
      trusted.add(`${address}|${mn}`);
    },
  };
  return throttle;
}

/** Authentication over the fakes: what the use cases are given in unit tests. */
export function fakeAuthentication(devices: DeviceDirectory, throttle: DeviceThrottle = fakeThrottle()) {
  const credentials = fakeCredentials();
  return { authenticate: createAuthenticateDevice({ devices, credentials, throttle }), credentials, throttle };
}

export function deviceProfile(overrides: Partial<DeviceProfile> & { mn: string }): DeviceProfile {
  return {
    passwordVerifier: plainVerifier('secret'),
    enabled: true,
    protocolVersion: '2017',
    tolerant: false,
    enterpriseUscc: '91140800MA0K000001',
    cellId: 'YH-C0001',
    townshipCode: '140802001',
    units: new Map([['a21026', 'mg/m3']]),
    ...overrides,
  };
}

export function fakeDevices(profiles: DeviceProfile[]): DeviceDirectory {
  const byMn = new Map(profiles.map((profile) => [profile.mn, profile]));
  return { profile: (mn) => byMn.get(mn) };
}

export function fakeSink(options: { fail?: boolean } = {}): ObservationSink & { stored: Observation[] } {
  const stored: Observation[] = [];
  return {
    stored,
    record: async (observations) => {
      if (options.fail) throw new Error('broker unavailable');
      stored.push(...observations);
    },
  };
}

export function fakeStatus(options: { fail?: boolean } = {}): StatusSink & { reports: DeviceStatusReport[] } {
  const reports: DeviceStatusReport[] = [];
  return {
    reports,
    report: async (items) => {
      if (options.fail) throw new Error('broker unavailable');
      reports.push(...items);
    },
  };
}

export function fakeRejections(): RejectionSink & { rejected: Rejection[] } {
  const rejected: Rejection[] = [];
  return { rejected, reject: async (items) => void rejected.push(...items) };
}

export function countingCounters(): IngestCounters & { duplicates: number; memoryFailures: number } {
  const counters = {
    duplicates: 0,
    memoryFailures: 0,
    duplicate: () => void (counters.duplicates += 1),
    authentication: () => undefined,
    memoryUnavailable: () => void (counters.memoryFailures += 1),
  };
  return counters;
}

export { createInMemoryObservationMemory };

import { decideAccess, type AccessDecision } from '../domain/device-access';
import type { CredentialChecker, DeviceDirectory, DeviceThrottle, IngestCounters } from './ports';

export interface AuthenticateDeviceDeps {
  devices: DeviceDirectory;
  credentials: CredentialChecker;
  throttle: DeviceThrottle;
  counters?: Pick<IngestCounters, 'authentication'>;
}

/**
 * Authenticates a device by MN and password, from a peer address. A credential verified a short while ago passes
 * at once (a device sends every few seconds; scrypt and a Redis round trip per frame would cost throughput). Any
 * other attempt is counted against the limits first — one over them is refused without running scrypt — then
 * verified; a success gives its count back.
 */
export function createAuthenticateDevice(deps: AuthenticateDeviceDeps) {
  return async function authenticateDevice(mn: string, password: string, address: string): Promise<AccessDecision> {
    const device = deps.devices.profile(mn);
    if (device && deps.credentials.remembered(mn, device.passwordVerifier, password)) {
      deps.counters?.authentication('remembered');
      return decideAccess(device, true);
    }
    const attempt = { address, mn };
    if (!(await deps.throttle.admitAuthentication(attempt))) {
      deps.counters?.authentication('throttled');
      return { ok: false, reason: 'throttled' };
    }
    const matches = await deps.credentials.check(mn, device?.passwordVerifier, password);
    const decision = decideAccess(device, matches);
    if (!device || !matches) deps.counters?.authentication('failed');
    else {
      deps.counters?.authentication('verified');
      await deps.throttle.authenticationSucceeded(attempt);
    }
    return decision;
  };
}

export type AuthenticateDevice = ReturnType<typeof createAuthenticateDevice>;

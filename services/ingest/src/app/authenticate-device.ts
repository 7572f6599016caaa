import { decideAccess, type AccessDecision } from '../domain/device-access';
import type { CredentialChecker, DeviceDirectory, DeviceThrottle } from './ports';

export interface AuthenticateDeviceDeps {
  devices: DeviceDirectory;
  credentials: CredentialChecker;
  throttle: DeviceThrottle;
}

/**
 * Authenticates a device by MN and password, from a peer address. A credential verified a short while ago passes
 * at once (a device sends every few seconds; scrypt and a Redis round trip per frame would cost throughput). Any
 * other attempt is first checked against the failure limits — a blocked one is refused without running scrypt —
 * then verified, and its outcome counted.
 */
export function createAuthenticateDevice(deps: AuthenticateDeviceDeps) {
  return async function authenticateDevice(mn: string, password: string, address: string): Promise<AccessDecision> {
    const device = deps.devices.profile(mn);
    if (device && deps.credentials.remembered(mn, device.passwordVerifier, password)) return decideAccess(device, true);
    const attempt = { address, mn };
    if (await deps.throttle.authenticationBlocked(attempt)) return { ok: false, reason: 'throttled' };
    const matches = await deps.credentials.check(mn, device?.passwordVerifier, password);
    const decision = decideAccess(device, matches);
    if (!device || !matches) await deps.throttle.authenticationFailed(attempt);
    else await deps.throttle.authenticationSucceeded(attempt);
    return decision;
  };
}

export type AuthenticateDevice = ReturnType<typeof createAuthenticateDevice>;

import { decideAccess, type AccessDecision } from '../domain/device-access';
import type { CredentialChecker, DeviceDirectory, DeviceThrottle, IngestCounters } from './ports';

export interface AuthenticateDeviceDeps {
  devices: DeviceDirectory;
  credentials: CredentialChecker;
  throttle: DeviceThrottle;
  counters?: Pick<IngestCounters, 'authentication'>;
  /**
   * Password checks one peer address may have running at once (default 8); more wait their turn. A guesser's
   * concurrent attempts could otherwise all pass the address's failure count before the first failure is added.
   */
  maxConcurrentChecksPerAddress?: number;
}

/** At most `limit` tasks at a time per key; the rest wait in order. */
function keyedLanes(limit: number) {
  const lanes = new Map<string, { running: number; waiting: Array<() => void> }>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { running: 0, waiting: [] };
      lanes.set(key, lane);
    }
    const current = lane;
    if (current.running >= limit) await new Promise<void>((resolve) => current.waiting.push(resolve));
    else current.running += 1;
    try {
      return await task();
    } finally {
      const next = current.waiting.shift();
      // A waiter inherits the slot; with none left the slot is freed, and an idle lane forgotten.
      if (next) next();
      else if ((current.running -= 1) === 0) lanes.delete(key);
    }
  };
}

/**
 * Authenticates a device by MN and password, from a peer address. A credential verified a short while ago passes
 * at once (a device sends every few seconds; scrypt and a Redis round trip per frame would cost throughput). Any
 * other attempt goes through the throttle first — one over a limit is refused without running scrypt — then is
 * verified, and its outcome counted. Failures count against the address; attempts count against the (address, MN)
 * pair and the MN before their check and are given back on success, so many devices behind one address can all
 * connect at once while guesses, however concurrent, cannot outrun the counts.
 */
export function createAuthenticateDevice(deps: AuthenticateDeviceDeps) {
  const lane = keyedLanes(deps.maxConcurrentChecksPerAddress ?? 8);
  return async function authenticateDevice(mn: string, password: string, address: string): Promise<AccessDecision> {
    const remembered = (): AccessDecision | undefined => {
      const device = deps.devices.profile(mn);
      if (!device || !deps.credentials.remembered(mn, device.passwordVerifier, password)) return undefined;
      deps.counters?.authentication('remembered');
      return decideAccess(device, true);
    };
    const known = remembered();
    if (known) return known;
    return lane(address, async () => {
      // While this waited, a frame with the same credential may have been verified.
      const meanwhile = remembered();
      if (meanwhile) return meanwhile;
      const device = deps.devices.profile(mn);
      const attempt = { address, mn };
      if (!(await deps.throttle.admitAuthentication(attempt))) {
        deps.counters?.authentication('throttled');
        return { ok: false, reason: 'throttled' };
      }
      const matches = await deps.credentials.check(mn, device?.passwordVerifier, password);
      const decision = decideAccess(device, matches);
      if (!device || !matches) {
        deps.counters?.authentication('failed');
        await deps.throttle.authenticationFailed(attempt);
      } else {
        deps.counters?.authentication('verified');
        await deps.throttle.authenticationSucceeded(attempt);
      }
      return decision;
    });
  };
}

export type AuthenticateDevice = ReturnType<typeof createAuthenticateDevice>;

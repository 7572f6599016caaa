import { timingSafeEqual } from 'node:crypto';

/** What ingest needs to know about a registered device. */
export interface DeviceProfile {
  mn: string;
  password: string;
  enabled: boolean;
  protocolVersion: '2005' | '2017' | '2025' | 'auto';
  tolerant: boolean;
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  /** Units by factor code, from the device's registered factors. */
  units: ReadonlyMap<string, string>;
}

export type AccessDecision = { ok: true; device: DeviceProfile } | { ok: false; reason: 'unknown_device' | 'wrong_password' | 'device_disabled' };

function samePassword(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  // Compare in constant time so response timing does not reveal how much of a password was right.
  return a.length === b.length && timingSafeEqual(a, b);
}

/** HJ 212 authenticates each frame by MN and PW; unknown, wrong and disabled are told apart for operators. */
export function decideAccess(device: DeviceProfile | undefined, password: string): AccessDecision {
  if (!device) return { ok: false, reason: 'unknown_device' };
  if (!samePassword(device.password, password)) return { ok: false, reason: 'wrong_password' };
  if (!device.enabled) return { ok: false, reason: 'device_disabled' };
  return { ok: true, device };
}

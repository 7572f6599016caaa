import type { PasswordVerifier } from '@ecogrid/device-credentials';

/** What ingest needs to know about a registered device. */
export interface DeviceProfile {
  mn: string;
  /** The salted verifier the registry published; the password itself never reaches ingest. */
  passwordVerifier: PasswordVerifier | undefined;
  enabled: boolean;
  protocolVersion: '2005' | '2017' | '2025' | 'auto';
  tolerant: boolean;
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  /** Units by factor code, from the device's registered factors. */
  units: ReadonlyMap<string, string>;
}

/** Why a device was refused. The first three are told apart only for operators (the rejected topic, metrics). */
export type AccessRefusal = 'unknown_device' | 'wrong_password' | 'throttled' | 'device_disabled';

export type AccessDecision = { ok: true; device: DeviceProfile } | { ok: false; reason: AccessRefusal };

/** The one code a device or caller is told for any failed authentication. */
export const AUTHENTICATION_FAILED = 'authentication_failed';

/**
 * What the caller is told: an unknown MN, a wrong password and a throttled attempt all read the same, so
 * answers never say whether an MN exists. A disabled device is named: only the holder of its password learns it.
 */
export function publicReason(reason: AccessRefusal): string {
  return reason === 'device_disabled' ? reason : AUTHENTICATION_FAILED;
}

/** HJ 212 authenticates each frame by MN and PW; `passwordMatches` is the verifier's answer. */
export function decideAccess(device: DeviceProfile | undefined, passwordMatches: boolean): AccessDecision {
  if (!device) return { ok: false, reason: 'unknown_device' };
  if (!passwordMatches) return { ok: false, reason: 'wrong_password' };
  if (!device.enabled) return { ok: false, reason: 'device_disabled' };
  return { ok: true, device };
}

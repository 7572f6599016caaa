import { DeviceKind, ProtocolVersion, type Device, type PasswordVerifier as WireVerifier } from '@ecogrid/proto/registry/v1/entities';
import type { PasswordVerifier } from '@ecogrid/device-credentials';
import type { RegistryView } from '@ecogrid/registry-view';
import type { DeviceProfile } from '../../domain/device-access';
import type { DeviceDirectory } from '../../app/ports';

const VERSION: Record<number, DeviceProfile['protocolVersion']> = {
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2005]: '2005',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2017]: '2017',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2025]: '2025',
};

/** Only scrypt verifiers are known; a device with anything else has no usable verifier and is refused. */
function toVerifier(verifier: WireVerifier | undefined): PasswordVerifier | undefined {
  if (!verifier || verifier.algorithm !== 'scrypt') return undefined;
  return { algorithm: 'scrypt', log2N: verifier.log2N, blockSize: verifier.blockSize, parallelism: verifier.parallelism, salt: verifier.salt, hash: verifier.hash };
}

export function toDeviceProfile(device: Device): DeviceProfile {
  return {
    mn: device.mn,
    // Built once per registry change: the credential cache binds a verified password to this very object.
    passwordVerifier: toVerifier(device.passwordVerifier),
    enabled: device.enabled,
    protocolVersion: VERSION[device.protocolVersion] ?? 'auto',
    tolerant: device.tolerant,
    enterpriseUscc: device.enterpriseUscc,
    cellId: device.cellId,
    townshipCode: device.townshipCode,
    units: new Map(device.factors.map((factor) => [factor.factorCode, factor.unit])),
  };
}

/**
 * Devices from the registry view (compacted topics, in memory). Profiles are built once per device and
 * dropped when the registry says the device changed, so the hot path does no conversion per frame.
 */
export function createRegistryDeviceDirectory(view: RegistryView): DeviceDirectory & { close(): void } {
  const profiles = new Map<string, DeviceProfile | null>();
  const unsubscribe = view.onChange((change) => {
    if (change.entity === 'device') profiles.delete(change.id);
  });
  return {
    profile: (mn) => {
      const cached = profiles.get(mn);
      if (cached !== undefined) return cached ?? undefined;
      const device = view.device(mn);
      // Cameras carry no HJ 212 data; they are registered for the console, not for ingest.
      const profile = device && device.kind !== DeviceKind.DEVICE_KIND_CAMERA ? toDeviceProfile(device) : undefined;
      // Unknown MNs are not cached: a device registered a moment later must be recognised at once.
      if (profile) profiles.set(mn, profile);
      return profile;
    },
    close: unsubscribe,
  };
}

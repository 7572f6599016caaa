import type { RegistryView } from '@ecogrid/registry-view';
import { DeviceKind, TargetKind, type Device } from '@ecogrid/proto/registry/v1/entities';
import type { DeviceDirectory } from '../../app/ports';
import { DEVICE_KINDS, TARGET_KINDS, type DeviceKindName, type TargetKindName } from '../../domain/kinds';
import type { DeviceProfile } from '../../domain/model';

const deviceKindByNumber = new Map<number, DeviceKindName>(DEVICE_KINDS.map((name) => [(DeviceKind as unknown as Record<string, number>)[`DEVICE_KIND_${name}`] ?? -1, name]));
const targetKindByNumber = new Map<number, TargetKindName>(TARGET_KINDS.map((name) => [(TargetKind as unknown as Record<string, number>)[`TARGET_KIND_${name}`] ?? -1, name]));
const targetKindNumber = new Map<TargetKindName, TargetKind>([...targetKindByNumber].map(([number, name]) => [name, number as TargetKind]));

/** The wire enums as alerting's domain names them; a kind this build does not know maps to UNKNOWN. */
export function deviceKindName(kind: number): DeviceKindName | 'UNKNOWN' {
  return deviceKindByNumber.get(kind) ?? 'UNKNOWN';
}

export function targetKindName(kind: number): TargetKindName | undefined {
  return targetKindByNumber.get(kind);
}

/**
 * The registry view as alerting reads it: devices by MN, sensitive targets near a point, mapped onto the domain's
 * types. The view replaces a device's object when it changes, so a profile is mapped once per version of a device.
 */
export function createRegistryDirectory(view: RegistryView): DeviceDirectory {
  const profiles = new WeakMap<Device, DeviceProfile>();
  // The kinds lists come from the compiled ruleset and live as long as it: each is mapped to wire numbers once, not
  // on every episode step that looks for targets.
  const wireKinds = new WeakMap<readonly TargetKindName[], TargetKind[]>();
  const wireKindsOf = (kinds: readonly TargetKindName[]): TargetKind[] => {
    let numbers = wireKinds.get(kinds);
    if (!numbers) {
      numbers = kinds.map((kind) => targetKindNumber.get(kind) ?? TargetKind.TARGET_KIND_UNSPECIFIED);
      wireKinds.set(kinds, numbers);
    }
    return numbers;
  };
  const profileOf = (device: Device): DeviceProfile => {
    let profile = profiles.get(device);
    if (!profile) {
      profile = {
        mn: device.mn,
        kind: deviceKindName(device.kind),
        enabled: device.enabled,
        enterpriseUscc: device.enterpriseUscc,
        cellId: device.cellId,
        townshipCode: device.townshipCode,
        location: device.location,
        factors: device.factors,
      };
      profiles.set(device, profile);
    }
    return profile;
  };
  return {
    device: (mn) => {
      const device = view.device(mn);
      return device ? profileOf(device) : undefined;
    },
    targetsNear: (location, radiusM, kinds) => {
      const near = view.targetsNear(location, radiusM, wireKindsOf(kinds));
      const found: Array<{ id: string; kind: TargetKindName; distanceM: number }> = [];
      for (const entry of near) {
        const kind = targetKindName(entry.target.kind);
        if (kind) found.push({ id: entry.target.id, kind, distanceM: entry.distanceM });
      }
      return found;
    },
  };
}

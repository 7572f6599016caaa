import type { RegistryView } from '@ecogrid/registry-view';
import type { TargetKind } from '@ecogrid/proto/registry/v1/entities';
import type { DeviceDirectory } from '../../app/ports';

/** The registry view as alerting reads it: devices by MN, sensitive targets near a point. */
export function createRegistryDirectory(view: RegistryView): DeviceDirectory {
  return {
    device: (mn) => view.device(mn),
    targetsNear: (location, radiusM, kinds) =>
      view.targetsNear(location, radiusM, kinds as TargetKind[]).map((near) => ({ id: near.target.id, kind: near.target.kind, distanceM: near.distanceM })),
  };
}

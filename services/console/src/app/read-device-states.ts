import type { DeviceState } from '../domain/device-states';
import type { MapLayers } from '../domain/grid-map';
import { seesWholeDistrict, type StaffUser } from '../domain/staff-user';
import type { DeviceStateView } from './ports';

/**
 * Devices' online state and newest values as `user` may see them: the district roles every device, a supervisor the
 * devices of their township (as the registry places them), an officer none (their view is their own cases).
 */
export function createReadDeviceStates(deps: { readMapLayers: (user: StaffUser) => Promise<MapLayers>; devices: DeviceStateView }) {
  return async function readDeviceStates(user: StaffUser): Promise<DeviceState[]> {
    if (seesWholeDistrict(user)) return deps.devices.states();
    if (user.role !== 'supervisor' || !user.townshipCode) return [];
    const ownTownship = new Set((await deps.readMapLayers(user)).devices.filter((device) => device.townshipCode === user.townshipCode).map((device) => device.mn));
    return deps.devices.states().filter((state) => ownTownship.has(state.mn));
  };
}

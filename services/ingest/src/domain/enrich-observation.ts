import type { DeviceProfile } from './device-access';
import type { Observation } from './observation';

/** Adds what the registry knows — enterprise, cell, township, units — so consumers need no lookup. */
export function enrichObservation(observation: Observation, device: DeviceProfile): Observation {
  if (device.enterpriseUscc) observation.enterpriseUscc = device.enterpriseUscc;
  if (device.cellId) observation.cellId = device.cellId;
  if (device.townshipCode) observation.townshipCode = device.townshipCode;
  for (const measurement of observation.measurements) {
    const unit = device.units.get(measurement.factorCode);
    if (unit !== undefined) measurement.unit = unit;
  }
  return observation;
}

import { notFound } from '@ecogrid/domain-errors';
import { checkDeviceIdentity } from '../domain/device-rules';
import type { RegistryRepository } from './ports';
import { throwIfBlocking } from './problems-to-error';

export interface RotatedPassword {
  mn: string;
  /** The new password, shown once to whoever rotates it: the registry answers with it nowhere else. */
  password: string;
}

/**
 * Gives a device a new HJ 212 password (the one given, or a fresh random one). The registry stores it and
 * publishes the device with the new verifier; ingest checks the next frame against that, so the old password
 * stops working as soon as ingest has read the change.
 */
export function createRotateDevicePassword(deps: { registry: RegistryRepository; randomPassword: () => string }) {
  return async function rotateDevicePassword(mn: string, given?: string): Promise<RotatedPassword> {
    const device = await deps.registry.getDevice(mn);
    if (!device) throw notFound('device', mn);
    const password = given ?? deps.randomPassword();
    throwIfBlocking(checkDeviceIdentity({ ...device, password }).filter((problem) => problem.field === 'password').map((problem) => ({ ...problem, line: 0 })));
    await deps.registry.write((writer) => writer.putDevices([{ ...device, password }]));
    return { mn, password };
  };
}

export type RotateDevicePassword = ReturnType<typeof createRotateDevicePassword>;

import type { WrappedKey } from '../domain/entities';
import type { RegistryRepository } from './ports';

/** A 1014 rotation a device confirmed, as ingest published it (its command succeeded). */
export interface ConfirmedRotation {
  mn: string;
  /** The new key, wrapped with the platform's KEK by ingest: the registry never sees it in clear. */
  key: WrappedKey;
  /** When the device's 9012 ExeRtn=1 arrived. */
  confirmedAt: Date;
}

/**
 * Makes a key the device confirmed (HJ 212-2025 1014, 9012 ExeRtn=1) the device's key in the registry, keeping the
 * one it replaces as the previous key for `graceMs` after the confirmation, so frames the device sent before it
 * switched still open; the device is published with both, wrapped. Idempotent: a redelivered event changes nothing.
 */
export function createAdoptRotatedKey(deps: { registry: Pick<RegistryRepository, 'write'>; graceMs: number }) {
  return async function adoptRotatedKey(rotation: ConfirmedRotation): Promise<'rotated' | 'unchanged' | 'unknown'> {
    const previousUntil = new Date(rotation.confirmedAt.getTime() + deps.graceMs);
    return deps.registry.write((writer) => writer.rotateDeviceKey(rotation.mn, rotation.key, previousUntil));
  };
}

export type AdoptRotatedKey = ReturnType<typeof createAdoptRotatedKey>;

export { createRegistryView, type CreateRegistryViewOptions } from './create-registry-view';
export { createRegistryViewFromSnapshot, type SnapshotRegistryView } from './create-registry-view-from-snapshot';
export type { LocateResult, NearbyTarget, OnDutySource, RegistryChange, RegistryEntity, RegistrySnapshot, RegistryView } from './types';

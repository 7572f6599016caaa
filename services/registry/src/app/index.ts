export { createImportFile, IMPORT_KINDS, type ImportFile, type ImportKind, type ImportOutcome } from './import-file';
export { createUpsertEntity, type UpsertEntity } from './upsert-entity';
export { createDeleteEntity, type DeleteEntity } from './delete-entity';
export { createLocateCell, type GridLocation, type GridView, type LocateCell, type LocatedCell, type OnDutySource } from './locate-cell';
export { createFindNearby, type FindNearby, type NearbyRequest } from './find-nearby';
export type * from './ports';
export { createRotateDevicePassword, type RotateDevicePassword, type RotatedPassword } from './rotate-device-password';
export { createAttachPasswordVerifiers } from './attach-password-verifiers';
export { createAdoptRotatedKey, type AdoptRotatedKey, type ConfirmedRotation } from './adopt-rotated-key';

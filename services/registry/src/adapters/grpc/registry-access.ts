import type { AccessPolicy } from '@ecogrid/grpc';
import { STAFF_ROLES } from '@ecogrid/staff-auth';

const SERVICE = '/ecogrid.registry.v1.RegistryService/';
const READS = ['LocateCell', 'GetTownship', 'ListTownships', 'GetCell', 'ListCells', 'ListCellVersions', 'GetOfficer', 'ListOfficers', 'GetDevice', 'ListDevices', 'GetEnterprise', 'ListEnterprises', 'GetTarget', 'ListTargets', 'NearbySensitiveTargets', 'NearbyRiskSources', 'NearbyEmergencyResources'];
const WRITES = ['UpsertTownship', 'UpsertCell', 'DeleteCell', 'UpsertOfficer', 'DeleteOfficer', 'UpsertDevice', 'DeleteDevice', 'UpsertEnterprise', 'DeleteEnterprise', 'UpsertTarget', 'DeleteTarget', 'Import'];

/**
 * Who may call what on the registry: every staff role reads it; only administrators change it or import files.
 * The matrix of every role against every method is in docs/security.md.
 */
export const REGISTRY_ACCESS: AccessPolicy = Object.fromEntries([
  ...READS.map((method) => [`${SERVICE}${method}`, { roles: STAFF_ROLES }] as const),
  ...WRITES.map((method) => [`${SERVICE}${method}`, { roles: ['admin'] }] as const),
]);

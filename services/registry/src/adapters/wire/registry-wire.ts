import * as wire from '@ecogrid/proto/registry/v1/entities';
import { invalidArgument } from '@ecogrid/domain-errors';
import { categoryOf } from '../../domain/codes';
import type {
  Cell,
  Device,
  DeviceFactor,
  DeviceKind,
  DutyShift,
  Enterprise,
  Officer,
  OfficerRole,
  Outlet,
  PasswordVerifier,
  WrappedKey,
  CpEncryptionLayout,
  Point,
  ProtocolVersion,
  Target,
  TargetCategory,
  TargetKind,
  Township,
} from '../../domain/entities';

/**
 * The one mapping between the registry's records and their protobuf form (ecogrid.registry.v1), used by every
 * adapter that speaks it: the gRPC API, the events, the stored documents and the registry view. Enumerations map
 * by name; the wire's zero ("unspecified") and unknown numbers have no domain value, so a record without its role
 * or kind is refused here, naming the field.
 */

/** Both directions of one enumeration, from a table of every domain value. */
function enumeration<D extends string, W extends number>(table: Readonly<Record<D, W>>) {
  const back = new Map<number, D>(Object.entries(table).map(([name, number]) => [number as number, name as D]));
  return {
    toWire: (value: D): W => table[value],
    /** The domain value, or undefined for the wire's zero or a number this build does not know. */
    fromWire: (value: W): D | undefined => back.get(value),
  };
}

export const officerRoles = enumeration<OfficerRole, wire.OfficerRole>({
  grid_officer: wire.OfficerRole.OFFICER_ROLE_GRID_OFFICER,
  supervisor: wire.OfficerRole.OFFICER_ROLE_SUPERVISOR,
  command_center: wire.OfficerRole.OFFICER_ROLE_COMMAND_CENTER,
});

export const deviceKinds = enumeration<DeviceKind, wire.DeviceKind>({
  national_air_station: wire.DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION,
  provincial_air_station: wire.DeviceKind.DEVICE_KIND_PROVINCIAL_AIR_STATION,
  micro_air_station: wire.DeviceKind.DEVICE_KIND_MICRO_AIR_STATION,
  water_station: wire.DeviceKind.DEVICE_KIND_WATER_STATION,
  flue_gas_cems: wire.DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  wastewater_outlet: wire.DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET,
  power_usage_monitor: wire.DeviceKind.DEVICE_KIND_POWER_USAGE_MONITOR,
  camera: wire.DeviceKind.DEVICE_KIND_CAMERA,
});

export const protocolVersions = enumeration<ProtocolVersion, wire.ProtocolVersion>({
  '2005': wire.ProtocolVersion.PROTOCOL_VERSION_HJ212_2005,
  '2017': wire.ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  '2025': wire.ProtocolVersion.PROTOCOL_VERSION_HJ212_2025,
});

export const targetKinds = enumeration<TargetKind, wire.TargetKind>({
  drinking_water_source: wire.TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE,
  nature_reserve: wire.TargetKind.TARGET_KIND_NATURE_RESERVE,
  ecological_red_line: wire.TargetKind.TARGET_KIND_ECOLOGICAL_RED_LINE,
  school: wire.TargetKind.TARGET_KIND_SCHOOL,
  hospital: wire.TargetKind.TARGET_KIND_HOSPITAL,
  residential_area: wire.TargetKind.TARGET_KIND_RESIDENTIAL_AREA,
  hazardous_chemical_store: wire.TargetKind.TARGET_KIND_RISK_HAZARDOUS_CHEMICAL_STORE,
  hazardous_waste_site: wire.TargetKind.TARGET_KIND_RISK_HAZARDOUS_WASTE_SITE,
  sewage_plant: wire.TargetKind.TARGET_KIND_RISK_SEWAGE_PLANT,
  emergency_team: wire.TargetKind.TARGET_KIND_EMERGENCY_TEAM,
  emergency_monitoring_vehicle: wire.TargetKind.TARGET_KIND_EMERGENCY_MONITORING_VEHICLE,
  emergency_supplies: wire.TargetKind.TARGET_KIND_EMERGENCY_SUPPLIES,
});

export const targetCategories = enumeration<TargetCategory, wire.TargetCategory>({
  sensitive: wire.TargetCategory.TARGET_CATEGORY_SENSITIVE,
  risk_source: wire.TargetCategory.TARGET_CATEGORY_RISK_SOURCE,
  emergency_resource: wire.TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE,
});

/** A required enumeration of a record from the wire: its domain value, or INVALID_ARGUMENT naming the field. */
function required<D>(value: D | undefined, field: string): D {
  if (value === undefined) throw invalidArgument(field, `${field} is required`, 'missing_field');
  return value;
}

const pointFromWire = (point: wire.Point | undefined): Point | undefined => (point ? { lon: point.lon, lat: point.lat } : undefined);
const pointToWire = (point: Point | undefined): wire.Point | undefined => (point ? { lon: point.lon, lat: point.lat } : undefined);

const factorFromWire = (factor: wire.DeviceFactor): DeviceFactor => ({
  factorCode: factor.factorCode,
  unit: factor.unit,
  ...(factor.limit === undefined ? {} : { limit: factor.limit }),
  limitOnConverted: factor.limitOnConverted,
});
const factorToWire = (factor: DeviceFactor): wire.DeviceFactor => ({
  factorCode: factor.factorCode,
  unit: factor.unit,
  ...(factor.limit === undefined ? {} : { limit: factor.limit }),
  limitOnConverted: factor.limitOnConverted,
});

export function townshipFromWire(township: wire.Township): Township {
  return { code: township.code, name: township.name, kind: township.kind, supervisorOfficerId: township.supervisorOfficerId, districtCode: township.districtCode };
}

export function townshipToWire(township: Township): wire.Township {
  return { code: township.code, name: township.name, kind: township.kind, supervisorOfficerId: township.supervisorOfficerId, districtCode: township.districtCode };
}

export function cellFromWire(cell: wire.Cell): Cell {
  return {
    id: cell.id,
    name: cell.name,
    townshipCode: cell.townshipCode,
    geometryGeojson: cell.geometryGeojson,
    ...(cell.validFrom ? { validFrom: cell.validFrom } : {}),
    ...(cell.validTo ? { validTo: cell.validTo } : {}),
    version: cell.version,
    areaM2: cell.areaM2,
  };
}

export function cellToWire(cell: Cell): wire.Cell {
  return {
    id: cell.id,
    name: cell.name,
    townshipCode: cell.townshipCode,
    geometryGeojson: cell.geometryGeojson,
    ...(cell.validFrom ? { validFrom: cell.validFrom } : {}),
    ...(cell.validTo ? { validTo: cell.validTo } : {}),
    version: cell.version,
    areaM2: cell.areaM2,
  };
}

const shiftFromWire = (shift: wire.DutyShift): DutyShift => ({
  cellId: shift.cellId,
  ...(shift.startsAt ? { startsAt: shift.startsAt } : {}),
  ...(shift.endsAt ? { endsAt: shift.endsAt } : {}),
});
const shiftToWire = (shift: DutyShift): wire.DutyShift => ({
  cellId: shift.cellId,
  ...(shift.startsAt ? { startsAt: shift.startsAt } : {}),
  ...(shift.endsAt ? { endsAt: shift.endsAt } : {}),
});

export function officerFromWire(officer: wire.Officer): Officer {
  return {
    id: officer.id,
    name: officer.name,
    role: required(officerRoles.fromWire(officer.role), 'role'),
    townshipCode: officer.townshipCode,
    cellIds: [...officer.cellIds],
    contact: officer.contact,
    roster: officer.roster.map(shiftFromWire),
    active: officer.active,
  };
}

export function officerToWire(officer: Officer): wire.Officer {
  return {
    id: officer.id,
    name: officer.name,
    role: officerRoles.toWire(officer.role),
    townshipCode: officer.townshipCode,
    cellIds: [...officer.cellIds],
    contact: officer.contact,
    roster: officer.roster.map(shiftToWire),
    active: officer.active,
  };
}

export function deviceFromWire(device: wire.Device): Device {
  const location = pointFromWire(device.location);
  return {
    mn: device.mn,
    name: device.name,
    kind: required(deviceKinds.fromWire(device.kind), 'kind'),
    ...(location ? { location } : {}),
    enterpriseUscc: device.enterpriseUscc,
    outletId: device.outletId,
    cellId: device.cellId,
    townshipCode: device.townshipCode,
    factors: device.factors.map(factorFromWire),
    password: device.password,
    protocolVersion: required(protocolVersions.fromWire(device.protocolVersion), 'protocol_version'),
    tolerant: device.tolerant,
    enabled: device.enabled,
    systemCode: device.systemCode,
    ...(device.passwordVerifier ? { passwordVerifier: verifierFromWire(device.passwordVerifier) } : {}),
    ...(device.sm4Key ? { sm4Key: device.sm4Key } : {}),
    ...(device.sm4KeyWrapped ? { sm4KeyWrapped: wrappedFromWire(device.sm4KeyWrapped) } : {}),
    ...(device.cpEncryption ? { cpEncryption: layoutFromWire(device.cpEncryption) } : {}),
    ...(device.previousSm4KeyWrapped && device.previousSm4KeyUntil
      ? { previousSm4KeyWrapped: wrappedFromWire(device.previousSm4KeyWrapped), previousSm4KeyUntil: device.previousSm4KeyUntil }
      : {}),
  };
}

const wrappedFromWire = (key: wire.WrappedKey): WrappedKey => ({
  kekId: key.kekId,
  algorithm: 'aes-256-gcm',
  iv: new Uint8Array(key.iv),
  ciphertext: new Uint8Array(key.ciphertext),
  tag: new Uint8Array(key.tag),
});
const wrappedToWire = (key: WrappedKey): wire.WrappedKey => ({
  kekId: key.kekId,
  algorithm: key.algorithm,
  iv: Buffer.from(key.iv),
  ciphertext: Buffer.from(key.ciphertext),
  tag: Buffer.from(key.tag),
});

const LAYOUT_VALUES = {
  encoding: ['braces', 'hex', 'base64'],
  padding: ['none', 'pkcs7'],
  lengthCounts: ['plaintext', 'transmitted'],
  crcOver: ['plaintext', 'transmitted'],
} as const;

/** A layout as sent; empty fields are Annex A.2's (braces, none, plaintext, plaintext). */
export function layoutFromWire(layout: wire.CpEncryptionLayout): CpEncryptionLayout {
  const pick = <K extends keyof typeof LAYOUT_VALUES>(key: K, field: string, value: string): (typeof LAYOUT_VALUES)[K][number] => {
    const allowed: readonly string[] = LAYOUT_VALUES[key];
    if (value === '') return LAYOUT_VALUES[key][0];
    if (!allowed.includes(value)) throw invalidArgument(`cp_encryption.${field}`, `cp_encryption.${field} must be one of ${allowed.join(', ')}`);
    return value as (typeof LAYOUT_VALUES)[K][number];
  };
  return {
    encoding: pick('encoding', 'encoding', layout.encoding),
    padding: pick('padding', 'padding', layout.padding),
    lengthCounts: pick('lengthCounts', 'length_counts', layout.lengthCounts),
    crcOver: pick('crcOver', 'crc_over', layout.crcOver),
  };
}

const verifierFromWire = (verifier: wire.PasswordVerifier): PasswordVerifier | undefined =>
  verifier.algorithm === 'scrypt'
    ? { algorithm: 'scrypt', log2N: verifier.log2N, blockSize: verifier.blockSize, parallelism: verifier.parallelism, salt: new Uint8Array(verifier.salt), hash: new Uint8Array(verifier.hash) }
    : undefined;

const verifierToWire = (verifier: PasswordVerifier): wire.PasswordVerifier => ({
  algorithm: verifier.algorithm,
  log2N: verifier.log2N,
  blockSize: verifier.blockSize,
  parallelism: verifier.parallelism,
  salt: Buffer.from(verifier.salt),
  hash: Buffer.from(verifier.hash),
});

/**
 * A device as readers get it: neither its password nor its verifier leaves the registry in an answer, nor its SM4
 * key in any form — only whether it has one.
 */
export function deviceToWireForReaders(device: Device): wire.Device {
  return { ...deviceToWire(device), password: '', passwordVerifier: undefined, sm4KeyWrapped: undefined, previousSm4KeyWrapped: undefined, previousSm4KeyUntil: undefined };
}

/** A device as the devices topic carries it: the verifier ingest checks and the wrapped SM4 key, never the password. */
export function deviceToWireForTopic(device: Device): wire.Device {
  return { ...deviceToWire(device), password: '' };
}

export function deviceToWire(device: Device): wire.Device {
  return {
    mn: device.mn,
    name: device.name,
    kind: deviceKinds.toWire(device.kind),
    location: pointToWire(device.location),
    enterpriseUscc: device.enterpriseUscc,
    outletId: device.outletId,
    cellId: device.cellId,
    townshipCode: device.townshipCode,
    factors: device.factors.map(factorToWire),
    password: device.password,
    protocolVersion: protocolVersions.toWire(device.protocolVersion),
    tolerant: device.tolerant,
    enabled: device.enabled,
    systemCode: device.systemCode,
    passwordVerifier: device.passwordVerifier ? verifierToWire(device.passwordVerifier) : undefined,
    // The key as given is never stored nor sent on: only its wrapped form is.
    sm4Key: undefined,
    sm4KeyWrapped: device.sm4KeyWrapped ? wrappedToWire(device.sm4KeyWrapped) : undefined,
    cpEncryption: device.cpEncryption
      ? { encoding: device.cpEncryption.encoding, padding: device.cpEncryption.padding, lengthCounts: device.cpEncryption.lengthCounts, crcOver: device.cpEncryption.crcOver }
      : undefined,
    previousSm4KeyWrapped: device.previousSm4KeyWrapped ? wrappedToWire(device.previousSm4KeyWrapped) : undefined,
    previousSm4KeyUntil: device.previousSm4KeyWrapped ? device.previousSm4KeyUntil : undefined,
    hasSm4Key: device.sm4KeyWrapped !== undefined,
  };
}

const outletFromWire = (outlet: wire.Outlet): Outlet => {
  const location = pointFromWire(outlet.location);
  return {
    id: outlet.id,
    name: outlet.name,
    kind: outlet.kind,
    ...(location ? { location } : {}),
    deviceMns: [...outlet.deviceMns],
    permitLimits: outlet.permitLimits.map(factorFromWire),
  };
};
const outletToWire = (outlet: Outlet): wire.Outlet => ({
  id: outlet.id,
  name: outlet.name,
  kind: outlet.kind,
  location: pointToWire(outlet.location),
  deviceMns: [...outlet.deviceMns],
  permitLimits: outlet.permitLimits.map(factorToWire),
});

export function enterpriseFromWire(enterprise: wire.Enterprise): Enterprise {
  const location = pointFromWire(enterprise.location);
  return {
    uscc: enterprise.uscc,
    name: enterprise.name,
    industry: enterprise.industry,
    keyDischargeUnit: enterprise.keyDischargeUnit,
    permitNumber: enterprise.permitNumber,
    ...(location ? { location } : {}),
    townshipCode: enterprise.townshipCode,
    cellId: enterprise.cellId,
    outlets: enterprise.outlets.map(outletFromWire),
  };
}

export function enterpriseToWire(enterprise: Enterprise): wire.Enterprise {
  return {
    uscc: enterprise.uscc,
    name: enterprise.name,
    industry: enterprise.industry,
    keyDischargeUnit: enterprise.keyDischargeUnit,
    permitNumber: enterprise.permitNumber,
    location: pointToWire(enterprise.location),
    townshipCode: enterprise.townshipCode,
    cellId: enterprise.cellId,
    outlets: enterprise.outlets.map(outletToWire),
  };
}

/** The category is derived from the kind: whatever the wire says of it is not taken. */
export function targetFromWire(target: wire.Target): Target {
  const kind = required(targetKinds.fromWire(target.kind), 'kind');
  return {
    id: target.id,
    name: target.name,
    kind,
    category: categoryOf(kind),
    geometryGeojson: target.geometryGeojson,
    townshipCode: target.townshipCode,
    attributes: { ...target.attributes },
  };
}

export function targetToWire(target: Target): wire.Target {
  return {
    id: target.id,
    name: target.name,
    kind: targetKinds.toWire(target.kind),
    category: targetCategories.toWire(target.category),
    geometryGeojson: target.geometryGeojson,
    townshipCode: target.townshipCode,
    attributes: { ...target.attributes },
  };
}

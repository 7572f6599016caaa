import type { PasswordVerifier, WrappedKey } from '@ecogrid/device-credentials';
/**
 * The registry's records as its rules see them. They are the registry's own: the gRPC API, the events and the
 * stored documents carry them in protobuf, and the adapters map between the two. Enumerations are the lower snake
 * case names the import files use; a record never holds an "unspecified" value.
 */

/** WGS 84 longitude/latitude in degrees. */
export interface Point {
  lon: number;
  lat: number;
}

/** The district (区) the grid covers. */
export interface District {
  code: string;
  name: string;
  /** Boundary as GeoJSON Polygon or MultiPolygon text. */
  boundaryGeojson: string;
}

export const TOWNSHIP_KINDS = ['township', 'town', 'subdistrict'] as const;
export type TownshipKind = (typeof TOWNSHIP_KINDS)[number];

/** A township-level unit (乡/镇/街道) of the district. */
export interface Township {
  code: string;
  name: string;
  /** One of TOWNSHIP_KINDS: township 乡, town 镇, subdistrict 街道 (as given until checked). */
  kind: string;
  /** Id of the unit's supervisor; empty when none is known. */
  supervisorOfficerId: string;
  districtCode: string;
}

/** A grid cell (网格): one version of its polygon, GeoJSON geometry text. */
export interface Cell {
  id: string;
  name: string;
  townshipCode: string;
  geometryGeojson: string;
  /** When this version took effect; on input, when it should (default: now). */
  validFrom?: Date | undefined;
  /** Unset while current. */
  validTo?: Date | undefined;
  /** 1 for a cell's first polygon, one more for each change; 0 on input. */
  version: number;
  areaM2: number;
}

export const OFFICER_ROLES = ['grid_officer', 'supervisor', 'command_center'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

/** A duty shift of an officer in a cell. */
export interface DutyShift {
  cellId: string;
  startsAt?: Date | undefined;
  endsAt?: Date | undefined;
}

/** A grid officer (网格员), supervisor or command-center member. */
export interface Officer {
  id: string;
  name: string;
  role: OfficerRole;
  townshipCode: string;
  cellIds: string[];
  /** Contact channel, e.g. "sms:138…"; personal data, never logged. */
  contact: string;
  roster: DutyShift[];
  active: boolean;
}

export const DEVICE_KINDS = [
  'national_air_station',
  'provincial_air_station',
  'micro_air_station',
  'water_station',
  'flue_gas_cems',
  'wastewater_outlet',
  'power_usage_monitor',
  'camera',
] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The HJ 212 edition a device speaks. */
export const PROTOCOL_VERSIONS = ['2005', '2017', '2025'] as const;
export type ProtocolVersion = (typeof PROTOCOL_VERSIONS)[number];

/** A factor a device measures, with the permit limit where the device watches an emission point. */
export interface DeviceFactor {
  factorCode: string;
  unit: string;
  /** Emission limit in `unit`; absent when the factor has none. */
  limit?: number | undefined;
  /** True when the limit applies to the converted (Zs) value. */
  limitOnConverted: boolean;
}

/** An online monitoring device, identified by its HJ 212 MN. */
export interface Device {
  mn: string;
  name: string;
  kind: DeviceKind;
  location?: Point | undefined;
  enterpriseUscc: string;
  outletId: string;
  /** Derived from the location: the cell and township it lies in, empty outside the grid. */
  cellId: string;
  townshipCode: string;
  factors: DeviceFactor[];
  /** HJ 212 access password (PW); a shared secret of the device, never logged. */
  password: string;
  protocolVersion: ProtocolVersion;
  /** Tolerant devices may count length in characters, send lowercase CRCs or omit QN/Flag. */
  tolerant: boolean;
  enabled: boolean;
  /** HJ 212 system code (ST). */
  systemCode: string;
  /**
   * The salted verifier of `password` that the devices topic carries instead of it. Made by the registry when
   * the password is set or changes; whatever a caller sends in its place is ignored.
   */
  passwordVerifier?: PasswordVerifier | undefined;
  /**
   * HJ 212-2025 SM4 key as given (16 characters or 32 hex digits): write-only. Empty keeps the stored key, `none`
   * removes it. The registry stores and publishes it only wrapped (`sm4KeyWrapped`) and never answers with it.
   */
  sm4Key?: string | undefined;
  /** The SM4 key wrapped with the platform's key-encryption key; made by the registry, never taken from a caller. */
  sm4KeyWrapped?: WrappedKey | undefined;
  /** How the device writes its encrypted CP; absent means Annex A.2 as printed. */
  cpEncryption?: CpEncryptionLayout | undefined;
  /** The key a 1014 rotation replaced, accepted on the device's frames until `previousSm4KeyUntil`. */
  previousSm4KeyWrapped?: WrappedKey | undefined;
  previousSm4KeyUntil?: Date | undefined;
}

/** The layout of a device's encrypted CP (HJ 212-2025 §6.4, the points the published text leaves open). */
export interface CpEncryptionLayout {
  encoding: 'braces' | 'hex' | 'base64';
  padding: 'none' | 'pkcs7';
  lengthCounts: 'plaintext' | 'transmitted';
  crcOver: 'plaintext' | 'transmitted';
}

/** A device secret wrapped with a key-encryption key (`@ecogrid/device-credentials`). */
export type { WrappedKey } from '@ecogrid/device-credentials';

/** A salted one-way verifier of a device password (scrypt; its cost parameters travel with it): the one type of the pure `@ecogrid/device-credentials`. */
export type { PasswordVerifier } from '@ecogrid/device-credentials';

export const OUTLET_KINDS = ['flue_gas', 'wastewater'] as const;

/** A discharge outlet of an enterprise. */
export interface Outlet {
  id: string;
  name: string;
  /** One of OUTLET_KINDS (as given until checked). */
  kind: string;
  location?: Point | undefined;
  /** Derived: the devices attached to this outlet, by MN. */
  deviceMns: string[];
  /** Permit limits at this outlet (排污许可), per factor. */
  permitLimits: DeviceFactor[];
}

/** An enterprise, identified by its unified social credit code (USCC, GB 32100-2015). */
export interface Enterprise {
  uscc: string;
  name: string;
  industry: string;
  keyDischargeUnit: boolean;
  permitNumber: string;
  location?: Point | undefined;
  /** Derived from the location, as for devices. */
  townshipCode: string;
  cellId: string;
  outlets: Outlet[];
}

export const TARGET_KINDS = [
  'drinking_water_source',
  'nature_reserve',
  'ecological_red_line',
  'school',
  'hospital',
  'residential_area',
  'hazardous_chemical_store',
  'hazardous_waste_site',
  'sewage_plant',
  'emergency_team',
  'emergency_monitoring_vehicle',
  'emergency_supplies',
] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** The three databases of plan §5.8.1: sensitive targets, risk sources, emergency resources (应急能力). */
export const TARGET_CATEGORIES = ['sensitive', 'risk_source', 'emergency_resource'] as const;
export type TargetCategory = (typeof TARGET_CATEGORIES)[number];

/** A sensitive target, risk source or emergency resource. */
export interface Target {
  id: string;
  name: string;
  kind: TargetKind;
  geometryGeojson: string;
  townshipCode: string;
  /** Free-form attributes (protection zone level, capacity, contact unit…). */
  attributes: Record<string, string>;
  /** Derived from the kind (`categoryOf`). */
  category: TargetCategory;
}

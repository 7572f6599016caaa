import { DeviceKind, OfficerRole, ProtocolVersion, TargetCategory, TargetKind } from '@ecogrid/proto/registry/v1/entities';

/** The names files use for enum values (lower snake case), both ways. */
export const DEVICE_KINDS: Readonly<Record<string, DeviceKind>> = {
  national_air_station: DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION,
  provincial_air_station: DeviceKind.DEVICE_KIND_PROVINCIAL_AIR_STATION,
  micro_air_station: DeviceKind.DEVICE_KIND_MICRO_AIR_STATION,
  water_station: DeviceKind.DEVICE_KIND_WATER_STATION,
  flue_gas_cems: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  wastewater_outlet: DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET,
  power_usage_monitor: DeviceKind.DEVICE_KIND_POWER_USAGE_MONITOR,
  camera: DeviceKind.DEVICE_KIND_CAMERA,
};

export const PROTOCOLS: Readonly<Record<string, ProtocolVersion>> = {
  '2005': ProtocolVersion.PROTOCOL_VERSION_HJ212_2005,
  '2017': ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  '2025': ProtocolVersion.PROTOCOL_VERSION_HJ212_2025,
};

export const OFFICER_ROLES: Readonly<Record<string, OfficerRole>> = {
  grid_officer: OfficerRole.OFFICER_ROLE_GRID_OFFICER,
  supervisor: OfficerRole.OFFICER_ROLE_SUPERVISOR,
  command_center: OfficerRole.OFFICER_ROLE_COMMAND_CENTER,
};

export const TARGET_KINDS: Readonly<Record<string, TargetKind>> = {
  drinking_water_source: TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE,
  nature_reserve: TargetKind.TARGET_KIND_NATURE_RESERVE,
  ecological_red_line: TargetKind.TARGET_KIND_ECOLOGICAL_RED_LINE,
  school: TargetKind.TARGET_KIND_SCHOOL,
  hospital: TargetKind.TARGET_KIND_HOSPITAL,
  residential_area: TargetKind.TARGET_KIND_RESIDENTIAL_AREA,
  hazardous_chemical_store: TargetKind.TARGET_KIND_RISK_HAZARDOUS_CHEMICAL_STORE,
  hazardous_waste_site: TargetKind.TARGET_KIND_RISK_HAZARDOUS_WASTE_SITE,
  sewage_plant: TargetKind.TARGET_KIND_RISK_SEWAGE_PLANT,
  emergency_team: TargetKind.TARGET_KIND_EMERGENCY_TEAM,
  emergency_monitoring_vehicle: TargetKind.TARGET_KIND_EMERGENCY_MONITORING_VEHICLE,
  emergency_supplies: TargetKind.TARGET_KIND_EMERGENCY_SUPPLIES,
};

export const TOWNSHIP_KINDS = ['township', 'town', 'subdistrict'] as const;

/** The three databases of plan §5.8.1, by kind number range (see entities.proto). */
export function categoryOf(kind: TargetKind): TargetCategory {
  if (kind >= 1 && kind < 20) return TargetCategory.TARGET_CATEGORY_SENSITIVE;
  if (kind >= 20 && kind < 40) return TargetCategory.TARGET_CATEGORY_RISK_SOURCE;
  if (kind >= 40 && kind < 60) return TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE;
  return TargetCategory.TARGET_CATEGORY_UNSPECIFIED;
}

export function nameOf<T>(mapping: Readonly<Record<string, T>>, value: T): string {
  return Object.entries(mapping).find(([, candidate]) => candidate === value)?.[0] ?? '';
}

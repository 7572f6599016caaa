/**
 * Kinds of registry devices and targets as alerting's rules name them: the registry's enum names without their
 * prefix. The domain speaks these names; the registry adapter maps the wire enums onto them (and a test there
 * keeps the two lists equal).
 */
export const DEVICE_KINDS = [
  'NATIONAL_AIR_STATION',
  'PROVINCIAL_AIR_STATION',
  'MICRO_AIR_STATION',
  'WATER_STATION',
  'FLUE_GAS_CEMS',
  'WASTEWATER_OUTLET',
  'POWER_USAGE_MONITOR',
  'CAMERA',
] as const;
export type DeviceKindName = (typeof DEVICE_KINDS)[number];

/** Ambient air stations: judged by GB 3095, and by registered limits where the bureau gave a factor one (toxic gases). */
export const AIR_STATION_KINDS: readonly DeviceKindName[] = ['NATIONAL_AIR_STATION', 'PROVINCIAL_AIR_STATION', 'MICRO_AIR_STATION'];

export const TARGET_KINDS = [
  'DRINKING_WATER_SOURCE',
  'NATURE_RESERVE',
  'ECOLOGICAL_RED_LINE',
  'SCHOOL',
  'HOSPITAL',
  'RESIDENTIAL_AREA',
  'RISK_HAZARDOUS_CHEMICAL_STORE',
  'RISK_HAZARDOUS_WASTE_SITE',
  'RISK_SEWAGE_PLANT',
  'EMERGENCY_TEAM',
  'EMERGENCY_MONITORING_VEHICLE',
  'EMERGENCY_SUPPLIES',
] as const;
export type TargetKindName = (typeof TARGET_KINDS)[number];

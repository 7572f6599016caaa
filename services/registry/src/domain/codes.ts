import type { TargetCategory, TargetKind } from './entities';

/** Which of the three databases of plan §5.8.1 a kind of target belongs to. */
const CATEGORY_OF: Readonly<Record<TargetKind, TargetCategory>> = {
  drinking_water_source: 'sensitive',
  nature_reserve: 'sensitive',
  ecological_red_line: 'sensitive',
  school: 'sensitive',
  hospital: 'sensitive',
  residential_area: 'sensitive',
  hazardous_chemical_store: 'risk_source',
  hazardous_waste_site: 'risk_source',
  sewage_plant: 'risk_source',
  emergency_team: 'emergency_resource',
  emergency_monitoring_vehicle: 'emergency_resource',
  emergency_supplies: 'emergency_resource',
};

export function categoryOf(kind: TargetKind): TargetCategory {
  return CATEGORY_OF[kind];
}

/** A list of names as the name → value table the file readers take (`RowReader.oneOf`). */
export function byName<T extends string>(names: readonly T[]): Readonly<Record<string, T>> {
  return Object.fromEntries(names.map((name) => [name, name])) as Record<string, T>;
}

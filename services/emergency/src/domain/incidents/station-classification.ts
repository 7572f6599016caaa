import { arealAreaM2, distanceToGeometryM } from '@ecogrid/geo';
import type { IncidentKind } from './incident';
import { locateOnRiver, type River } from './river';
import type { Site, Station } from './site';

/**
 * How a station is classified (service README, "Which alerts propose an incident"):
 * - a water station within `waterSourceReachM` of a drinking-water source (一级/二级 protection zone) watches that
 *   source → `water_source`;
 * - any other water station within `riverReachM` of a river polyline is a river section → `river_section`;
 * - an air-monitoring device (not a stack CEMS: a stack above its permit is an emission case, not an incident) that
 *   measures one of the toxic-gas factors, or stands within `toxicReachM` of a hazardous-chemical store or
 *   hazardous-waste site, is a toxic-gas monitor → `toxic_gas`, for its gas factors only;
 * - anything else proposes nothing.
 */
export interface ClassificationRules {
  waterSourceReachM: number;
  riverReachM: number;
  toxicReachM: number;
  toxicFactorCodes: readonly string[];
}

export const DEFAULT_CLASSIFICATION_RULES: ClassificationRules = {
  waterSourceReachM: 500,
  riverReachM: 300,
  toxicReachM: 1_000,
  // H2S, NH3, Cl2, non-methane hydrocarbons: the gases a chemical store or waste site releases.
  toxicFactorCodes: ['a21028', 'a21001', 'a21022', 'a24088'],
};

const AIR_DEVICE_KINDS = new Set(['national_air_station', 'provincial_air_station', 'micro_air_station']);
const TOXIC_RISK_KINDS = new Set(['hazardous_chemical_store', 'hazardous_waste_site']);
const NON_GAS_PREFIXES = ['a34', 'a01', 'a19'];

export interface StationClass {
  kind: IncidentKind;
  /** The water source or risk source the station watches; empty when classified by a river or a factor alone. */
  targetId: string;
  /** The river the station lies on, when it lies on one. */
  riverId: string;
}

export interface ClassificationContext {
  waterSources: readonly Site[];
  riskSources: readonly Site[];
  rivers: readonly River[];
}

/** Area for tie-breaking: a point or line counts as none. */
const areaOf = (site: Site): number => (site.geometry.type === 'Polygon' || site.geometry.type === 'MultiPolygon' ? arealAreaM2(site.geometry) : 0);

function nearest(sites: readonly Site[], station: Station, reachM: number): Site | undefined {
  let best: Site | undefined;
  let bestM = reachM;
  for (const site of sites) {
    const distanceM = distanceToGeometryM(station.lon, station.lat, site.geometry);
    if (distanceM > reachM) continue;
    // A station inside both protection zones of a source (distance 0 to each) belongs to the innermost, the 一级 zone:
    // the smaller area wins a tie, then the lower id, whatever order the sites come in.
    const better = best === undefined || distanceM < bestM || (distanceM === bestM && (areaOf(site) < areaOf(best) || (areaOf(site) === areaOf(best) && site.id < best.id)));
    if (better) {
      best = site;
      bestM = distanceM;
    }
  }
  return best;
}

/** The river the point lies on (within `reachM`), nearest first. */
export function riverAt(rivers: readonly River[], lon: number, lat: number, reachM: number): River | undefined {
  let best: River | undefined;
  let bestM = reachM;
  for (const river of rivers) {
    const { offsetM } = locateOnRiver(river, lon, lat);
    if (offsetM <= bestM) {
      best = river;
      bestM = offsetM;
    }
  }
  return best;
}

export function classifyStation(station: Station, factorCode: string, context: ClassificationContext, rules: ClassificationRules = DEFAULT_CLASSIFICATION_RULES): StationClass | undefined {
  if (station.kind === 'water_station') {
    const river = riverAt(context.rivers, station.lon, station.lat, rules.riverReachM);
    const source = nearest(context.waterSources, station, rules.waterSourceReachM);
    if (source) return { kind: 'water_source', targetId: source.id, riverId: river?.id ?? '' };
    if (river) return { kind: 'river_section', targetId: '', riverId: river.id };
    return undefined;
  }
  if (AIR_DEVICE_KINDS.has(station.kind) && !NON_GAS_PREFIXES.some((prefix) => factorCode.startsWith(prefix))) {
    const measuresToxicGas = station.factorCodes.some((code) => rules.toxicFactorCodes.includes(code));
    const risk = nearest(
      context.riskSources.filter((site) => TOXIC_RISK_KINDS.has(site.kind)),
      station,
      rules.toxicReachM,
    );
    if (risk) return { kind: 'toxic_gas', targetId: risk.id, riverId: '' };
    if (measuresToxicGas && rules.toxicFactorCodes.includes(factorCode)) return { kind: 'toxic_gas', targetId: '', riverId: '' };
  }
  return undefined;
}

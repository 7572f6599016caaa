import { distanceToGeometryM } from '@ecogrid/geo';
import { zoneHit, type ImpactZone } from './impact-zone';
import type { Site } from './site';

export interface AffectedTarget {
  targetId: string;
  name: string;
  kind: string;
  distanceM: number;
  downstreamM: number;
}

export interface NearbyResource {
  targetId: string;
  name: string;
  kind: string;
  distanceM: number;
  travelM: number;
  attributes: Readonly<Record<string, string>>;
}

export interface ImpactAnalysis {
  zone: ImpactZone;
  affectedTargets: AffectedTarget[];
  nearestResources: NearbyResource[];
  roadFactor: number;
  computedAt: Date;
  /** The emergency plan (预案) that applies, when one does (set by the caller, which holds the plans). */
  plan: { id: string; version: number; name: string } | null;
}

export interface AnalysisSettings {
  /**
   * Travel distance = straight line × this factor. 1.4 is the usual detour index (路网非直线系数) of a plain
   * district's road network; a routing engine would replace it where one is available.
   */
  roadFactor: number;
  /** How many of each resource kind (team, monitoring vehicle, supplies) to list. */
  resourcesPerKind: number;
}

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = { roadFactor: 1.4, resourcesPerKind: 3 };

/** Nearest first; equal distances by id, so the order is stable. */
function byDistance<T extends { distanceM: number; targetId: string }>(a: T, b: T): number {
  return a.distanceM - b.distanceM || a.targetId.localeCompare(b.targetId);
}

/**
 * The sensitive targets inside the zone, nearest first, and the nearest emergency resources of each kind by travel
 * distance. Pure: the caller hands in the registry's sites (held in memory from the compacted topic).
 */
export function analyseImpact(zone: ImpactZone, sensitive: readonly Site[], resources: readonly Site[], settings: AnalysisSettings, at: Date): ImpactAnalysis {
  const affectedTargets: AffectedTarget[] = [];
  for (const site of sensitive) {
    const hit = zoneHit(zone, site.geometry);
    if (hit) affectedTargets.push({ targetId: site.id, name: site.name, kind: site.kind, distanceM: hit.distanceM, downstreamM: hit.downstreamM });
  }
  affectedTargets.sort(byDistance);

  const byKind = new Map<string, NearbyResource[]>();
  for (const site of resources) {
    const distanceM = distanceToGeometryM(zone.lon, zone.lat, site.geometry);
    const resource: NearbyResource = { targetId: site.id, name: site.name, kind: site.kind, distanceM, travelM: distanceM * settings.roadFactor, attributes: site.attributes };
    const list = byKind.get(site.kind) ?? [];
    list.push(resource);
    byKind.set(site.kind, list);
  }
  const nearestResources = [...byKind.values()].flatMap((list) => list.sort(byDistance).slice(0, settings.resourcesPerKind)).sort(byDistance);
  return { zone, affectedTargets, nearestResources, roadFactor: settings.roadFactor, computedAt: at, plan: null };
}

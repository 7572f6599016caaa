import { distanceToGeometryM, type Geometry, type Position } from '@ecogrid/geo';
import type { IncidentKind } from './incident';
import { chainagesOf, locateOnRiver, riverLengthM, stretchOf, type River } from './river';
import { samplePositions } from './site';

/**
 * The impact zone: a circle around the location, or for water on a river the stretch downstream of it — the
 * targets within `corridorM` of the river between the location and `downstreamM` further down — plus the
 * immediate surroundings (`radiusM`), since a spill also reaches what lies right beside it, upstream included.
 */
export type ImpactZone =
  | { shape: 'circle'; lon: number; lat: number; radiusM: number }
  | {
      shape: 'downstream';
      lon: number;
      lat: number;
      radiusM: number;
      river: River;
      startChainageM: number;
      downstreamM: number;
      corridorM: number;
      path: Position[];
    };

export interface ZoneSettings {
  /** Circle radius per kind (metres). */
  radiusM: Record<IncidentKind, number>;
  /** For a water incident on a river: how far downstream, how wide a corridor, and the radius of the immediate surroundings. */
  downstreamM: number;
  corridorM: number;
  nearRadiusM: number;
}

export const DEFAULT_ZONE_SETTINGS: ZoneSettings = {
  radiusM: { water_source: 3_000, river_section: 3_000, toxic_gas: 3_000, other: 2_000 },
  downstreamM: 10_000,
  corridorM: 1_000,
  nearRadiusM: 1_000,
};

/** Builds the zone: downstream along `river` for a water incident on one, else a circle (`radiusM` > 0 overrides the kind's default). */
export function impactZoneFor(kind: IncidentKind, lon: number, lat: number, river: River | undefined, settings: ZoneSettings, radiusM = 0): ImpactZone {
  const isWater = kind === 'water_source' || kind === 'river_section';
  if (isWater && river) {
    const chainages = chainagesOf(river);
    const { chainageM } = locateOnRiver(river, lon, lat, chainages);
    const endM = Math.min(riverLengthM(river), chainageM + settings.downstreamM);
    return {
      shape: 'downstream',
      lon,
      lat,
      radiusM: radiusM > 0 ? radiusM : settings.nearRadiusM,
      river,
      startChainageM: chainageM,
      downstreamM: endM - chainageM,
      corridorM: settings.corridorM,
      path: stretchOf(river, chainageM, endM, chainages),
    };
  }
  return { shape: 'circle', lon, lat, radiusM: radiusM > 0 ? radiusM : settings.radiusM[kind] };
}

/** Whether a geometry lies in the zone; for a downstream zone also how far down the river it lies (0 beside the source). */
export interface ZoneHit {
  distanceM: number;
  downstreamM: number;
}

export function zoneHit(zone: ImpactZone, geometry: Geometry): ZoneHit | undefined {
  const distanceM = distanceToGeometryM(zone.lon, zone.lat, geometry);
  if (distanceM <= zone.radiusM) return { distanceM, downstreamM: 0 };
  if (zone.shape === 'circle') return undefined;
  const chainages = chainagesOf(zone.river);
  let bestDownstream = Infinity;
  for (const [lon, lat] of samplePositions(geometry)) {
    const { chainageM, offsetM } = locateOnRiver(zone.river, lon, lat, chainages);
    const along = chainageM - zone.startChainageM;
    if (offsetM <= zone.corridorM && along >= 0 && along <= zone.downstreamM && along < bestDownstream) bestDownstream = along;
  }
  return Number.isFinite(bestDownstream) ? { distanceM, downstreamM: bestDownstream } : undefined;
}

import { describe, expect, it } from 'vitest';
import { analyseImpact, DEFAULT_ANALYSIS_SETTINGS } from './impact-analysis';
import { DEFAULT_ZONE_SETTINGS, impactZoneFor } from './impact-zone';
import { RESOURCES, RIVER, SENSITIVE, STATION_LAT, STATION_LON } from './testing/fixtures';

const AT = new Date('2026-12-06T08:00:00Z');

describe('impact zone and analysis', () => {
  it('covers the river downstream of a water incident and its immediate surroundings, nearest first', () => {
    const zone = impactZoneFor('water_source', STATION_LON, STATION_LAT, RIVER, DEFAULT_ZONE_SETTINGS);
    expect(zone.shape).toBe('downstream');
    const analysis = analyseImpact(zone, SENSITIVE, RESOURCES, DEFAULT_ANALYSIS_SETTINGS, AT);
    expect(analysis.affectedTargets.map((target) => target.targetId)).toEqual(['WS1', 'RES-NEAR', 'SCH-DOWN', 'HOS-DOWN']);
    const distances = analysis.affectedTargets.map((target) => target.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(analysis.affectedTargets[0]?.distanceM).toBe(0);
    const school = analysis.affectedTargets.find((target) => target.targetId === 'SCH-DOWN');
    expect(school?.downstreamM).toBeGreaterThan(2_900);
    expect(school?.downstreamM).toBeLessThan(3_100);
  });

  it('leaves out what lies upstream, far off the river, or beyond the stretch', () => {
    const zone = impactZoneFor('river_section', STATION_LON, STATION_LAT, RIVER, DEFAULT_ZONE_SETTINGS);
    const ids = analyseImpact(zone, SENSITIVE, [], DEFAULT_ANALYSIS_SETTINGS, AT).affectedTargets.map((target) => target.targetId);
    expect(ids).not.toContain('HOS-UP');
    expect(ids).not.toContain('RES-FAR');
    expect(ids).not.toContain('SCH-BEYOND');
  });

  it('uses a circle for a toxic-gas release, or the radius a dispatcher asked for', () => {
    const zone = impactZoneFor('toxic_gas', STATION_LON, STATION_LAT, RIVER, DEFAULT_ZONE_SETTINGS);
    expect(zone).toMatchObject({ shape: 'circle', radiusM: 3_000 });
    const ids = analyseImpact(zone, SENSITIVE, [], DEFAULT_ANALYSIS_SETTINGS, AT).affectedTargets.map((target) => target.targetId);
    expect(ids).toEqual(['WS1', 'RES-NEAR', 'HOS-UP']);
    const wide = impactZoneFor('other', STATION_LON, STATION_LAT, undefined, DEFAULT_ZONE_SETTINGS, 9_000);
    expect(analyseImpact(wide, SENSITIVE, [], DEFAULT_ANALYSIS_SETTINGS, AT).affectedTargets.map((target) => target.targetId)).toContain('HOS-DOWN');
  });

  it('lists the nearest resources of each kind by travel distance (straight line × the road factor)', () => {
    const zone = impactZoneFor('water_source', STATION_LON, STATION_LAT, RIVER, DEFAULT_ZONE_SETTINGS);
    const analysis = analyseImpact(zone, [], RESOURCES, { roadFactor: 1.4, resourcesPerKind: 1 }, AT);
    expect(analysis.nearestResources.map((resource) => resource.targetId)).toEqual(['SUP-1', 'TEAM-2', 'VEH-5']);
    for (const resource of analysis.nearestResources) expect(resource.travelM).toBeCloseTo(resource.distanceM * 1.4, 6);
    expect(analysis.nearestResources[1]?.attributes).toEqual({ members: '24' });
    const all = analyseImpact(zone, [], RESOURCES, DEFAULT_ANALYSIS_SETTINGS, AT).nearestResources;
    expect(all.map((resource) => resource.targetId)).toEqual(['SUP-1', 'TEAM-2', 'SUP-4', 'VEH-5', 'TEAM-10']);
  });
});

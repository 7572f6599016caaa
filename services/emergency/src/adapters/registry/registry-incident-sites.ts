import { parseGeometryText } from '@ecogrid/geo';
import { deviceKindToJSON, targetKindToJSON, TargetCategory, type Target } from '@ecogrid/proto/registry/v1/entities';
import type { RegistryView } from '@ecogrid/registry-view';
import type { Logger } from '@ecogrid/telemetry';
import type { Site, SiteCategory, Station } from '../../domain/incidents/site';
import type { IncidentSites } from '../../app/incidents';

/** DEVICE_KIND_WATER_STATION → water_station; TARGET_KIND_RISK_HAZARDOUS_CHEMICAL_STORE → hazardous_chemical_store (the registry's CSV names). */
const deviceKindName = (kind: number): string => deviceKindToJSON(kind).replace(/^DEVICE_KIND_/, '').toLowerCase();
const targetKindName = (kind: number): string => targetKindToJSON(kind).replace(/^TARGET_KIND_(RISK_)?/, '').toLowerCase();

function categoryOf(target: Target): SiteCategory | undefined {
  if (target.category === TargetCategory.TARGET_CATEGORY_SENSITIVE || (target.kind >= 1 && target.kind < 20)) return 'sensitive';
  if (target.category === TargetCategory.TARGET_CATEGORY_RISK_SOURCE || (target.kind >= 20 && target.kind < 40)) return 'risk_source';
  if (target.category === TargetCategory.TARGET_CATEGORY_EMERGENCY_RESOURCE || (target.kind >= 40 && target.kind < 60)) return 'emergency_resource';
  return undefined;
}

/** Far enough from any point of the earth to list every target the view holds. */
const EVERYWHERE_M = 25_000_000;

/**
 * The registry as the incidents part needs it, from the RegistryView in memory: targets parsed once into sites and
 * kept current from the view's changes, so an alert's impact analysis reads plain arrays and calls nothing.
 */
export function createRegistryIncidentSites(registry: RegistryView, logger: Logger): IncidentSites & { stop(): void } {
  const sites = new Map<string, Site>();
  let lists: { water: Site[]; risk: Site[]; sensitive: Site[]; resources: Site[] } | undefined;

  const put = (target: Target): void => {
    const category = categoryOf(target);
    const parsed = parseGeometryText(target.geometryGeojson);
    if (!category || !parsed.ok) {
      if (!parsed.ok) logger.warn({ target: target.id }, 'target without a usable geometry left out of impact analyses');
      sites.delete(target.id);
      return;
    }
    sites.set(target.id, { id: target.id, name: target.name, kind: targetKindName(target.kind), category, geometry: parsed.geometry, attributes: { ...target.attributes } });
  };
  for (const { target } of registry.targetsNear({ lon: 0, lat: 0 }, EVERYWHERE_M)) put(target);
  const unsubscribe = registry.onChange((change) => {
    if (change.entity !== 'target') return;
    const target = change.deleted ? undefined : registry.target(change.id);
    if (target) put(target);
    else sites.delete(change.id);
    lists = undefined;
  });

  const listed = () => {
    if (!lists) {
      const all = [...sites.values()];
      lists = {
        water: all.filter((site) => site.kind === 'drinking_water_source'),
        risk: all.filter((site) => site.category === 'risk_source'),
        sensitive: all.filter((site) => site.category === 'sensitive'),
        resources: all.filter((site) => site.category === 'emergency_resource'),
      };
    }
    return lists;
  };

  return {
    station: (mn): Station | undefined => {
      const device = registry.device(mn);
      if (!device?.location) return undefined;
      return {
        mn: device.mn,
        name: device.name,
        kind: deviceKindName(device.kind),
        lon: device.location.lon,
        lat: device.location.lat,
        factorCodes: device.factors.map((factor) => factor.factorCode),
        cellId: device.cellId,
        townshipCode: device.townshipCode,
      };
    },
    stationLimits: (mn) => {
      const limits: Record<string, number> = {};
      for (const factor of registry.device(mn)?.factors ?? []) if (factor.limit !== undefined) limits[factor.factorCode] = factor.limit;
      return limits;
    },
    waterSources: () => listed().water,
    riskSources: () => listed().risk,
    sensitiveTargets: () => listed().sensitive,
    resources: () => listed().resources,
    site: (id) => sites.get(id),
    locate: (lon, lat) => {
      const located = registry.locate(lon, lat);
      return located ? { cellId: located.cell.id, townshipCode: located.township.code } : undefined;
    },
    stop: unsubscribe,
  };
}

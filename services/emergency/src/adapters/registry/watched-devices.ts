import { DeviceKind, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import type { RegistryView } from '@ecogrid/registry-view';
import type { WatchedDevices } from '../../app/early-warning/ports';
import { classifyDevice, type ClassificationRules, type DeviceFacts, type MonitoredDevice } from '../../domain/early-warning/monitored-series';

const AIR_STATIONS: ReadonlySet<DeviceKind> = new Set([DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION, DeviceKind.DEVICE_KIND_PROVINCIAL_AIR_STATION, DeviceKind.DEVICE_KIND_MICRO_AIR_STATION]);
const RISK_SOURCES: readonly TargetKind[] = [TargetKind.TARGET_KIND_RISK_HAZARDOUS_CHEMICAL_STORE, TargetKind.TARGET_KIND_RISK_HAZARDOUS_WASTE_SITE];

/**
 * The registry's answer to "is this device watched, against what": its kind and factors, the nearest drinking-water
 * source zone and risk source (RegistryView.targetsNear), classified by the domain's rule. Answers are cached per
 * device and dropped when the registry changes (a device, or any target, since a new source changes its neighbours).
 */
export function createWatchedDevices(registry: RegistryView, rules: ClassificationRules, onDeviceChanged: (deviceMn: string) => void = () => undefined): { watched: WatchedDevices; stop: () => void } {
  const cache = new Map<string, MonitoredDevice | null>();
  const unsubscribe = registry.onChange((change) => {
    if (change.entity === 'device') {
      cache.delete(change.id);
      onDeviceChanged(change.id);
    } else if (change.entity === 'target') {
      for (const mn of cache.keys()) onDeviceChanged(mn);
      cache.clear();
    }
  });

  function facts(mn: string): DeviceFacts | null {
    const device = registry.device(mn);
    if (!device || !device.enabled) return null;
    const kind = device.kind === DeviceKind.DEVICE_KIND_WATER_STATION ? 'water_station' : AIR_STATIONS.has(device.kind) ? 'air_station' : 'other';
    if (kind === 'other') return null;
    const location = device.location;
    const sources = kind === 'water_station' && location ? registry.targetsNear({ lon: location.lon, lat: location.lat }, rules.waterSourceRadiusM, [TargetKind.TARGET_KIND_DRINKING_WATER_SOURCE]) : [];
    const source = sources[0];
    // The stricter reading where zones overlap: any 一级保护区 within reach holds the station to class II.
    const firstGradeZone = sources.some((near) => (near.target.attributes.zone ?? '').includes('一级') || near.target.name.includes('一级保护区'));
    const risk = kind === 'air_station' && location ? registry.targetsNear({ lon: location.lon, lat: location.lat }, rules.toxicGasRadiusM, RISK_SOURCES)[0] : undefined;
    return {
      mn,
      kind,
      factors: device.factors.map((factor) => ({ code: factor.factorCode, unit: factor.unit, limit: factor.limit })),
      drinkingWaterSource: source
        ? { id: source.target.id, name: source.target.name, firstGradeZone, distanceM: source.distanceM }
        : undefined,
      riskSource: risk ? { id: risk.target.id, name: risk.target.name, distanceM: risk.distanceM } : undefined,
    };
  }

  return {
    watched: (mn) => {
      if (cache.has(mn)) return cache.get(mn) ?? null;
      const described = facts(mn);
      const watched = described ? classifyDevice(described, rules) : null;
      cache.set(mn, watched);
      return watched;
    },
    stop: unsubscribe,
  };
}

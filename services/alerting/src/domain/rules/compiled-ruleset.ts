import type { DeviceKindName, TargetKindName } from '../kinds';
import {
  type AmbientLimitRule,
  type DataQualityRule,
  type DeviceOfflineRule,
  type EmissionLimitRule,
  type Ruleset,
  type SuddenJumpRule,
} from './ruleset';

/** Kind sets are asked with a device's kind, which may be UNKNOWN: it is in none of them. */
type KindSet = ReadonlySet<string>;
type WithKinds<R> = R & { kinds: KindSet };

/** A ruleset with its lookups prepared once, so the hot path does no name lookups. */
export interface CompiledRuleset {
  source: Ruleset;
  suppressFlags: ReadonlySet<string>;
  limitFlags: ReadonlySet<string>;
  emission: ReadonlyArray<WithKinds<EmissionLimitRule>>;
  ambient: ReadonlyArray<WithKinds<AmbientLimitRule>>;
  dataQuality: readonly DataQualityRule[];
  offline: ReadonlyArray<DeviceOfflineRule & { minutesByKind: ReadonlyMap<string, number> }>;
  jump: readonly SuddenJumpRule[];
  /** Device kinds treated as air stations (hourly means kept for AQI and ambient rules). */
  stationKinds: KindSet;
  aqiKinds: KindSet;
  /** Sensitive target kind → radius (m), and the largest radius for the index query. */
  targetRadius: ReadonlyMap<TargetKindName, number>;
  maxTargetRadius: number;
}

export function compileRuleset(ruleset: Ruleset): CompiledRuleset {
  const enabled = ruleset.rules.filter((rule) => rule.enabled);
  const kinds = (names: readonly DeviceKindName[]): KindSet => new Set(names);
  const emission = enabled.filter((rule): rule is EmissionLimitRule => rule.kind === 'emission_limit').map((rule) => ({ ...rule, kinds: kinds(rule.deviceKinds) }));
  const ambient = enabled.filter((rule): rule is AmbientLimitRule => rule.kind === 'ambient_limit').map((rule) => ({ ...rule, kinds: kinds(rule.deviceKinds) }));
  const aqiKinds = ruleset.aqi.enabled ? kinds(ruleset.aqi.deviceKinds) : new Set<string>();
  const targetRadius = new Map(Object.entries(ruleset.sensitiveTargets.radiusM) as Array<[TargetKindName, number]>);
  return {
    source: ruleset,
    suppressFlags: new Set(ruleset.suppressFlags),
    limitFlags: new Set(ruleset.limitFlags),
    emission,
    ambient,
    dataQuality: enabled.filter((rule): rule is DataQualityRule => rule.kind === 'data_quality'),
    offline: enabled
      .filter((rule): rule is DeviceOfflineRule => rule.kind === 'device_offline')
      .map((rule) => ({ ...rule, minutesByKind: new Map(Object.entries(rule.minutesByDeviceKind) as Array<[DeviceKindName, number]>) })),
    jump: enabled.filter((rule): rule is SuddenJumpRule => rule.kind === 'sudden_jump'),
    stationKinds: new Set([...aqiKinds, ...ambient.flatMap((rule) => [...rule.kinds])]),
    aqiKinds,
    targetRadius,
    maxTargetRadius: Math.max(0, ...targetRadius.values()),
  };
}

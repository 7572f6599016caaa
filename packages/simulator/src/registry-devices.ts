import type { Kafka } from 'kafkajs';
import { DeviceKind, ProtocolVersion, type Device } from '@ecogrid/proto/registry/v1/entities';
import { createRegistryView, type RegistryView } from '@ecogrid/registry-view';
import type { Logger } from '@ecogrid/telemetry';
import type { DeviceCategory, ProtocolProfile, SimulatedDevice } from './device';
import { seededRandom } from './random';

const CATEGORY: Partial<Record<DeviceKind, DeviceCategory>> = {
  [DeviceKind.DEVICE_KIND_NATIONAL_AIR_STATION]: 'ambient_air',
  [DeviceKind.DEVICE_KIND_PROVINCIAL_AIR_STATION]: 'ambient_air',
  [DeviceKind.DEVICE_KIND_MICRO_AIR_STATION]: 'ambient_air',
  [DeviceKind.DEVICE_KIND_WATER_STATION]: 'water',
  [DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS]: 'flue_gas',
  [DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET]: 'water',
};

const PROFILE: Partial<Record<ProtocolVersion, ProtocolProfile>> = {
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2005]: '2005',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2017]: '2017',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2025]: '2025',
};

/** HJ 212 ST when the registry gives none: 22 air quality, 21 surface water, 31 air emission, 32 water emission. */
const DEFAULT_SYSTEM_CODE: Record<DeviceCategory, string> = { ambient_air: '22', water: '21', flue_gas: '31' };

export interface FromRegistryOptions {
  /** MN → password: the registry's topic carries only verifiers, so the simulator is told its devices' passwords. */
  passwords?: ReadonlyMap<string, string>;
  /** Largest clock error a device gets (default 120 s; ingest refuses data more than 10 min ahead). */
  maxClockSkewMs?: number;
  seed?: string;
}

/**
 * A registry device as the simulator plays it, or `undefined` for what does not upload HJ 212 data (cameras,
 * power-usage monitors, disabled devices) and for a device whose password it was not given. Tolerant devices write lower-case CRCs; each device's clock is
 * off by a few seconds, one in ten by up to `maxClockSkewMs` — drawn from its MN, so stable across runs.
 */
export function fromRegistryDevice(device: Device, options: FromRegistryOptions = {}): SimulatedDevice | undefined {
  const category = CATEGORY[device.kind];
  const password = options.passwords?.get(device.mn) ?? device.password;
  if (!category || !device.enabled || device.factors.length === 0 || password === '') return undefined;
  const random = seededRandom(`${options.seed ?? 'ecogrid'}:clock:${device.mn}`);
  const maxSkew = options.maxClockSkewMs ?? 120_000;
  const sign = random() < 0.5 ? -1 : 1;
  const clockSkewMs = Math.round(sign * (random() < 0.1 ? random() * maxSkew : random() * Math.min(5_000, maxSkew)));
  const waterSource = device.kind === DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET ? '32' : DEFAULT_SYSTEM_CODE[category];
  return {
    mn: device.mn,
    password,
    systemCode: device.systemCode || waterSource,
    category,
    profile: PROFILE[device.protocolVersion] ?? '2017',
    factors: device.factors.map((factor) => ({
      code: factor.factorCode,
      ...(factor.limit === undefined ? {} : { limit: factor.limit }),
      limitOnConverted: factor.limitOnConverted,
    })),
    lowerCaseCrc: device.tolerant,
    clockSkewMs,
  };
}

export interface RegistryDevices {
  /** The devices the registry holds now, as simulated devices. */
  list(): SimulatedDevice[];
  /** Called after each change to a device; returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  stop(): Promise<void>;
}

/**
 * Follows the registry's devices through `@ecogrid/registry-view` (the compacted `ecogrid.registry.devices.v1`
 * topic). The view has lookups by MN but no listing, so the MNs are collected from its change feed, which
 * replays every record from the beginning of the topic.
 */
export async function watchRegistryDevices(options: { kafka: Kafka; topicPrefix?: string; logger: Logger } & FromRegistryOptions): Promise<RegistryDevices> {
  const view: RegistryView = createRegistryView({
    kafka: options.kafka,
    ...(options.topicPrefix === undefined ? {} : { topicPrefix: options.topicPrefix }),
    logger: options.logger,
    // The one naming rule for groups (`<prefix><service>.<purpose>`), which the simulator's Kafka ACL follows.
    groupPrefix: `${options.topicPrefix ?? ''}simulator.registry-view`,
    entities: ['device'],
  });
  const mns = new Set<string>();
  const listeners = new Set<() => void>();
  view.onChange((change) => {
    if (change.entity !== 'device') return;
    if (change.deleted) mns.delete(change.id);
    else mns.add(change.id);
    if (view.ready) for (const listener of listeners) listener();
  });
  await view.start();
  return {
    list: () => {
      const devices: SimulatedDevice[] = [];
      for (const mn of mns) {
        const device = view.device(mn);
        const simulated = device ? fromRegistryDevice(device, options) : undefined;
        if (simulated) devices.push(simulated);
      }
      return devices;
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => view.stop(),
  };
}

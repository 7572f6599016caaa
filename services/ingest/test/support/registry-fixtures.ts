import type { Kafka } from 'kafkajs';
import { publishRegistryEntities } from '@ecogrid/e2e';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';

/** A flue-gas CEMS at a demo enterprise: strict HJ 212-2017, SO2 limited to 35 mg/m3 on the converted value. */
export const CEMS = Device.create({
  mn: '88888880000001',
  name: '测试电厂 1号烟囱 CEMS',
  kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
  location: { lon: 111.0, lat: 35.02 },
  enterpriseUscc: '91140800MA0K000001',
  cellId: 'YH-C0001',
  townshipCode: '140802001',
  factors: [
    { factorCode: 'a21026', unit: 'mg/m3', limit: 35, limitOnConverted: true },
    { factorCode: 'a01012', unit: '℃', limitOnConverted: false },
  ],
  password: 'pw-cems-1',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
  tolerant: false,
  enabled: true,
  systemCode: '31',
});

/** An old wastewater outlet speaking HJ/T 212-2005 through a lenient data collector. */
export const OLD_OUTLET = Device.create({
  mn: 'OLD2005',
  name: '老污水排口',
  kind: DeviceKind.DEVICE_KIND_WASTEWATER_OUTLET,
  location: { lon: 111.01, lat: 35.03 },
  enterpriseUscc: '91140800MA0K000002',
  cellId: 'YH-C0002',
  townshipCode: '140802002',
  factors: [{ factorCode: 'w01018', unit: 'mg/L', limit: 50, limitOnConverted: false }],
  password: '123456',
  protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2005,
  tolerant: true,
  enabled: true,
  systemCode: '32',
});

/** Publishes devices on the (prefixed) compacted registry topic, as the registry service does. */
export function publishDevices(kafka: Kafka, prefix: string, devices: Device[]): Promise<void> {
  return publishRegistryEntities(kafka, prefix, { devices });
}

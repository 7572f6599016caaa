import type { Kafka } from 'kafkajs';
import { createEventPublisher, topicNames } from '@ecogrid/kafka';
import { DeviceChanged } from '@ecogrid/proto/registry/v1/events';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import { crc16Hj212 } from '@ecogrid/standards';
import { chinaDigits } from '@ecogrid/simulator';
import { asPublishedDevice } from '@ecogrid/e2e';

/** Eight factors of a flue-gas CEMS, as in the ingest targets ("8 factors each"). */
export const LOAD_FACTORS = ['a21026', 'a21002', 'a34013', 'a21005', 'a19001', 'a01012', 'a01013', 'a01014'] as const;
const LIMITS: Record<string, number> = { a21026: 35, a21002: 50, a34013: 10 };

export interface LoadDevice {
  mn: string;
  password: string;
}

/** `count` strict HJ 212-2017 CEMS devices, `LOADCEMS000001`…, each with its own password. */
export function loadDevices(count: number): LoadDevice[] {
  return Array.from({ length: count }, (_, index) => ({ mn: `LOADCEMS${String(index + 1).padStart(6, '0')}`, password: `L${String(index + 1).padStart(5, '0')}` }));
}

/** Publishes the load devices on the prefixed registry topic, as the registry service would: verifiers, no passwords. */
export async function publishLoadDevices(kafka: Kafka, prefix: string, devices: readonly LoadDevice[]): Promise<void> {
  const entities = await Promise.all(
    devices.map((device) =>
      asPublishedDevice(
        Device.create({
        mn: device.mn,
        name: `load ${device.mn}`,
        kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS,
        location: { lon: 111.0, lat: 35.02 },
        factors: LOAD_FACTORS.map((code) => ({ factorCode: code, unit: 'mg/m3', limitOnConverted: code in LIMITS, ...(LIMITS[code] === undefined ? {} : { limit: LIMITS[code] }) })),
        password: device.password,
        protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2017,
        tolerant: false,
        enabled: true,
        systemCode: '31',
      }),
      ),
    ),
  );
  const publisher = createEventPublisher({ kafka, source: '/ecogrid/registry' });
  await publisher.connect();
  await publisher.publishAll(
    entities.map((entity) => ({ topic: topicNames(prefix).registryDevices, key: entity.mn, value: Buffer.from(DeviceChanged.encode({ device: entity }).finish()), type: 'ecogrid.registry.v1.DeviceChanged' })),
  );
  await publisher.disconnect();
}

/**
 * Distinct past instants per device: upload k of a device is stamped EPOCH + k s, so every load request is a
 * new observation (ingest keys observations by MN, CN and DataTime, and would take a repeat for a re-send).
 */
export const LOAD_EPOCH_MS = Math.floor((Date.now() - 40 * 24 * 3_600_000) / 1000) * 1000;

/**
 * A 2011 upload of eight factors with `Flag=5`, encoded by hand — the same bytes `encodeFrame` writes, at a
 * fraction of the generator's CPU, which it shares with the server on two cores.
 */
export function loadFrame(device: LoadDevice, step: number): { qn: string; bytes: Buffer } {
  const at = LOAD_EPOCH_MS + step * 1000;
  const qn = chinaDigits(at, true);
  const wobble = (step % 10) / 10;
  const cp =
    `DataTime=${qn.slice(0, 14)};a21026-Rtd=${(18 + wobble).toFixed(2)},a21026-ZsRtd=${(23.4 + wobble).toFixed(2)},a21026-Flag=N;` +
    `a21002-Rtd=${(30 + wobble).toFixed(1)},a21002-ZsRtd=${(39 + wobble).toFixed(1)},a21002-Flag=N;` +
    `a34013-Rtd=${(4.2 + wobble).toFixed(2)},a34013-ZsRtd=${(5.5 + wobble).toFixed(2)},a34013-Flag=N;` +
    `a21005-Rtd=12.000,a21005-Flag=N;a19001-Rtd=9.5,a19001-Flag=N;a01012-Rtd=62.0,a01012-Flag=N;a01013-Rtd=0.300,a01013-Flag=N;a01014-Rtd=8.0,a01014-Flag=N`;
  const segment = Buffer.from(`QN=${qn};ST=31;CN=2011;PW=${device.password};MN=${device.mn};Flag=5;CP=&&${cp}&&`, 'latin1');
  const crc = crc16Hj212(segment).toString(16).toUpperCase().padStart(4, '0');
  return { qn, bytes: Buffer.concat([Buffer.from(`##${String(segment.length).padStart(4, '0')}`, 'latin1'), segment, Buffer.from(`${crc}\r\n`, 'latin1')]) };
}

/** The same observation as JSON for HTTP, and as the gRPC message. */
export function loadObservation(device: LoadDevice, step: number): { deviceMn: string; commandCode: string; dataTime: Date; measurements: Array<{ factorCode: string; value: number }> } {
  return {
    deviceMn: device.mn,
    commandCode: '2011',
    dataTime: new Date(LOAD_EPOCH_MS + step * 1000),
    measurements: LOAD_FACTORS.map((factorCode, index) => ({ factorCode, value: 10 + index + (step % 10) / 10 })),
  };
}

import { TOPICS, type OutgoingEvent, type topicNames } from '@ecogrid/kafka';
import { StationAqiComputed } from '@ecogrid/proto/alerting/v1/events';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { DeviceKind, OfficerRole } from '@ecogrid/proto/registry/v1/entities';
import { CellChanged, DeviceChanged, EnterpriseChanged, OfficerChanged } from '@ecogrid/proto/registry/v1/events';
import { usccCheckCharacter } from '@ecogrid/standards';

type Topics = ReturnType<typeof topicNames>;

/** `n`-th test enterprise USCC: 91140802 + a 9-character organisation part, valid check character. */
export function testUscc(n: number): string {
  const body = `91140802MA0${String(n).padStart(6, '0')}`;
  return `${body}${usccCheckCharacter(body)}`;
}

export interface TestEnterprise {
  uscc: string;
  name: string;
  cellId: string;
  /** CEMS devices listed under outlet DA001. */
  outletDevices: string[];
  /** Production/power-use monitors (ST 45) linked to the enterprise. */
  activityDevices?: string[];
}

/** The registry records of the enterprises and their devices, as the registry publishes them. */
export function registryEvents(topics: Topics, enterprises: readonly TestEnterprise[]): OutgoingEvent[] {
  return [
    ...enterprises.map((enterprise) => ({
      topic: topics.registryEnterprises,
      key: enterprise.uscc,
      type: TOPICS.registryEnterprises.payload,
      value: Buffer.from(
        EnterpriseChanged.encode({
          enterprise: { uscc: enterprise.uscc, name: enterprise.name, industry: '焦化', keyDischargeUnit: true, permitNumber: '', townshipCode: '140802001', cellId: enterprise.cellId, location: { lon: 111.0, lat: 35.0 }, outlets: [{ id: 'DA001', name: '1#排口', kind: 'flue_gas', deviceMns: enterprise.outletDevices, permitLimits: [] }] },
        }).finish(),
      ),
    })),
    ...enterprises.flatMap((enterprise) => [
      ...enterprise.outletDevices.map((mn) => deviceEvent(topics, mn, '', '31')),
      ...(enterprise.activityDevices ?? []).map((mn) => deviceEvent(topics, mn, enterprise.uscc, '45')),
    ]),
  ];
}

function deviceEvent(topics: Topics, mn: string, uscc: string, systemCode: string): OutgoingEvent {
  return {
    topic: topics.registryDevices,
    key: mn,
    type: TOPICS.registryDevices.payload,
    value: Buffer.from(DeviceChanged.encode({ device: { mn, name: mn, kind: DeviceKind.DEVICE_KIND_UNSPECIFIED, enterpriseUscc: uscc, outletId: '', cellId: '', townshipCode: '', factors: [], password: '', protocolVersion: 0, tolerant: false, enabled: true, systemCode } }).finish()),
  };
}

/** A reading of one factor as ingest publishes it (a corrected hourly value, flag N). */
export function readingEvent(topics: Topics, spec: { observationId: string; mn: string; at: Date; factorCode: string; value: number; systemCode?: string }): OutgoingEvent {
  return {
    topic: topics.readings,
    key: spec.mn,
    type: TOPICS.readings.payload,
    id: spec.observationId,
    value: Buffer.from(
      ObservationRecorded.encode(
        ObservationRecorded.fromPartial({
          observationId: spec.observationId,
          deviceMn: spec.mn,
          commandCode: '2061',
          dataTime: spec.at,
          receivedTime: spec.at,
          systemCode: spec.systemCode ?? '31',
          measurements: [{ factorCode: spec.factorCode, kind: ValueKind.VALUE_KIND_ZS_AVG, value: spec.value, flag: 'N', extendedFlag: '', unit: 'mg/m3' }],
        }),
      ).finish(),
    ),
  };
}

/** A station's hourly AQI as alerting publishes it. */
export function aqiEvent(topics: Topics, spec: { stationMn: string; hour: Date; aqi: number }): OutgoingEvent {
  return {
    topic: topics.aqiHourly,
    key: spec.stationMn,
    type: TOPICS.aqiHourly.payload,
    id: `${spec.stationMn}:${spec.hour.toISOString()}`,
    value: Buffer.from(StationAqiComputed.encode(StationAqiComputed.fromPartial({ stationMn: spec.stationMn, hourStart: spec.hour, aqi: spec.aqi, complete: true, publishable: true, revision: 1, standard: 'HJ 633-2026' })).finish()),
  };
}

/**
 * The grid cells of the enterprises (small squares, current since 2025) and one grid officer responsible for them,
 * so dispatch can route a case to the cell's officer.
 */
export function gridEvents(topics: Topics, cellIds: readonly string[], officerId: string): OutgoingEvent[] {
  return [
    ...cellIds.map((id, index) => {
      const lon = 111 + index * 0.01;
      const square = [[lon, 35], [lon + 0.005, 35], [lon + 0.005, 35.005], [lon, 35.005], [lon, 35]];
      return {
        topic: topics.registryCells,
        key: id,
        type: TOPICS.registryCells.payload,
        value: Buffer.from(CellChanged.encode({ cell: { id, name: `网格 ${id}`, townshipCode: '140802001', geometryGeojson: JSON.stringify({ type: 'Polygon', coordinates: [square] }), validFrom: new Date('2025-01-01T00:00:00Z'), version: 1, areaM2: 250_000 }, township: { code: '140802001', name: '北城街道', kind: 'subdistrict', supervisorOfficerId: '', districtCode: '140802' } }).finish()),
      };
    }),
    {
      topic: topics.registryOfficers,
      key: officerId,
      type: TOPICS.registryOfficers.payload,
      value: Buffer.from(OfficerChanged.encode({ officer: { id: officerId, name: '网格员（测试）', role: OfficerRole.OFFICER_ROLE_GRID_OFFICER, townshipCode: '140802001', cellIds: [...cellIds], contact: '', roster: [], active: true } }).finish()),
    },
  ];
}

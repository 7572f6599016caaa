import { describe, expect, it } from 'vitest';
import { PoisonRecordError, type ReceivedEvent } from '@ecogrid/kafka';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { toReadingInput } from './readings-consumer';

const received = (value: Buffer | null): ReceivedEvent => ({ topic: 'ecogrid.readings.v1', partition: 0, offset: '0', key: 'MN', value, attributes: {} as ReceivedEvent['attributes'], headers: {}, timestamp: 0, trace: {} });

describe('toReadingInput', () => {
  it('keeps interval averages and real-time values, drops minima, maxima and cumulative values', () => {
    const dataTime = new Date('2026-06-01T00:05:00Z');
    const value = Buffer.from(
      ObservationRecorded.encode(
        ObservationRecorded.fromPartial({
          observationId: 'MN:2051:2026-06-01T00:05:00.000Z',
          deviceMn: 'MN',
          commandCode: '2051',
          dataTime,
          cellId: 'C1',
          townshipCode: 'T1',
          measurements: [
            { factorCode: 'w01018', kind: ValueKind.VALUE_KIND_AVG, value: 12.5, flag: 'N' },
            { factorCode: 'w01018', kind: ValueKind.VALUE_KIND_MAX, value: 14, flag: 'N' },
            { factorCode: 'w00000', kind: ValueKind.VALUE_KIND_COU, value: 300, flag: 'N' },
          ],
        }),
      ).finish(),
    );
    expect(toReadingInput(received(value))).toEqual({
      observationId: 'MN:2051:2026-06-01T00:05:00.000Z',
      deviceMn: 'MN',
      commandCode: '2051',
      dataTime,
      cellId: 'C1',
      townshipCode: 'T1',
      measurements: [{ factorCode: 'w01018', value: 12.5, flag: 'N' }],
    });
  });

  it('sends tombstones, undecodable payloads and observations without identity to the dead letters', () => {
    expect(() => toReadingInput(received(null))).toThrow(PoisonRecordError);
    expect(() => toReadingInput(received(Buffer.from([0xff, 0xff, 0xff])))).toThrow(PoisonRecordError);
    const anonymous = Buffer.from(ObservationRecorded.encode(ObservationRecorded.fromPartial({ commandCode: '2051' })).finish());
    expect(() => toReadingInput(received(anonymous))).toThrow(/observation_id, device_mn and data_time/);
  });
});

import { describe, expect, it } from 'vitest';
import { ObservationRecorded, ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { commandCodeOf, storedObservationOf } from './readings-transmission-consumer';

const encoded = (commandCode: string, flags: string[]): Uint8Array =>
  ObservationRecorded.encode(
    ObservationRecorded.create({
      observationId: `MN1:${commandCode}:2026-12-06T02:00:00.000Z`,
      deviceMn: 'MN1',
      commandCode,
      dataTime: new Date('2026-12-06T02:00:00Z'),
      receivedTime: new Date('2026-12-06T02:10:05Z'),
      enterpriseUscc: '91140800MA0K000001',
      resend: true,
      measurements: flags.map((flag, index) => ({ factorCode: `a2100${index}`, kind: ValueKind.VALUE_KIND_AVG, value: 1, flag, extendedFlag: '', unit: '' })),
    }),
  ).finish();

describe('reading the readings topic back for transmission records', () => {
  it('reads the command code without decoding the rest, and skips real-time data', () => {
    expect(commandCodeOf(encoded('2011', ['N']))).toBe('2011');
    expect(commandCodeOf(encoded('2061', ['N']))).toBe('2061');
    expect(storedObservationOf(encoded('2011', ['N']))).toBeNull();
  });

  it('keeps what a minute or hour record needs; a flag that is no HJ 212 flag counts as B', () => {
    expect(storedObservationOf(encoded('2051', ['N', 'X']))).toEqual({
      observationId: 'MN1:2051:2026-12-06T02:00:00.000Z',
      deviceMn: 'MN1',
      enterpriseUscc: '91140800MA0K000001',
      commandCode: '2051',
      dataTime: new Date('2026-12-06T02:00:00Z'),
      receivedTime: new Date('2026-12-06T02:10:05Z'),
      resend: true,
      flags: ['N', 'B'],
    });
  });
});

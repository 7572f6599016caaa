import { describe, expect, it } from 'vitest';
import { DomainError } from '@ecogrid/domain-errors';
import { createRecordTransmissions, type StoredObservation } from './record-transmissions';
import { createGetTransmissionRates } from './get-transmission-rates';
import { createPublishDailyTransmissionRates } from './publish-daily-transmission-rates';
import { createInMemoryTransmissionLedger } from './testing/in-memory-transmission-ledger';

const HOUR = 3_600_000;
const USCC = '91140800MA0K000001';
/** 2026-12-06 00:00 Beijing time. */
const DAY_START = Date.UTC(2026, 11, 5, 16);
const intervals = { minuteMs: 600_000, hourMs: HOUR };

const hourRecord = (mn: string, hour: number, changes: Partial<StoredObservation> = {}): StoredObservation => ({
  observationId: `${mn}:2061:${new Date(DAY_START + hour * HOUR).toISOString()}`,
  deviceMn: mn,
  enterpriseUscc: USCC,
  commandCode: '2061',
  dataTime: new Date(DAY_START + hour * HOUR),
  receivedTime: new Date(DAY_START + (hour + 1) * HOUR + 60_000),
  resend: false,
  flags: ['N', 'N'],
  ...changes,
});

function setup(now: Date) {
  const ledger = createInMemoryTransmissionLedger();
  const clock = { now: () => now };
  const record = createRecordTransmissions({ ledger, intervals, graceMs: { minute: 1_200_000, hour: HOUR } });
  const rates = createGetTransmissionRates({ ledger, clock, intervals, devices: { profile: (mn) => (mn.startsWith('MN') ? ({ mn, enterpriseUscc: USCC } as never) : undefined) } });
  return { ledger, record, rates, clock };
}

describe('transmission rates from stored records', () => {
  it('counts a device\'s day: 22 of 24 hours, 2 of them flagged, one back-filled late; twice-read records once', async () => {
    const { record, rates } = setup(new Date(DAY_START + 30 * HOUR));
    const hours = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => hour !== 3 && hour !== 4);
    const stored = hours.map((hour) => hourRecord('MN1', hour, hour === 10 || hour === 11 ? { flags: ['N', 'M'] } : hour === 20 ? { resend: true, receivedTime: new Date(DAY_START + 26 * HOUR) } : {}));
    await record(stored);
    await record(stored.slice(0, 5)); // redelivered
    await record([{ ...hourRecord('MN1', 5), commandCode: '2011' }]); // not counted
    const day = await rates.device('MN1', { kind: 'day', period: '2026-12-06', basis: 'hour' });
    expect(day.rates).toMatchObject({ expected: 24, received: 22, receivedOnTime: 21, valid: 20 });
    expect(day.rates.transmissionRate).toBeCloseTo(22 / 24, 12);
    expect(day.rates.validityRate).toBeCloseTo(20 / 22, 12);
    expect(day.rates.effectiveTransmissionRate).toBeCloseTo(20 / 24, 12);
    const month = await rates.device('MN1', { kind: 'month', period: '2026-12', basis: 'hour' });
    // 2026-12-01 00:00 to the hour ended by 2026-12-07 06:00 Beijing time: 6 days and 6 hours owed.
    expect(month.rates).toMatchObject({ expected: 6 * 24 + 6, received: 22 });
  });

  it('sums an enterprise over its devices, and refuses what it cannot answer', async () => {
    const { record, rates } = setup(new Date(DAY_START + 30 * HOUR));
    await record([hourRecord('MN1', 0), hourRecord('MN1', 1), hourRecord('MN2', 0)]);
    const enterprise = await rates.enterprise(USCC, { kind: 'day', period: '2026-12-06', basis: 'hour' });
    expect(enterprise.rates).toMatchObject({ expected: 48, received: 3, valid: 3 });
    expect(enterprise.devices.map((device) => [device.deviceMn, device.rates.received])).toEqual([
      ['MN1', 2],
      ['MN2', 1],
    ]);
    await expect(rates.enterprise('91140800MA0K00000X', { kind: 'day', period: '2026-12-06', basis: 'hour' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(rates.device('XX', { kind: 'day', period: '2026-12-06', basis: 'hour' })).rejects.toBeInstanceOf(DomainError);
    await expect(rates.device('MN1', { kind: 'day', period: '2026-12', basis: 'hour' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('publishes a day once it is over, once, with every device and enterprise; not before anything was recorded', async () => {
    const { ledger, record, clock } = setup(new Date(DAY_START + 27 * HOUR));
    const encode = { device: (rate: { deviceMn: string; rates: { received: number } }) => ({ key: `device/${rate.deviceMn}`, payload: new Uint8Array([rate.rates.received]), id: `d/${rate.deviceMn}`, time: clock.now() }), enterprise: (rate: { enterpriseUscc: string }) => ({ key: `enterprise/${rate.enterpriseUscc}`, payload: new Uint8Array(), id: `e/${rate.enterpriseUscc}`, time: clock.now() }) };
    const publish = createPublishDailyTransmissionRates({ ledger, clock, hourMs: HOUR, encode, settleMs: 2 * HOUR, keepDays: 400 });
    expect(await publish()).toBeUndefined();
    const ancient = { ...hourRecord('MN1', 0), observationId: 'MN1:2061:old', dataTime: new Date(DAY_START - 401 * 86_400_000) };
    await record([hourRecord('MN1', 0), hourRecord('MN2', 1), ancient]);
    expect(await publish()).toEqual({ day: '2026-12-06', devices: 2, enterprises: 1, pruned: 1 });
    expect(await publish()).toBeUndefined();
    expect(ledger.events.map((event) => event.key).sort()).toEqual(['device/MN1', 'device/MN2', `enterprise/${USCC}`]);
  });
});

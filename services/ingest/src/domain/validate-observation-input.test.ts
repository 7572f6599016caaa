import { describe, expect, it } from 'vitest';
import { validateObservationInput } from './validate-observation-input';

const now = new Date('2026-11-29T08:00:00Z');
const valid = {
  deviceMn: '88888880000001',
  commandCode: '2011',
  dataTime: '2026-11-29T15:59:00+08:00',
  measurements: [
    { factorCode: 'a21026', kind: 'Rtd', value: 35.2, flag: 'N' },
    { factorCode: 'a21026', kind: 'ZsRtd', value: 41.7, flag: 'N' },
  ],
};

describe('validateObservationInput', () => {
  it('builds an observation with a deterministic id from device, command and data time', () => {
    const result = validateObservationInput(valid, { source: 'http', now });
    expect(result).toEqual({
      ok: true,
      observation: {
        id: '88888880000001:2011:2026-11-29T07:59:00.000Z',
        deviceMn: '88888880000001',
        command: '2011',
        dataTime: new Date('2026-11-29T07:59:00Z'),
        receivedTime: now,
        source: 'http',
        measurements: [
          { factorCode: 'a21026', kind: 'Rtd', value: 35.2, flag: 'N' },
          { factorCode: 'a21026', kind: 'ZsRtd', value: 41.7, flag: 'N' },
        ],
      },
    });
  });

  it('defaults the command to 2011, the kind to Rtd and the flag to N', () => {
    const result = validateObservationInput(
      { deviceMn: 'MN1', dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a34004', value: 12 }] },
      { source: 'http', now },
    );
    expect(result.ok && result.observation.command).toBe('2011');
    expect(result.ok && result.observation.measurements[0]).toEqual({ factorCode: 'a34004', kind: 'Rtd', value: 12, flag: 'N' });
  });

  it.each([
    [{ ...valid, deviceMn: undefined }, 'missing_field', 'deviceMn'],
    [{ ...valid, deviceMn: 'MN-with-dash' }, 'invalid_field', 'deviceMn'],
    [{ ...valid, commandCode: '9014' }, 'invalid_field', 'commandCode'],
    [{ ...valid, dataTime: undefined }, 'missing_field', 'dataTime'],
    [{ ...valid, dataTime: '2026-11-29 15:59:00' }, 'invalid_field', 'dataTime'],
    [{ ...valid, dataTime: '2026-11-29T17:00:00+08:00' }, 'data_time_in_future', 'dataTime'],
    [{ ...valid, measurements: [] }, 'missing_field', 'measurements'],
    [{ ...valid, measurements: [{ factorCode: 'SO2!', value: 1 }] }, 'invalid_field', 'measurements[0].factorCode'],
    [{ ...valid, measurements: [{ factorCode: 'a21026', value: '35' }] }, 'invalid_field', 'measurements[0].value'],
    [{ ...valid, measurements: [{ factorCode: 'a21026', value: Number.NaN }] }, 'invalid_field', 'measurements[0].value'],
    [{ ...valid, measurements: [{ factorCode: 'a21026', value: 1, flag: 'X' }] }, 'invalid_field', 'measurements[0].flag'],
    [{ ...valid, measurements: [{ factorCode: 'a21026', value: 1, kind: 'Mean' }] }, 'invalid_field', 'measurements[0].kind'],
    [{ ...valid, measurements: [{ factorCode: 'a21026', value: 1 }, { factorCode: 'a21026', value: 2 }] }, 'duplicate_measurement', 'measurements[1].factorCode'],
    ['just a string', 'invalid_body', ''],
  ])('refuses %j with %s at %s', (input, reason, field) => {
    const result = validateObservationInput(input, { source: 'http', now });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problem).toMatchObject({ reason, field });
  });

  it('prefixes the field with the item path inside a batch', () => {
    const result = validateObservationInput({ ...valid, deviceMn: '' }, { source: 'http', now, path: 'observations[3]' });
    expect(!result.ok && result.problem.field).toBe('observations[3].deviceMn');
  });
});

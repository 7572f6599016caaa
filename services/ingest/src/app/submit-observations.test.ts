import { describe, expect, it } from 'vitest';
import type { Observation } from '../domain/observation';
import type { Rejection } from './ports';
import { createSubmitObservations } from './submit-observations';

function harness(options: { failStore?: boolean } = {}) {
  const stored: Observation[] = [];
  const rejected: Rejection[] = [];
  const submit = createSubmitObservations({
    observations: {
      record: async (observations) => {
        if (options.failStore) throw new Error('broker unavailable');
        stored.push(...observations);
      },
    },
    rejections: { reject: async (rejections) => void rejected.push(...rejections) },
    clock: { now: () => new Date('2026-11-29T08:00:00Z') },
  });
  return { submit, stored, rejected };
}

const good = (mn: string) => ({ deviceMn: mn, dataTime: '2026-11-29T07:00:00Z', measurements: [{ factorCode: 'a21026', value: 1 }] });

describe('submitObservations', () => {
  it('stores the valid items and publishes the invalid ones as rejections with their raw input', async () => {
    const { submit, stored, rejected } = harness();
    const results = await submit([good('MN1'), { deviceMn: 'MN2', measurements: [] }, good('MN3')], { source: 'http', path: 'observations', remoteAddress: '127.0.0.1' });
    expect(results.map((result) => result.accepted)).toEqual([true, false, true]);
    expect(results[1]?.problem).toMatchObject({ reason: 'missing_field', field: 'observations[1].dataTime' });
    expect(stored.map((observation) => observation.deviceMn)).toEqual(['MN1', 'MN3']);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ reasonCode: 'missing_field', deviceMn: 'MN2', source: 'http', remoteAddress: '127.0.0.1' });
    expect(JSON.parse(rejected[0]?.raw.toString() ?? '')).toEqual({ deviceMn: 'MN2', measurements: [] });
  });

  it('fails the whole call when the store fails, so nothing is acknowledged that was not stored', async () => {
    const { submit } = harness({ failStore: true });
    await expect(submit([good('MN1')], { source: 'http' })).rejects.toThrow('broker unavailable');
  });
});

import { describe, expect, it } from 'vitest';
import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../ports';

type MemoryUnderTest = ObservationMemory & { latest(mn: string, command?: string): Record<string, string> | Promise<Record<string, string>> };

function observation(mn: string, id: string, at: string, value: number): Observation {
  return {
    id,
    deviceMn: mn,
    command: '2011',
    dataTime: new Date(at),
    receivedTime: new Date(at),
    source: 'hj212_tcp',
    measurements: [{ factorCode: 'a21026', kind: 'Rtd', value, flag: 'N' }],
  };
}

/** One contract for every ObservationMemory: the in-memory fake and the Redis adapter must both pass it. */
export function observationMemoryContract(name: string, create: () => Promise<MemoryUnderTest>): void {
  describe(`ObservationMemory contract: ${name}`, () => {
    it('knows an observation only after it was remembered', async () => {
      const memory = await create();
      expect(await memory.known(['a', 'b'])).toEqual([false, false]);
      await memory.remember([observation('MN1', 'a', '2026-11-29T07:00:00Z', 1)]);
      expect(await memory.known(['a', 'b'])).toEqual([true, false]);
      expect(await memory.known([])).toEqual([]);
    });

    it('answers many ids at once, in order', async () => {
      const memory = await create();
      await memory.remember([observation('MN3', 'p', '2026-11-29T07:00:00Z', 1), observation('MN3', 'r', '2026-11-29T07:00:01Z', 1)]);
      expect(await memory.known(['q', 'p', 's', 'r'])).toEqual([false, true, false, true]);
    });

    it('keeps the latest value per device and factor, and an older re-send does not replace a newer value', async () => {
      const memory = await create();
      await memory.remember([observation('MN2', 'x1', '2026-11-29T07:01:00Z', 20)]);
      await memory.remember([observation('MN2', 'x0', '2026-11-29T07:00:00Z', 10)]);
      const latest = await memory.latest('MN2');
      expect(JSON.parse(latest['a21026-Rtd'] ?? '{}')).toEqual({ value: 20, flag: 'N', at: '2026-11-29T07:01:00.000Z' });
      await memory.remember([observation('MN2', 'x2', '2026-11-29T07:02:00Z', 30)]);
      expect(JSON.parse((await memory.latest('MN2'))['a21026-Rtd'] ?? '{}').value).toBe(30);
    });

    it('keeps every value of every device remembered in one batch', async () => {
      const memory = await create();
      const cems = observation('MN4', 'm1', '2026-11-29T07:03:00Z', 31.25);
      cems.measurements.push({ factorCode: 'a21026', kind: 'ZsRtd', value: 36.5, flag: 'N' }, { factorCode: 'a01012', kind: 'Rtd', value: -4, flag: 'M' });
      await memory.remember([cems, observation('MN5', 'm2', '2026-11-29T07:04:00Z', 7)]);
      const at = '2026-11-29T07:03:00.000Z';
      const parsed = (raw: Record<string, string>) => Object.fromEntries(Object.entries(raw).map(([field, value]) => [field, JSON.parse(value) as unknown]));
      expect(parsed(await memory.latest('MN4'))).toEqual({
        'a21026-Rtd': { value: 31.25, flag: 'N', at },
        'a21026-ZsRtd': { value: 36.5, flag: 'N', at },
        'a01012-Rtd': { value: -4, flag: 'M', at },
      });
      expect(parsed(await memory.latest('MN5'))).toEqual({ 'a21026-Rtd': { value: 7, flag: 'N', at: '2026-11-29T07:04:00.000Z' } });
    });
  });
}

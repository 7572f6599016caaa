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
  });
}

import { describe, expect, it } from 'vitest';
import type { Observation } from '../../domain/observation';
import type { ObservationMemory } from '../../app/ports';
import { createInMemoryObservationMemory } from '../../app/testing/in-memory-observation-memory';
import { observationMemoryContract } from '../../app/testing/observation-memory.contract';
import { createBatchedObservationMemory } from './batched-observation-memory';

function observation(mn: string, id: string, second: number): Observation {
  const at = new Date(Date.UTC(2026, 10, 29, 7, 0, second));
  return { id, deviceMn: mn, command: '2011', dataTime: at, receivedTime: at, source: 'hj212_tcp', measurements: [{ factorCode: 'a21026', kind: 'Rtd', value: second, flag: 'N' }] };
}

/** The in-memory fake, counting the calls that reach it and able to hold writes back. */
function countingMemory() {
  const inner = createInMemoryObservationMemory();
  const calls = { known: 0, remember: [] as number[] };
  let hold: Promise<void> | undefined;
  const memory: ObservationMemory & { latest: typeof inner.latest } = {
    known: (ids) => {
      calls.known += 1;
      return inner.known(ids);
    },
    remember: async (observations) => {
      calls.remember.push(observations.length);
      if (hold) await hold;
      await inner.remember(observations);
    },
    latest: inner.latest,
  };
  return { memory, calls, holdWrites: (until: Promise<void>) => (hold = until) };
}

observationMemoryContract('batched over the in-memory fake, written per turn', async () => createBatchedObservationMemory(createInMemoryObservationMemory()));
observationMemoryContract('batched over the in-memory fake, gathered for 20 ms', async () => createBatchedObservationMemory(createInMemoryObservationMemory(), { rememberFlushMs: 20 }));

describe('batched observation memory', () => {
  it('answers the known calls of one turn with one read', async () => {
    const { memory, calls } = countingMemory();
    const batched = createBatchedObservationMemory(memory);
    const answers = await Promise.all([batched.known(['a']), batched.known(['b', 'c']), batched.known([])]);
    expect(answers).toEqual([[false], [false, false], []]);
    expect(calls.known).toBe(1);
  });

  it('gathers remember calls over the interval into one write', async () => {
    const { memory, calls } = countingMemory();
    const batched = createBatchedObservationMemory(memory, { rememberFlushMs: 30 });
    const first = batched.remember([observation('MN1', 'a', 1)]);
    await new Promise((resolve) => setImmediate(resolve));
    const second = batched.remember([observation('MN1', 'b', 2), observation('MN2', 'c', 3)]);
    expect(calls.remember).toEqual([]);
    await Promise.all([first, second]);
    expect(calls.remember).toEqual([3]);
    expect(await batched.known(['a', 'b', 'c', 'd'])).toEqual([true, true, true, false]);
  });

  it('counts an id as known while its write is still gathering or under way', async () => {
    const { memory, holdWrites } = countingMemory();
    let release = (): void => undefined;
    holdWrites(new Promise<void>((resolve) => (release = resolve)));
    const batched = createBatchedObservationMemory(memory, { rememberFlushMs: 10_000 });
    const remembered = batched.remember([observation('MN1', 'a', 1)]);
    expect(await batched.known(['a', 'b'])).toEqual([true, false]);
    const flushed = batched.flush();
    expect(await batched.known(['a'])).toEqual([true]);
    release();
    await flushed;
    await remembered;
    expect(await memory.known(['a'])).toEqual([true]);
  });

  it('writes at once when the gathered observations reach the bound, and flush writes the rest', async () => {
    const { memory, calls } = countingMemory();
    const batched = createBatchedObservationMemory(memory, { rememberFlushMs: 10_000, maxGathered: 3 });
    void batched.remember([observation('MN1', 'a', 1), observation('MN1', 'b', 2)]);
    const full = batched.remember([observation('MN1', 'c', 3)]);
    await full;
    expect(calls.remember).toEqual([3]);
    const rest = batched.remember([observation('MN1', 'd', 4)]);
    await batched.flush();
    await rest;
    expect(calls.remember).toEqual([3, 1]);
  });

  it('rejects the gathered calls when the write fails, and forgets their ids', async () => {
    const failing: ObservationMemory = { known: async (ids) => ids.map(() => false), remember: async () => Promise.reject(new Error('redis down')) };
    const batched = createBatchedObservationMemory(failing, { rememberFlushMs: 5 });
    await expect(batched.remember([observation('MN1', 'a', 1)])).rejects.toThrow('redis down');
    expect(await batched.known(['a'])).toEqual([false]);
  });
});

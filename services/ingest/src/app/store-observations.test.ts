import { describe, expect, it } from 'vitest';
import type { Observation } from '../domain/observation';
import { createStoreObservations } from './store-observations';
import { countingCounters, createInMemoryObservationMemory } from './testing/fakes';

const observation = (id: string): Observation => ({
  id,
  deviceMn: 'MN1',
  command: '2011',
  dataTime: new Date('2026-11-29T07:00:00Z'),
  receivedTime: new Date('2026-11-29T07:00:01Z'),
  source: 'hj212_tcp',
  measurements: [{ factorCode: 'a21026', kind: 'Rtd', value: 1, flag: 'N' }],
});

/** A sink whose publishes wait until the test lets them finish (the broker away, then back). */
function slowSink() {
  const calls: Array<{ observations: Observation[]; finish: (error?: Error) => void }> = [];
  return {
    calls,
    record: (observations: Observation[]) => new Promise<void>((resolve, reject) => calls.push({ observations, finish: (error) => (error ? reject(error) : resolve()) })),
  };
}

describe('storeObservations', () => {
  it('lets a re-send of an observation still on its way to Kafka join that publish instead of publishing a second copy', async () => {
    const sink = slowSink();
    const store = createStoreObservations({ sink, memory: createInMemoryObservationMemory(), counters: countingCounters() });
    const first = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    const resend = store([observation('A'), observation('B')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.calls.map((call) => call.observations.map((item) => item.id))).toEqual([['A'], ['B']]);
    sink.calls[1]?.finish();
    sink.calls[0]?.finish();
    expect(await first).toEqual({ duplicate: [false] });
    expect(await resend).toEqual({ duplicate: [true, false] });
  });

  it('fails the re-send with the publish it joined, so neither is acknowledged, and publishes the next re-send afresh', async () => {
    const sink = slowSink();
    const store = createStoreObservations({ sink, memory: createInMemoryObservationMemory(), counters: countingCounters() });
    const first = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    const resend = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    sink.calls[0]?.finish(new Error('broker away'));
    await expect(first).rejects.toThrow('broker away');
    await expect(resend).rejects.toThrow('broker away');
    const later = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.calls).toHaveLength(2);
    sink.calls[1]?.finish();
    expect(await later).toEqual({ duplicate: [false] });
  });

  it('does not publish a re-send again when the first copy is acknowledged while the re-send is being looked up', async () => {
    const sink = slowSink();
    const inner = createInMemoryObservationMemory();
    // The re-send's lookup is held and then answered "not stored": it left before the first copy's mark arrived.
    const heldLookups: Array<(known: boolean[]) => void> = [];
    let holdLookups = false;
    const memory = {
      known: (ids: readonly string[]) => (holdLookups ? new Promise<boolean[]>((resolve) => heldLookups.push(resolve)) : inner.known(ids)),
      remember: (observations: readonly Observation[]) => inner.remember(observations),
    };
    const store = createStoreObservations({ sink, memory, counters: countingCounters() });
    const first = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    holdLookups = true;
    const resend = store([observation('A')]);
    await new Promise((resolve) => setImmediate(resolve));
    sink.calls[0]?.finish();
    expect(await first).toEqual({ duplicate: [false] });
    heldLookups[0]?.([false]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.calls).toHaveLength(1);
    sink.calls[1]?.finish();
    expect(await resend).toEqual({ duplicate: [true] });
  });
});

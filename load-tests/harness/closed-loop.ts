import type { Hj212Fleet } from './hj212-client';
import { latencyHistogram } from './open-model';

/** Closed loop: `window` requests outstanding per worker slot, the next sent when one is answered. */
export async function closedLoop(send: (index: number) => Promise<boolean>, slots: number, window: number, seconds: number) {
  const histogram = latencyHistogram();
  let ok = 0;
  let failed = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const worker = async (slot: number): Promise<void> => {
    for (let round = 0; performance.now() < deadline; round++) {
      const begin = performance.now();
      if (await send(slot + slots * round)) ok += 1;
      else failed += 1;
      histogram.recordValue(Math.max(1, Math.round((performance.now() - begin) * 1000)));
    }
  };
  // Worker w drives slot w % slots (for HJ 212: that device's connection), `window` workers per slot.
  await Promise.all(Array.from({ length: slots * window }, (_, w) => worker(w % slots).catch(() => undefined)));
  const elapsed = (performance.now() - started) / 1000;
  return { rate: ok / elapsed, ok, failed, p50: histogram.getValueAtPercentile(50) / 1000, p99: histogram.getValueAtPercentile(99) / 1000 };
}

/** A closed-loop sender whose indices map onto fleet connections and fresh DataTimes. */
export function onFleet(fleet: Hj212Fleet, slots: number): (index: number) => Promise<boolean> {
  // index = slot + slots × round → connection index % CONNECTIONS; the fleet advances each device's step itself.
  return (index) => fleet.send(index % slots);
}


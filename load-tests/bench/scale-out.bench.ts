import { median } from '../harness/median';
import type { BenchMetrics, BenchModule } from './bench-types';
import { closedLoop } from '../harness/closed-loop';
import { openHj212Fleet, type Hj212Fleet } from '../harness/hj212-client';
import { startIngestUnderLoad } from '../harness/ingest-under-load';

/** Devices of the closed loop, each on its own connection, spread evenly over the instances. */
const DEVICES = 200;
/** Frames outstanding per connection: a capacity figure, as in the ingest bench's maximum. */
const WINDOW = 8;
const SECONDS = 15;
/** One, two, one, two: each layout measured twice, so an hour's drift on the shared machine shows as spread. */
const LAYOUTS = [1, 2, 1, 2];

interface Layout {
  rate: number;
  cpuMicrosPerFrame: number;
}

/** The HJ 212 maximum of `instances` ingest processes sharing the topics and Redis, devices split between them. */
async function measure(instances: number): Promise<Layout> {
  const ingest = await startIngestUnderLoad({ devices: DEVICES, instances });
  try {
    const share = DEVICES / instances;
    const fleets: Hj212Fleet[] = await Promise.all(ingest.hj212Ports.map((port, index) => openHj212Fleet(port, ingest.devices.slice(index * share, (index + 1) * share), { replyTimeoutMs: 10_000 })));
    const send = (index: number): Promise<boolean> => {
      const device = index % DEVICES;
      return fleets[Math.floor(device / share)]?.send(device % share) ?? Promise.resolve(false);
    };
    // Warm-up, not measured: a frame on every connection (JIT, producer ids, metadata).
    await Promise.all(Array.from({ length: DEVICES }, (_, device) => send(device)));
    const cpuBefore = await ingest.cpuMicros();
    const run = await closedLoop(send, DEVICES, WINDOW, SECONDS);
    const cpuMicrosPerFrame = ((await ingest.cpuMicros()) - cpuBefore) / Math.max(1, run.ok);
    await Promise.all(fleets.map((fleet) => fleet.close()));
    return { rate: run.rate, cpuMicrosPerFrame };
  } finally {
    await ingest.stop();
  }
}


const bench: BenchModule = {
  title: 'Scale-out: ingest as two processes beside one (alerting with two instances is in the alerting bench)',
  needs: ['kafka', 'redis'],
  async run(): Promise<BenchMetrics> {
    const results = new Map<number, Layout[]>();
    for (const instances of LAYOUTS) results.set(instances, [...(results.get(instances) ?? []), await measure(instances)]);
    const one = results.get(1) ?? [];
    const two = results.get(2) ?? [];
    const rates = (layouts: Layout[]): string => layouts.map((layout) => Math.round(layout.rate).toLocaleString('en-US')).join(', ');
    return {
      scale_ingest_one_process_frames_per_s: {
        value: Math.round(median(one.map((layout) => layout.rate))),
        unit: 'frames/s',
        note: `HJ 212 closed loop, ${DEVICES} connections × ${WINDOW} frames outstanding, ${SECONDS} s, one ingest process; median of ${one.length} runs (${rates(one)}) alternating with the two-process runs`,
      },
      scale_ingest_two_processes_frames_per_s: {
        value: Math.round(median(two.map((layout) => layout.rate))),
        unit: 'frames/s',
        baseline: 'scale_ingest_one_process_frames_per_s',
        note: `the same load with the connections split over two ingest processes (shared topics and Redis), same run; runs ${rates(two)}. Both processes, Kafka, Redis and this load generator share two cores, so a second process cannot add a core here: the ratio shows what splitting costs or gains on one box; the per-frame CPU says what a second machine would carry`,
      },
      scale_ingest_one_process_cpu_us_per_frame: {
        value: Math.round(median(one.map((layout) => layout.cpuMicrosPerFrame))),
        unit: 'µs CPU/frame',
        note: 'ingest\'s own CPU (user + system, /proc) per acknowledged frame in the runs above, median',
      },
      scale_ingest_two_processes_cpu_us_per_frame: {
        value: Math.round(median(two.map((layout) => layout.cpuMicrosPerFrame))),
        unit: 'µs CPU/frame',
        baseline: 'scale_ingest_one_process_cpu_us_per_frame',
        note: 'both processes\' CPU per acknowledged frame: each process batches less when it carries half the load',
      },
    };
  },
};

export default bench;

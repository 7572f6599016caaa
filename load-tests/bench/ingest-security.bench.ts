import type { BenchMetrics, BenchModule } from './bench-types';
import { closedLoop, onFleet } from '../harness/closed-loop';
import { openHj212Fleet } from '../harness/hj212-client';
import { startIngestUnderLoad } from '../harness/ingest-under-load';
import { MACHINE_NOTE } from '../harness/scenarios';

const SECONDS = 12;
const CONNECTIONS = 200;
const WINDOW = 8;

/**
 * Every limit computed per frame but none reached: the address and device limits far above the load (which comes
 * from one address), the credential check and the failure throttle as in production.
 */
const ON = { ADDRESS_RATE_LIMIT_PER_S: '1000000000', DEVICE_RATE_LIMIT_PER_S: '1000000', DEVICE_RATE_LIMIT_BURST: '1000000' };
/** The per-frame limits off (what the load harness runs with). Device passwords are verified either way. */
const OFF = { ADDRESS_RATE_LIMIT_PER_S: '0', DEVICE_RATE_LIMIT_PER_S: '0' };
/** No remembered credentials: scrypt for every frame, to show what the cache saves. */
const NO_CACHE = { ...OFF, CREDENTIAL_CACHE_TTL_S: '0' };

/** HJ 212 closed-loop throughput of a freshly started ingest with `env`, after a warm-up frame per connection. */
async function throughput(env: Record<string, string>, seconds: number, stepOffset: number): Promise<{ rate: number; failed: number; p99: number }> {
  const ingest = await startIngestUnderLoad({ devices: CONNECTIONS, env });
  try {
    const fleet = await openHj212Fleet(ingest.hj212Port, ingest.devices, { stepOffset });
    await Promise.all(ingest.devices.map((_, index) => fleet.send(index)));
    const run = await closedLoop(onFleet(fleet, CONNECTIONS), CONNECTIONS, WINDOW, seconds);
    await fleet.close();
    return { rate: run.rate, failed: run.failed, p99: run.p99 };
  } finally {
    await ingest.stop();
  }
}

const bench: BenchModule = {
  title: 'Ingest: the cost of device authentication and throttling',
  needs: ['kafka', 'redis'],
  async run(): Promise<BenchMetrics> {
    // A B B A: the two configurations alternate, so a machine that slows down during the run hurts both alike.
    const offFirst = await throughput(OFF, SECONDS, 0);
    const onFirst = await throughput(ON, SECONDS, 1_000_000);
    const onSecond = await throughput(ON, SECONDS, 2_000_000);
    const offSecond = await throughput(OFF, SECONDS, 3_000_000);
    const noCache = await throughput(NO_CACHE, 6, 4_000_000);
    const off = (offFirst.rate + offSecond.rate) / 2;
    const on = (onFirst.rate + onSecond.rate) / 2;
    const round = (value: number): number => Math.round(value);
    return {
      ingest_security_limits_off_frames_per_s: {
        value: round(off),
        unit: 'frames/s',
        note: `HJ 212 closed loop, ${CONNECTIONS} device connections × ${WINDOW} outstanding, ${SECONDS} s, fresh ingest per run, mean of 2 runs (${round(offFirst.rate)}, ${round(offSecond.rate)}); passwords verified against scrypt verifiers (remembered), per-frame address and device limits off. ${MACHINE_NOTE}`,
      },
      ingest_security_limits_on_frames_per_s: {
        value: round(on),
        unit: 'frames/s',
        baseline: 'ingest_security_limits_off_frames_per_s',
        target: '>= 0.95 × baseline',
        note: `the same with the address limit (before authentication) and the device limit (after it) computed for every frame (rate-limiter-flexible, set above the load so none is refused), runs in A B B A order (${round(onFirst.rate)}, ${round(onSecond.rate)}); p99 ${onFirst.p99.toFixed(1)} / ${onSecond.p99.toFixed(1)} ms vs ${offFirst.p99.toFixed(1)} / ${offSecond.p99.toFixed(1)} ms off`,
      },
      ingest_security_no_credential_cache_frames_per_s: {
        value: round(noCache.rate),
        unit: 'frames/s',
        baseline: 'ingest_security_limits_off_frames_per_s',
        note: `CREDENTIAL_CACHE_TTL_S=0: scrypt (N=2^14, r=8) for every frame, 6 s; what remembering verified credentials saves (${noCache.failed} frames unanswered in 10 s)`,
      },
    };
  },
};

export default bench;

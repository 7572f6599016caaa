import { build, type Histogram } from 'hdr-histogram-js';
import { counterMetric, rateMetric, trendMetric, type K6Summary } from './k6-summary';
import { SCENARIO_METRICS, SUMMARY_TREND_STATS } from './slo';

export interface OpenModelOptions {
  /** Arrivals per second. */
  rate: number;
  durationS: number;
  /** Requests outstanding at most; an arrival beyond it is dropped and counted (k6 maxVUs). */
  maxInFlight: number;
  /** Sends request `index`; resolves true when it succeeded. Never rejects for an ordinary failure. */
  send: (index: number) => Promise<boolean>;
  /**
   * False when request `index` cannot be sent now without queueing in the generator (a device whose frames
   * awaiting an answer fill its window, or whose TCP window is full because the server paused its socket). Such
   * an arrival is not sent and counted as `blocked`: the device was slowed, as a real one would be.
   */
  canSend?: (index: number) => boolean;
  /** Give up waiting for stragglers this long after the last arrival (they count as failed). */
  drainTimeoutMs?: number;
}

export interface OpenModelResult {
  offered: number;
  started: number;
  succeeded: number;
  failed: number;
  /** Arrivals dropped because too many were in flight, plus `blocked`. */
  dropped: number;
  /** Arrivals not sent because the device was held back (its window of unanswered requests, TCP backpressure). */
  blocked: number;
  /** Answers that came while arrivals were still due, per second of that window: the throughput under that load. */
  answeredRate: number;
  /** Arrival window, ms. */
  durationMs: number;
  /** Microseconds from the intended send time (not the actual one) to the answer: no coordinated omission. */
  latency: Histogram;
  /**
   * Microseconds from the moment `send` was called to the answer: what the server and the network took, without
   * the generator's own lateness. Read it beside `sendLateness`: it is the honest figure only while that is small.
   */
  fromSend: Histogram;
  /** Microseconds from the intended send time to the moment `send` was called (timer granularity, a busy generator). */
  sendLateness: Histogram;
  achievedRate: number;
  /** Per second of intended send time: answers, failures and the worst latency (ms), to see stalls and recovery. */
  timeline: Array<{ second: number; ok: number; failed: number; maxMs: number }>;
}

export function latencyHistogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
}

/**
 * The constant-arrival-rate executor of k6, in Node: request i is due at t0 + i/rate whatever happened to the
 * ones before; latency runs from that intended moment, so a stalled server is charged for the requests it
 * delayed; above `maxInFlight` an arrival is dropped and counted, never queued. Bounded by count and time.
 */
export async function runOpenModel(options: OpenModelOptions): Promise<OpenModelResult> {
  const latency = latencyHistogram();
  const fromSend = latencyHistogram();
  const sendLateness = latencyHistogram();
  const total = Math.max(1, Math.round(options.rate * options.durationS));
  const intervalMs = 1000 / options.rate;
  let next = 0;
  let inFlight = 0;
  let succeeded = 0;
  let failed = 0;
  let dropped = 0;
  let blocked = 0;
  let started = 0;
  const t0 = performance.now();
  const timeline: OpenModelResult['timeline'] = [];
  const slot = (index: number) => {
    const second = Math.floor(index / options.rate);
    let entry = timeline[second];
    if (!entry) {
      for (let fill = timeline.length; fill <= second; fill++) timeline[fill] = { second: fill, ok: 0, failed: 0, maxMs: 0 };
      entry = timeline[second] as OpenModelResult['timeline'][number];
    }
    return entry;
  };

  const launch = (index: number): void => {
    const intended = t0 + index * intervalMs;
    inFlight += 1;
    started += 1;
    const sent = performance.now();
    sendLateness.recordValue(Math.max(1, Math.round((sent - intended) * 1000)));
    options.send(index).then(
      (ok) => {
        inFlight -= 1;
        const answered = performance.now();
        const ms = answered - intended;
        latency.recordValue(Math.max(1, Math.round(ms * 1000)));
        fromSend.recordValue(Math.max(1, Math.round((answered - sent) * 1000)));
        const entry = slot(index);
        entry.maxMs = Math.max(entry.maxMs, Math.round(ms));
        if (ok) {
          succeeded += 1;
          entry.ok += 1;
        } else {
          failed += 1;
          entry.failed += 1;
        }
      },
      () => {
        inFlight -= 1;
        failed += 1;
        slot(index).failed += 1;
      },
    );
  };

  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const due = Math.min(total, Math.floor((performance.now() - t0) / intervalMs) + 1);
      while (next < due) {
        if (inFlight >= options.maxInFlight) dropped += 1;
        else if (options.canSend && !options.canSend(next)) {
          dropped += 1;
          blocked += 1;
        } else launch(next);
        next += 1;
      }
      if (next >= total) resolve();
      else setTimeout(pump, Math.max(0, Math.min(intervalMs, 1)));
    };
    pump();
  });
  const arrivalsEnd = performance.now();
  const answeredDuringArrivals = succeeded;
  const drainDeadline = arrivalsEnd + (options.drainTimeoutMs ?? 10_000);
  while (inFlight > 0 && performance.now() < drainDeadline) await new Promise((resolve) => setTimeout(resolve, 5));
  failed += inFlight;
  const durationMs = arrivalsEnd - t0;
  return { offered: total, started, succeeded, failed, dropped, blocked, durationMs, latency, fromSend, sendLateness, achievedRate: (succeeded / Math.max(durationMs, 1)) * 1000, answeredRate: (answeredDuringArrivals / Math.max(durationMs, 1)) * 1000, timeline };
}

/** The result as k6 would summarise the scenario: tagged sub-metrics (what thresholds judge) and totals. */
export function toK6Summary(scenario: string, result: OpenModelResult, harness: Record<string, unknown> = {}): K6Summary {
  const names = SCENARIO_METRICS[scenario];
  if (!names) throw new Error(`unknown scenario ${scenario}`);
  const seconds = result.durationMs / 1000;
  const tag = `{scenario:${scenario}}`;
  const latency = trendMetric(result.latency);
  const failures =
    names.failedKind === 'rate_passed' ? rateMetric(result.succeeded, result.failed) : rateMetric(result.failed, result.succeeded);
  const dropped = counterMetric(result.dropped, seconds);
  const iterations = counterMetric(result.started, seconds);
  return {
    state: { testRunDurationMs: Math.round(result.durationMs) },
    options: { summaryTrendStats: SUMMARY_TREND_STATS },
    metrics: {
      [names.duration]: latency,
      [`${names.duration}${tag}`]: latency,
      [names.failed]: failures,
      [`${names.failed}${tag}`]: failures,
      dropped_iterations: dropped,
      [`dropped_iterations${tag}`]: dropped,
      iterations,
    },
    harness: { offered: result.offered, succeeded: result.succeeded, failed: result.failed, blocked: result.blocked, achievedRate: Math.round(result.achievedRate), ...harness },
  };
}

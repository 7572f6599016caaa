import { describe, expect, it } from 'vitest';
import { runOpenModel } from './open-model';

describe('runOpenModel (constant arrival rate)', () => {
  it('keeps sending at the offered rate while the server stalls, drops beyond the in-flight cap, and charges latency from the intended time', async () => {
    let failing = 0;
    const started = performance.now();
    // A server that answers nothing for the first 300 ms, then everything at once.
    const result = await runOpenModel({
      rate: 200,
      durationS: 1,
      maxInFlight: 40,
      send: (index) => {
        if (index % 50 === 7) failing += 1;
        const wait = Math.max(0, 300 - (performance.now() - started));
        return new Promise((resolve) => setTimeout(() => resolve(index % 50 !== 7), wait));
      },
    });
    expect(result.offered).toBe(200);
    // 40 in flight before the stall ends (~60 arrivals by then): about 20 dropped.
    expect(result.dropped).toBeGreaterThan(5);
    expect(result.started + result.dropped).toBe(200);
    expect(result.failed).toBe(failing);
    // The first request waited the whole stall: a closed loop would hide this, the open model must not.
    expect(result.latency.maxValue / 1000).toBeGreaterThan(250);
    // Every started call is also timed from its actual send, never longer than from its intended time.
    expect(result.fromSend.totalCount).toBe(result.started);
    expect(result.sendLateness.totalCount).toBe(result.started);
    expect(result.fromSend.maxValue).toBeLessThanOrEqual(result.latency.maxValue);
    expect(result.fromSend.maxValue / 1000).toBeGreaterThan(250);
    expect(result.durationMs).toBeGreaterThan(900);
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it('does not send an arrival the device holds back, counts it apart from the drops, and rates only answers that came while arrivals were due', async () => {
    const result = await runOpenModel({
      rate: 200,
      durationS: 0.5,
      maxInFlight: 1_000,
      canSend: (index) => index % 4 !== 0,
      // Answers take longer than the whole arrival window: none counts towards the rate, all count as answered.
      send: () => new Promise((resolve) => setTimeout(() => resolve(true), 700)),
    });
    expect(result.offered).toBe(100);
    expect(result.blocked).toBe(25);
    expect(result.dropped).toBe(25);
    expect(result.started).toBe(75);
    expect(result.succeeded).toBe(75);
    expect(result.answeredRate).toBe(0);
    expect(result.achievedRate).toBeGreaterThan(0);
  });
});

import { createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, type Hj212Frame } from '@ecogrid/standards';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChinaDigits } from './china-time';
import { planHazeEpisode } from './haze-episode';
import { DeviceSession, type SessionOptions, type SimulatorEvent } from './device-session';
import type { SimulatedDevice } from './device';

const DEVICE: SimulatedDevice = { mn: '140802AQ01EE8D16FEFF37F5', password: 'F7D8C7', systemCode: '31', category: 'flue_gas', profile: '2017', factors: [{ code: 'a21026', limit: 35 }] };
/** 2026-12-06 10:00:00 Beijing time. */
const T0 = Date.UTC(2026, 11, 6, 2);

describe('a simulated station over time (fake clock, a real local socket)', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  /** Frames the platform side received, in order. */
  const received: Hj212Frame[] = [];
  let now = T0;
  const events: SimulatorEvent[] = [];
  /** The fake clock when each event was emitted. */
  const emittedAt = new Map<SimulatorEvent, number>();

  beforeEach(async () => {
    now = T0;
    events.length = 0;
    received.length = 0;
    server = createServer((socket) => {
      sockets.push(socket);
      const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' } });
      socket.on('data', (chunk: Buffer) => {
        for (const result of decoder.push(chunk)) if (result.ok) received.push(result.frame);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterEach(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  const session = (device: SimulatedDevice, options: Partial<SessionOptions> = {}): DeviceSession =>
    new DeviceSession(device, {
      target: { host: '127.0.0.1', port },
      streams: [
        { cn: '2011', intervalMs: 1_000, aligned: false, delayMs: 0 },
        { cn: '2051', intervalMs: 10_000, aligned: true, delayMs: 100 },
      ],
      ackTimeoutMs: 600_000,
      maxRetries: 0,
      outageProbability: 0,
      outageDurationMs: [1, 2],
      exceedanceProbability: 0,
      exceedanceDurationMs: 0,
      abnormalFlagProbability: 0,
      seed: 'session-test',
      now: () => now,
      emit: (event) => {
        events.push(event);
        emittedAt.set(event, now);
      },
      maxOutbox: 100,
      rate: 1,
      ...options,
    });
  /** Moves the fake clock in steps, ticking the session at each. */
  const run = async (station: DeviceSession, ms: number, stepMs = 100): Promise<void> => {
    for (let elapsed = 0; elapsed < ms; elapsed += stepMs) {
      now += stepMs;
      station.tick();
      if (elapsed % 2_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const sent = (cn: string) => events.filter((event): event is Extract<SimulatorEvent, { type: 'sent' }> => event.type === 'sent' && event.cn === cn);

  it('keeps measuring through a link outage, sends nothing meanwhile, and keeps the minute records for history requests', async () => {
    const station = session(DEVICE, { outages: [{ mn: DEVICE.mn, startMs: T0 + 15_000, durationMs: 30_000, kind: 'link' }] });
    await run(station, 15_000);
    const before = sent('2051').length;
    await run(station, 29_000);
    expect(station.linkDown).toBe(true);
    expect(sent('2051').length).toBe(before);
    expect(sent('2011').filter((event) => event.dataTime > T0 + 15_500 && event.dataTime < T0 + 44_000)).toEqual([]);
    await run(station, 20_000);
    expect(events.some((event) => event.type === 'outage_ended')).toBe(true);
    expect(sent('2051').length).toBeGreaterThan(before);
    // Every minute record it produced is kept, the three of the outage included.
    expect(station.historySize('2051')).toBe(sent('2051').length + 3);
    await station.stop();
  });

  it('back-fills the past hours of a haze episode that began 72 h ago as 2061 records, oldest first, at its pace, none in the future', async () => {
    const station2025: SimulatedDevice = { mn: '140802AQ021FED30F4C19751', password: 'F68DC8', systemCode: '22', category: 'ambient_air', profile: '2025', factors: [{ code: 'a34004' }, { code: 'a34002' }] };
    now = T0 + 20 * 60_000;
    const plan = planHazeEpisode([station2025], { startMs: now - 72 * 3_600_000, durationMs: 96 * 3_600_000, multiple: 1.4 }, { nowMs: now, paceMs: 500 });
    expect(plan.episodes).toEqual([{ mn: station2025.mn, code: 'a34004', startMs: now, durationMs: 24 * 3_600_000, multiple: 1.4 }]);
    const station = session(station2025, { streams: [], backfills: plan.backfills, episodes: plan.episodes });
    const startedAt = now;
    await run(station, 40_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const hours = received.filter((frame) => frame.cn === '2061');
    expect(hours).toHaveLength(71);
    expect(station.backfillPending).toBe(0);
    const dataTimes = hours.map((frame) => parseChinaDigits(frame.cp.dataTime ?? '') ?? 0);
    // The 71 whole hours from 72 h before start-up (rounded up to the hour) to the last hour that has ended.
    expect(dataTimes[0]).toBe(T0 - 71 * 3_600_000);
    expect(dataTimes.at(-1)).toBe(T0 - 3_600_000);
    expect(dataTimes.every((time, index) => index === 0 || time - (dataTimes[index - 1] ?? 0) === 3_600_000)).toBe(true);
    // A back-fill from an HJ 212-2025 device says so (RF=1) and asks for a 9014 like any upload.
    expect(hours.every((frame) => frame.resend && frame.flag?.needsAck)).toBe(true);
    const pm25 = hours.map((frame) => Number(frame.cp.factors.a34004?.Avg));
    expect(Math.min(...pm25)).toBeGreaterThan(100);
    expect(pm25.reduce((sum, value) => sum + value, 0) / pm25.length).toBeGreaterThan(130);
    // One record every 500 ms of the simulator's clock, none covering time that has not passed.
    const sentAt = sent('2061').map((event) => emittedAt.get(event) ?? 0);
    expect(sentAt.every((time, index) => index === 0 || time - (sentAt[index - 1] ?? 0) >= 500)).toBe(true);
    expect((sentAt.at(-1) ?? 0) - startedAt).toBeLessThan(40_000);
    expect(sent('2061').every((event) => event.dataTime + 3_600_000 <= (emittedAt.get(event) ?? 0))).toBe(true);
    expect(station.historySize('2061')).toBe(71);
    await station.stop();
  });

  it('drifts by its rate until set, and uploads its running state on its own timetable', async () => {
    const station = session({ ...DEVICE, clockDriftMsPerHour: 60_000 }, { statusIntervalMs: 5_000, streams: [{ cn: '2011', intervalMs: 60_000, aligned: false, delayMs: 0 }] });
    await run(station, 3_600_000, 1_000);
    // The device clock of each running-state upload, against the wall clock when it went: a minute ahead after an hour.
    const status = sent('2021');
    const ahead = (event: (typeof status)[number]): number => event.dataTime - (emittedAt.get(event) ?? 0);
    expect(ahead(status[0]!)).toBeLessThan(1_000);
    expect(ahead(status.at(-1)!)).toBeGreaterThan(58_000);
    expect(ahead(status.at(-1)!)).toBeLessThanOrEqual(60_000);
    expect(status.length).toBeGreaterThan(700);
    await station.stop();
  });
});

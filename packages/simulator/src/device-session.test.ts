import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeviceSession, type SessionOptions, type SimulatorEvent } from './device-session';
import type { SimulatedDevice } from './device';

const DEVICE: SimulatedDevice = { mn: '140802AQ01EE8D16FEFF37F5', password: 'F7D8C7', systemCode: '31', category: 'flue_gas', profile: '2017', factors: [{ code: 'a21026', limit: 35 }] };
/** 2026-12-06 10:00:00 Beijing time. */
const T0 = Date.UTC(2026, 11, 6, 2);

describe('a simulated station over time (fake clock, a real local socket)', () => {
  let server: Server;
  let port = 0;
  const sockets: Socket[] = [];
  let now = T0;
  const events: SimulatorEvent[] = [];
  /** The fake clock when each event was emitted. */
  const emittedAt = new Map<SimulatorEvent, number>();

  beforeEach(async () => {
    now = T0;
    events.length = 0;
    server = createServer((socket) => {
      sockets.push(socket);
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

import type { SimulatedDevice } from './device';
import { DeviceSession, type ScheduledBackfill, type ScheduledEpisode, type ScheduledOutage, type SimulatorEvent } from './device-session';
import { REAL_INTERVALS, uploadStreams } from './schedule';

export interface SimulatorOptions {
  devices: readonly SimulatedDevice[];
  /** Where ingest listens for HJ 212 over TCP. */
  target: { host: string; port: number };
  /** Upload frequency multiplier: 1 = real devices (2011 every 30–60 s, 2051 every 10 min, 2061 hourly); 10 = ten times as often. */
  rate?: number;
  /** Same seed, same district: values, flags, episodes and outages repeat. */
  seed?: string;
  /** Which uploads to send (all by default). */
  uploads?: { realTime?: boolean; minute?: boolean; hour?: boolean };
  /** Real-time interval per device, drawn once in this range (ms, before `rate`). */
  realTimeIntervalMs?: readonly [number, number];
  /** Chance per real-time upload that an exceedance episode starts (default 0.002). */
  exceedanceProbability?: number;
  /** How long an exceedance episode lasts, before `rate` (default 15 min). */
  exceedanceDurationMs?: number;
  /** Chance per upload that one factor carries M, C, D or T (default 0.02). */
  abnormalFlagProbability?: number;
  /** Chance per real-time upload that the device goes silent (default 0.0005). */
  outageProbability?: number;
  /** Of the random outages, the share that are a dropped link rather than power off (default 0: all power off). */
  linkOutageShare?: number;
  /** Outage length range, before `rate` (default 2–20 min). */
  outageDurationMs?: readonly [number, number];
  /**
   * Outages at set moments of the simulator's clock (`now`), not scaled by `rate`: `link` (the device keeps measuring
   * and answers history requests for it afterwards) or `power` (it measures nothing meanwhile).
   */
  outages?: readonly ScheduledOutage[];
  /** Exceedance episodes at set moments of the simulator's clock, not scaled by `rate` (besides the random ones). */
  episodes?: readonly ScheduledEpisode[];
  /** Past hours air stations back-fill after they connect (planHazeEpisode), at their own pace, not scaled by `rate`. */
  backfills?: readonly ScheduledBackfill[];
  /** How often each device uploads its running state (2021) unasked, before `rate`; 0 (the default): never. */
  statusIntervalMs?: number;
  /** Minute and hour records each device keeps for history requests (default 2,000 of each). */
  historySize?: number;
  /** Wait for a 9014 before re-sending (default 10 s, HJ 212-2017 table 1). */
  ackTimeoutMs?: number;
  /** Re-sends before giving up (default 3). */
  maxRetries?: number;
  /** How often sessions are looked at (default 100 ms). */
  tickMs?: number;
  /** The wall clock (tests). */
  now?: () => number;
  /** Every event, for logs and tests. */
  onEvent?: (event: SimulatorEvent) => void;
}

export interface SimulatorCounters {
  /** Uploads sent for the first time. */
  sent: number;
  acknowledged: number;
  /** Uploads sent again after a missing 9014. */
  resent: number;
  /** Waits for a 9014 that ran out. */
  timeouts: number;
  /** Uploads given up after the last re-send. */
  gaveUp: number;
  connects: number;
  disconnects: number;
  outages: number;
  /** Uploads sent while one of the device's factors was in an exceedance episode. */
  exceedingUploads: number;
  /** Uploads with at least one factor flagged M, C, D or T. */
  abnormalFlagUploads: number;
  /** Sum of 9014 latencies, for a mean. */
  ackLatencyTotalMs: number;
  /** Platform requests and notifications answered (reverse control). */
  commandsAnswered: number;
}

export interface Simulator {
  start(): Promise<void>;
  stop(): Promise<void>;
  readonly counters: Readonly<SimulatorCounters>;
  /** Devices simulated now. */
  readonly deviceCount: number;
  /** Adds new devices and drops those no longer listed (the registry changed). */
  setDevices(devices: readonly SimulatedDevice[]): void;
}

const emptyCounters = (): SimulatorCounters => ({
  sent: 0,
  acknowledged: 0,
  resent: 0,
  timeouts: 0,
  gaveUp: 0,
  connects: 0,
  disconnects: 0,
  outages: 0,
  exceedingUploads: 0,
  abnormalFlagUploads: 0,
  ackLatencyTotalMs: 0,
  commandsAnswered: 0,
});

/**
 * A fleet of HJ 212 devices, each on its own TCP connection to ingest, uploading real-time, minute and hour
 * data on its own timetable and clock, re-sending what is not answered, and now and then exceeding a limit,
 * flagging a value or going silent.
 */
export function createSimulator(options: SimulatorOptions): Simulator {
  const rate = options.rate ?? 1;
  if (!(rate > 0)) throw new RangeError('rate must be positive');
  const now = options.now ?? Date.now;
  const counters = emptyCounters();
  const sessions = new Map<string, DeviceSession>();
  const [rtdMin, rtdMax] = options.realTimeIntervalMs ?? [30_000, 60_000];
  const [outageMin, outageMax] = options.outageDurationMs ?? [2 * 60_000, 20 * 60_000];
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const emit = (event: SimulatorEvent): void => {
    switch (event.type) {
      case 'sent':
        counters.sent += 1;
        if (event.exceeding) counters.exceedingUploads += 1;
        if (event.flags.length > 0) counters.abnormalFlagUploads += 1;
        break;
      case 'acknowledged':
        counters.acknowledged += 1;
        counters.ackLatencyTotalMs += event.latencyMs;
        break;
      case 'resent':
        counters.resent += 1;
        break;
      case 'timeout':
        counters.timeouts += 1;
        break;
      case 'gave_up':
        counters.gaveUp += 1;
        break;
      case 'connected':
        counters.connects += 1;
        break;
      case 'disconnected':
        counters.disconnects += 1;
        break;
      case 'outage_started':
        counters.outages += 1;
        break;
      case 'outage_ended':
        break;
      case 'command':
        counters.commandsAnswered += 1;
        break;
    }
    options.onEvent?.(event);
  };

  const sessionFor = (device: SimulatedDevice): DeviceSession => {
    // Each device keeps its own real-time interval, drawn from its MN so it is the same on every run.
    let spread = 0;
    for (let index = 0; index < device.mn.length; index++) spread = (spread * 31 + device.mn.charCodeAt(index)) >>> 0;
    const realTimeMs = rtdMin + (spread % (rtdMax - rtdMin + 1));
    return new DeviceSession(device, {
      target: options.target,
      streams: uploadStreams(
        {
          realTimeMs,
          minuteMs: REAL_INTERVALS.minuteMs,
          hourMs: REAL_INTERVALS.hourMs,
          realTime: options.uploads?.realTime ?? true,
          minute: options.uploads?.minute ?? true,
          hour: options.uploads?.hour ?? true,
          delayMs: 5_000 + (spread % 15_000),
        },
        rate,
      ),
      ackTimeoutMs: options.ackTimeoutMs ?? 10_000,
      maxRetries: options.maxRetries ?? 3,
      exceedanceProbability: options.exceedanceProbability ?? 0.002,
      exceedanceDurationMs: (options.exceedanceDurationMs ?? 15 * 60_000) / rate,
      abnormalFlagProbability: options.abnormalFlagProbability ?? 0.02,
      outageProbability: options.outageProbability ?? 0.0005,
      linkOutageShare: options.linkOutageShare ?? 0,
      outageDurationMs: [outageMin / rate, outageMax / rate],
      seed: options.seed ?? 'ecogrid',
      now,
      emit,
      maxOutbox: 100,
      rate,
      outages: (options.outages ?? []).filter((outage) => outage.mn === device.mn),
      episodes: (options.episodes ?? []).filter((episode) => episode.mn === device.mn),
      backfills: (options.backfills ?? []).filter((backfill) => backfill.mn === device.mn),
      ...(options.statusIntervalMs ? { statusIntervalMs: options.statusIntervalMs / rate } : {}),
      ...(options.historySize ? { historySize: options.historySize } : {}),
    });
  };

  const setDevices = (devices: readonly SimulatedDevice[]): void => {
    const wanted = new Map(devices.map((device) => [device.mn, device]));
    for (const [mn, session] of sessions) {
      if (!wanted.has(mn)) {
        sessions.delete(mn);
        void session.stop();
      }
    }
    for (const device of devices) if (!sessions.has(device.mn)) sessions.set(device.mn, sessionFor(device));
  };

  setDevices(options.devices);

  return {
    start: async () => {
      if (running) return;
      running = true;
      timer = setInterval(() => {
        for (const session of sessions.values()) session.tick();
      }, options.tickMs ?? 100);
    },
    stop: async () => {
      running = false;
      if (timer) clearInterval(timer);
      await Promise.all([...sessions.values()].map((session) => session.stop()));
    },
    get counters() {
      return counters;
    },
    get deviceCount() {
      return sessions.size;
    },
    setDevices,
  };
}

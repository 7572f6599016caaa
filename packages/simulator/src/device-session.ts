import { connect, type Socket } from 'node:net';
import { FrameDecoder } from '@ecogrid/standards';
import { encodeDeviceFrame } from './device-frame';
import { answerRequest, type DeviceControls } from './answer-request';
import { AckTracker } from './ack-tracker';
import { buildRestartUpload, buildStatusUpload, buildUpload } from './build-upload';
import { backfillReadings, HOUR_MS } from './backfill-readings';
import { HistoryStore } from './history-store';
import type { SimulatedDevice } from './device';
import { gaussian, seededRandom, type Random } from './random';
import { generateReadings, type BehaviourOptions, type BehaviourState } from './readings';
import { dataTimeFor, nextDueAt, type UploadStream } from './schedule';

/** What happened, for counters, logs and tests. */
export type SimulatorEvent =
  | { type: 'sent'; mn: string; cn: string; qn: string | null; dataTime: number; flags: string[]; exceeding: string | null }
  | { type: 'acknowledged'; mn: string; qn: string; latencyMs: number; attempts: number }
  | { type: 'resent'; mn: string; qn: string; attempt: number }
  | { type: 'timeout'; mn: string; qn: string; attempt: number }
  | { type: 'gave_up'; mn: string; qn: string }
  | { type: 'connected'; mn: string }
  | { type: 'disconnected'; mn: string }
  | { type: 'outage_started'; mn: string; untilMs: number; kind: OutageKind }
  | { type: 'outage_ended'; mn: string }
  /** A platform request (or notification) answered: QnRtn/ExeRtn as sent, null when the answer has none. */
  | { type: 'command'; mn: string; cn: string; qn: string; qnRtn: number | null; exeRtn: number | null };

/**
 * `power`: the device is switched off — it measures nothing and keeps nothing. `link`: its connection is down — it
 * keeps measuring and storing its minute and hour records (what a 2051/2061 history request can fetch afterwards),
 * but what it would have uploaded meanwhile is not sent.
 */
export type OutageKind = 'power' | 'link';

/** An outage at a set moment (the simulator's clock), for tests and demos that need one when they need it. */
export interface ScheduledOutage {
  mn: string;
  startMs: number;
  durationMs: number;
  kind: OutageKind;
}

/** An exceedance episode at a set moment (the simulator's clock): `code` at `multiple` × its limit for `durationMs`. */
export interface ScheduledEpisode {
  mn: string;
  code: string;
  startMs: number;
  durationMs: number;
  multiple: number;
}

/**
 * Hour records (2061) a device pushes as back-fill once it is connected: the hours of `hourStartsMs` (past hour
 * starts, oldest first), `code` raised to its episode `multiple`, one record every `paceMs` of the simulator's clock.
 */
export interface ScheduledBackfill {
  mn: string;
  code: string;
  multiple: number;
  hourStartsMs: readonly number[];
  paceMs: number;
}

export interface SessionOptions extends BehaviourOptions {
  target: { host: string; port: number };
  streams: UploadStream[];
  ackTimeoutMs: number;
  maxRetries: number;
  outageProbability: number;
  /** Of the random outages, the share that are a dropped link rather than power off. */
  linkOutageShare?: number;
  outageDurationMs: readonly [number, number];
  seed: string;
  now: () => number;
  emit: (event: SimulatorEvent) => void;
  /** Uploads kept while disconnected, oldest dropped first. */
  maxOutbox: number;
  /** Divides the intervals a platform sets (1062 RtdInterval, 1064 MinInterval), as it divides the configured ones. */
  rate: number;
  /** This device's outages at set moments. */
  outages?: readonly ScheduledOutage[];
  /** This device's exceedance episodes at set moments. */
  episodes?: readonly ScheduledEpisode[];
  /** Past hours this device back-fills after it connects (the demo's haze episode replayed). */
  backfills?: readonly ScheduledBackfill[];
  /** How often the device uploads its running state (2021), device clock; 0 or absent: never unasked. */
  statusIntervalMs?: number;
  /** Minute and hour records it keeps for history requests. */
  historySize?: number;
}

interface StreamState {
  stream: UploadStream;
  dueMs: number;
}

const RECONNECT_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * One simulated device: its own TCP connection (reconnecting with backoff), its timetable of uploads, its
 * behaviour state, and its wait for each 9014. Driven by `tick`, so one timer serves every device.
 */
export class DeviceSession {
  private readonly random: Random;
  private readonly acks: AckTracker;
  private readonly behaviour: BehaviourState = {};
  private readonly streams: StreamState[];
  private readonly outbox: Uint8Array[] = [];
  private socket: Socket | undefined;
  private connected = false;
  private connecting = false;
  private reconnectAtMs = 0;
  private failures = 0;
  private outageUntilMs = 0;
  /** While the link is down the device keeps measuring; nothing reaches the platform. */
  private linkDownUntilMs = 0;
  private readonly scheduled: ScheduledOutage[];
  private readonly episodes: ScheduledEpisode[];
  /** Back-fill still to send: one entry per hour, oldest first, and when the next may go. */
  private readonly backfill: Array<{ hourStartMs: number; spec: ScheduledBackfill }>;
  private backfillDueMs = 0;
  private readonly history: HistoryStore;
  private statusDueMs = Number.POSITIVE_INFINITY;
  private lastFlags: readonly string[] = [];
  private lastQnMs = 0;
  private stopped = false;
  /** When the device last came up (on its own clock), and whether it has told the platform since (2081). */
  private poweredOnMs: number;
  private restartReported = false;
  /** The device clock minus the wall clock at `driftSinceMs`: its configured skew until the platform sets its time (1012). */
  private clockOffsetMs: number;
  /** From here the clock drifts by `clockDriftMsPerHour` (a crystal running fast or slow). */
  private driftSinceMs: number;
  /** Real-time uploads run until the platform stops them (2012) and start again on a 2011 request. */
  private realTimeOn = true;
  private realTimeIntervalS: number;
  private minuteIntervalMin: number;
  private readonly controls: DeviceControls;

  constructor(
    readonly device: SimulatedDevice,
    private readonly options: SessionOptions,
  ) {
    this.random = seededRandom(`${options.seed}:${device.mn}`);
    this.clockOffsetMs = device.clockSkewMs ?? 0;
    this.driftSinceMs = options.now();
    this.scheduled = (options.outages ?? []).filter((outage) => outage.mn === device.mn).sort((a, b) => a.startMs - b.startMs);
    this.episodes = (options.episodes ?? []).filter((episode) => episode.mn === device.mn).sort((a, b) => a.startMs - b.startMs);
    this.history = new HistoryStore(options.historySize);
    this.backfill = (options.backfills ?? [])
      .filter((backfill) => backfill.mn === device.mn)
      .flatMap((spec) => spec.hourStartsMs.map((hourStartMs) => ({ hourStartMs, spec })))
      .sort((a, b) => a.hourStartMs - b.hourStartMs);
    this.poweredOnMs = options.now() + this.clockOffsetMs;
    const rate = options.rate > 0 ? options.rate : 1;
    this.realTimeIntervalS = Math.round(((options.streams.find((stream) => stream.cn === '2011')?.intervalMs ?? 30_000) * rate) / 1000);
    this.minuteIntervalMin = Math.round(((options.streams.find((stream) => stream.cn === '2051')?.intervalMs ?? 600_000) * rate) / 60_000);
    const retime = (cn: string, intervalMs: number): void => {
      const now = this.deviceNow();
      for (const state of this.streams) {
        if (state.stream.cn !== cn) continue;
        state.stream = { ...state.stream, intervalMs };
        state.dueMs = state.stream.aligned ? nextDueAt(state.stream, now) : now + intervalMs;
      }
    };
    this.controls = {
      deviceNow: () => this.deviceNow(),
      setClock: (epochMs) => {
        const now = this.options.now();
        const offset = epochMs - now;
        const before = this.deviceNow() - now;
        // The timetable runs on the device clock: it moves with it, so a clock set back does not stop the uploads.
        for (const state of this.streams) state.dueMs += offset - before;
        if (Number.isFinite(this.statusDueMs)) this.statusDueMs += offset - before;
        this.clockOffsetMs = offset;
        this.driftSinceMs = now;
      },
      realTimeIntervalS: () => this.realTimeIntervalS,
      setRealTimeInterval: (seconds) => {
        this.realTimeIntervalS = seconds;
        // Scaled as the configured intervals are (uploadStreams), with the same floor.
        retime('2011', Math.max(Math.round((seconds * 1000) / rate), 1_000));
      },
      minuteIntervalMin: () => this.minuteIntervalMin,
      setMinuteInterval: (minutes) => {
        this.minuteIntervalMin = minutes;
        retime('2051', Math.max(Math.round((minutes * 60_000) / rate), 1_000));
      },
      setRealTimeUploads: (on) => {
        this.realTimeOn = on;
      },
      history: (cn, beginMs, endMs) => this.history.range(cn, beginMs, endMs),
      nextQnMs: () => this.nextQnMs(),
      // The simulated device holds its key as a real one does: a 1014 replaces it for every frame from now on.
      setSm4Key: (key) => {
        if (this.device.sm4) this.device.sm4 = { ...this.device.sm4, key, previousKeys: [] };
      },
    };
    this.acks = new AckTracker({ timeoutMs: options.ackTimeoutMs, maxRetries: options.maxRetries });
    const now = this.deviceNow();
    // Devices were switched on at different moments: spread the first real-time upload over one interval.
    this.streams = options.streams.map((stream) => ({
      stream,
      dueMs: stream.aligned ? nextDueAt(stream, now) : now + Math.floor(this.random() * stream.intervalMs),
    }));
    if (options.statusIntervalMs && options.statusIntervalMs > 0) this.statusDueMs = now + Math.floor(this.random() * options.statusIntervalMs);
    // Stagger the first connections too, so a thousand devices do not connect in the same millisecond.
    this.reconnectAtMs = options.now() + Math.floor(this.random() * Math.min(2_000, options.streams[0]?.intervalMs ?? 2_000));
  }

  get pendingAcks(): number {
    return this.acks.size;
  }

  get inOutage(): boolean {
    return this.outageUntilMs > this.options.now();
  }

  get linkDown(): boolean {
    return this.linkDownUntilMs > this.options.now();
  }

  /** Minute or hour records the device keeps (tests). */
  historySize(cn: '2051' | '2061'): number {
    return this.history.size(cn);
  }

  private deviceNow(): number {
    const now = this.options.now();
    const drift = this.device.clockDriftMsPerHour ? ((now - this.driftSinceMs) * this.device.clockDriftMsPerHour) / 3_600_000 : 0;
    return now + this.clockOffsetMs + Math.round(drift);
  }

  /** QNs are unique per device: two frames in the same millisecond get consecutive ones. */
  private nextQnMs(): number {
    const qnMs = Math.max(this.deviceNow(), this.lastQnMs + 1);
    this.lastQnMs = qnMs;
    return qnMs;
  }

  tick(): void {
    if (this.stopped) return;
    const now = this.options.now();
    if (this.outageUntilMs > 0) {
      if (now < this.outageUntilMs) return;
      this.outageUntilMs = 0;
      this.options.emit({ type: 'outage_ended', mn: this.device.mn });
      // An outage is the device switched off: it comes back up now and reports that restart once connected.
      this.poweredOnMs = this.deviceNow();
      this.restartReported = false;
      // Skip what fell due while the device was off: it was not measuring.
      const deviceNow = this.deviceNow();
      for (const state of this.streams) if (state.dueMs <= deviceNow) state.dueMs = nextDueAt(state.stream, deviceNow);
    }
    const episode = this.episodes[0];
    if (episode && now >= episode.startMs) {
      this.episodes.shift();
      // On the device's clock, as the values' data times are: every period that starts within it exceeds.
      this.behaviour.exceedance = { code: episode.code, untilMs: this.deviceNow() + episode.durationMs, multiple: episode.multiple };
    }
    const next = this.scheduled[0];
    if (next && now >= next.startMs) {
      this.scheduled.shift();
      this.startOutage(now, next.durationMs, next.kind);
      if (next.kind === 'power') return;
    }
    if (this.linkDownUntilMs > 0 && now >= this.linkDownUntilMs) {
      this.linkDownUntilMs = 0;
      this.reconnectAtMs = now;
      this.options.emit({ type: 'outage_ended', mn: this.device.mn });
    }
    if (!this.connected && !this.connecting && now >= this.reconnectAtMs && !this.linkDown) this.connect();
    const deviceNow = this.deviceNow();
    for (const state of this.streams) {
      if (state.dueMs > deviceNow) continue;
      const due = state.dueMs;
      state.dueMs = nextDueAt(state.stream, deviceNow, due);
      if (state.stream.cn === '2011' && !this.linkDown && this.random() < this.options.outageProbability) {
        const [min, max] = this.options.outageDurationMs;
        const kind: OutageKind = this.random() < (this.options.linkOutageShare ?? 0) ? 'link' : 'power';
        this.startOutage(now, min + Math.floor(this.random() * (max - min)), kind);
        return;
      }
      if (state.stream.cn === '2011' && !this.realTimeOn) continue;
      this.upload(state.stream, due);
    }
    if (this.connected && this.restartReported) this.sendBackfill(now, deviceNow);
    if (this.statusDueMs <= deviceNow) {
      this.statusDueMs = Math.max(this.statusDueMs + (this.options.statusIntervalMs ?? 0), deviceNow);
      this.reportStatus();
    }
    if (this.connected) this.expireAcks(now);
  }

  private startOutage(now: number, duration: number, kind: OutageKind): void {
    if (kind === 'power') this.outageUntilMs = now + duration;
    else this.linkDownUntilMs = now + duration;
    this.acks.postpone(duration);
    this.options.emit({ type: 'outage_started', mn: this.device.mn, untilMs: now + duration, kind });
    this.socket?.destroy();
  }

  private upload(stream: UploadStream, dueMs: number): void {
    const dataTimeMs = dataTimeFor(stream, dueMs);
    const readings = generateReadings(this.device, dataTimeMs, stream.aligned ? stream.intervalMs : 0, this.behaviour, this.random, this.options);
    if (stream.cn !== '2011') this.history.record(stream.cn, { dataTimeMs, readings });
    this.lastFlags = readings.map((reading) => reading.flag);
    // The link is down: measured and kept, not sent (a history request fetches it afterwards).
    if (this.linkDown) return;
    const qnMs = this.nextQnMs();
    const built = buildUpload(this.device, { cn: stream.cn, qnMs, dataTimeMs, readings });
    this.write(built.bytes);
    if (built.needsAck && built.qn !== null) this.acks.sent(built.qn, built.resendBytes, this.options.now());
    this.options.emit({
      type: 'sent',
      mn: this.device.mn,
      cn: stream.cn,
      qn: built.qn,
      dataTime: dataTimeMs,
      flags: readings.filter((reading) => reading.flag !== 'N').map((reading) => `${reading.code}:${reading.flag}`),
      exceeding: this.behaviour.exceedance?.code ?? null,
    });
  }

  /** Back-fill still owed (tests). */
  get backfillPending(): number {
    return this.backfill.length;
  }

  /**
   * The next back-filled hour record, at the back-fill's pace: a 2061 upload with its past DataTime, asking for a
   * 9014 and re-sent without one like any upload, `RF=1` from an HJ 212-2025 device. An hour not yet over on either
   * clock is never sent; an hour the device already holds a record of (it reported it live) is not sent twice.
   */
  private sendBackfill(now: number, deviceNow: number): void {
    while (this.backfill.length > 0 && now >= this.backfillDueMs) {
      const next = this.backfill.shift();
      if (!next) return;
      const { hourStartMs, spec } = next;
      if (hourStartMs + HOUR_MS > Math.min(now, deviceNow)) continue;
      if (this.history.range('2061', hourStartMs, hourStartMs).length > 0) continue;
      const readings = backfillReadings(this.device, hourStartMs, spec, this.options.seed);
      this.history.record('2061', { dataTimeMs: hourStartMs, readings });
      const built = buildUpload(this.device, { cn: '2061', qnMs: this.nextQnMs(), dataTimeMs: hourStartMs, readings });
      this.write(built.resendBytes());
      if (built.needsAck && built.qn !== null) this.acks.sent(built.qn, built.resendBytes, now);
      this.options.emit({ type: 'sent', mn: this.device.mn, cn: '2061', qn: built.qn, dataTime: hourStartMs, flags: [], exceeding: spec.code });
      this.backfillDueMs = now + spec.paceMs;
      return;
    }
  }

  /** Its running state (2021) on its own timetable: 1 running, 3 maintenance, 2 calibration, 4 alarm, from its latest values' flags. */
  private reportStatus(): void {
    if (this.linkDown) return;
    const flags = this.lastFlags;
    const runningState = flags.includes('D') ? 4 : flags.includes('M') ? 3 : flags.includes('C') ? 2 : 1;
    const deviceNow = this.deviceNow();
    const built = buildStatusUpload(this.device, { qnMs: this.nextQnMs(), dataTimeMs: Math.floor(deviceNow / 1000) * 1000, runningState });
    this.write(built.bytes);
    if (built.needsAck && built.qn !== null) this.acks.sent(built.qn, built.resendBytes, this.options.now());
    this.options.emit({ type: 'sent', mn: this.device.mn, cn: '2021', qn: built.qn, dataTime: deviceNow, flags: [], exceeding: null });
  }

  /** The station's 2081 after it came up, ahead of the data it kept while disconnected. */
  private reportRestart(): void {
    this.restartReported = true;
    const deviceNow = this.deviceNow();
    const qnMs = this.nextQnMs();
    const built = buildRestartUpload(this.device, { qnMs, dataTimeMs: Math.floor(deviceNow / 1000) * 1000, restartMs: this.poweredOnMs });
    this.write(built.bytes);
    if (built.needsAck && built.qn !== null) this.acks.sent(built.qn, built.resendBytes, this.options.now());
    this.options.emit({ type: 'sent', mn: this.device.mn, cn: '2081', qn: built.qn, dataTime: deviceNow, flags: [], exceeding: null });
  }

  private expireAcks(now: number): void {
    const { resend, giveUp } = this.acks.expire(now);
    for (const entry of resend) {
      this.options.emit({ type: 'timeout', mn: this.device.mn, qn: entry.qn, attempt: entry.attempts - 1 });
      this.write(entry.resendBytes());
      this.options.emit({ type: 'resent', mn: this.device.mn, qn: entry.qn, attempt: entry.attempts });
    }
    for (const entry of giveUp) {
      this.options.emit({ type: 'timeout', mn: this.device.mn, qn: entry.qn, attempt: entry.attempts });
      this.options.emit({ type: 'gave_up', mn: this.device.mn, qn: entry.qn });
    }
  }

  private write(bytes: Uint8Array): void {
    if (this.linkDown) return;
    if (this.connected && this.socket) {
      this.socket.write(bytes);
      return;
    }
    this.outbox.push(bytes);
    if (this.outbox.length > this.options.maxOutbox) this.outbox.shift();
  }

  private connect(): void {
    this.connecting = true;
    const socket = connect(this.options.target.port, this.options.target.host);
    const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' }, encryption: () => this.device.sm4 });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connecting = false;
      this.connected = true;
      this.failures = 0;
      this.options.emit({ type: 'connected', mn: this.device.mn });
      if (!this.restartReported) this.reportRestart();
      for (const bytes of this.outbox.splice(0)) socket.write(bytes);
    });
    socket.on('data', (chunk: Buffer) => {
      for (const result of decoder.push(chunk)) {
        if (!result.ok) continue;
        if (result.frame.cn !== '9014') {
          this.answer(result.frame);
          continue;
        }
        if (result.frame.qn === null) continue;
        const entry = this.acks.acknowledge(result.frame.qn);
        if (entry) {
          this.options.emit({ type: 'acknowledged', mn: this.device.mn, qn: entry.qn, latencyMs: this.options.now() - entry.lastSentMs, attempts: entry.attempts });
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const wasConnected = this.connected;
      this.connected = false;
      this.connecting = false;
      if (this.socket === socket) this.socket = undefined;
      if (wasConnected) this.options.emit({ type: 'disconnected', mn: this.device.mn });
      if (this.stopped) return;
      const backoff = RECONNECT_MS[Math.min(this.failures, RECONNECT_MS.length - 1)] ?? 30_000;
      this.failures += 1;
      // Jitter, so devices dropped together do not reconnect together.
      this.reconnectAtMs = this.options.now() + backoff * (1 + 0.2 * Math.abs(gaussian(this.random)));
    });
  }

  /** A platform request: answered as a station does, on the connection it came on. */
  private answer(frame: Parameters<typeof answerRequest>[1]): void {
    const outcome = answerRequest(this.device, frame, this.controls);
    if (!outcome) return;
    for (const reply of outcome.frames) this.write(encodeDeviceFrame(this.device, reply));
    this.options.emit({ type: 'command', mn: this.device.mn, cn: outcome.cn, qn: outcome.qn, qnRtn: outcome.qnRtn, exeRtn: outcome.exeRtn });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const socket = this.socket;
    if (!socket || socket.destroyed) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end();
      setTimeout(() => socket.destroy(), 1_000).unref();
    });
  }
}

import { alignDown } from './china-time';
import type { UploadCommand } from './build-upload';

/** One kind of upload a device sends on its own timetable. */
export interface UploadStream {
  cn: UploadCommand;
  intervalMs: number;
  /**
   * Interval uploads (2051, 2061) are sent after their interval ends, aligned in Beijing time, and describe
   * the interval just ended; real-time uploads (2011) run on a free interval from the device's start.
   */
  aligned: boolean;
  /** How long after the boundary an aligned upload goes out (a data logger needs a moment to aggregate). */
  delayMs: number;
}

/** Intervals at rate 1: what HJ 212 devices commonly use (RtdInterval 30–60 s, MinInterval 10, hourly). */
export const REAL_INTERVALS = { minuteMs: 10 * 60_000, hourMs: 3_600_000 } as const;

/** The device-clock instant of the next upload of a stream strictly after `afterMs` (device clock). */
export function nextDueAt(stream: UploadStream, afterMs: number, previousDueMs?: number): number {
  if (!stream.aligned) return previousDueMs === undefined ? afterMs + stream.intervalMs : Math.max(previousDueMs + stream.intervalMs, afterMs);
  const boundary = alignDown(afterMs - stream.delayMs, stream.intervalMs) + stream.intervalMs;
  return boundary + stream.delayMs;
}

/** DataTime of an upload sent at `dueMs` (device clock): the moment itself, or the start of the interval just ended. */
export function dataTimeFor(stream: UploadStream, dueMs: number): number {
  if (!stream.aligned) return Math.floor(dueMs / 1000) * 1000;
  return alignDown(dueMs - stream.delayMs, stream.intervalMs) - stream.intervalMs;
}

export interface StreamPlan {
  realTimeMs: number;
  minuteMs: number;
  hourMs: number;
  /** Which uploads to send. */
  realTime: boolean;
  minute: boolean;
  hour: boolean;
  /** Delay after an aligned boundary. */
  delayMs: number;
}

/** The streams of one device. `rate` divides every interval (10 = ten times as often); real-time stays ≥ 1 s. */
export function uploadStreams(plan: StreamPlan, rate: number): UploadStream[] {
  const streams: UploadStream[] = [];
  const scale = (ms: number, floor: number): number => Math.max(Math.round(ms / rate), floor);
  if (plan.realTime) streams.push({ cn: '2011', intervalMs: scale(plan.realTimeMs, 1_000), aligned: false, delayMs: 0 });
  if (plan.minute) streams.push({ cn: '2051', intervalMs: scale(plan.minuteMs, 1_000), aligned: true, delayMs: Math.round(plan.delayMs / rate) });
  if (plan.hour) streams.push({ cn: '2061', intervalMs: scale(plan.hourMs, 1_000), aligned: true, delayMs: Math.round(plan.delayMs / rate) });
  return streams;
}

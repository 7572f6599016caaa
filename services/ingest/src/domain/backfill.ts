import { formatChinaDigits } from './china-time';
import type { DeviceCommand } from './device-command';

/** History requests a back-fill uses: 2051 minute records, 2061 hour records (HJ 212-2017 table 9). */
export type BackfillCommand = '2051' | '2061';

/** How often the device writes minute and hour records. */
export interface RecordIntervals {
  minuteMs: number;
  hourMs: number;
}

export interface BackfillLimits {
  /** A silence shorter than this is a blip the device's own re-sends cover: nothing is asked for. */
  minGapMs: number;
  /** Nothing older than this before the reconnect is asked for (devices keep only so much; regulators correct only so far back). */
  maxLookbackMs: number;
  /** The longest span one 2051 request covers (STANDARDS.md §9.4.3: about 2 h), and one 2061 request (about 24 h). */
  minuteChunkMs: number;
  hourChunkMs: number;
}

/** One history request: records whose DataTime (period start) lies in [begin, end], both ends inclusive (C.48). */
export interface BackfillRange {
  commandCode: BackfillCommand;
  begin: Date;
  end: Date;
}

/** Beijing time: minute and hour grids are the same as UTC's, but the grid is defined there (HJ 212 DataTime). */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const alignDown = (ms: number, intervalMs: number): number => Math.floor((ms + CHINA_OFFSET_MS) / intervalMs) * intervalMs - CHINA_OFFSET_MS;

/**
 * Which minute and hour records a device that fell silent must be asked for once it is back (STANDARDS.md §9.4.3).
 * The device's newest data before the silence is `lastDataTime`; it is heard again at `reconnectTime`. A record for
 * the period starting at s is written once the period has ended, at s + interval, so what the silence may have cost
 * is every period from the one `lastDataTime` falls in up to the last one that ended by `reconnectTime`. The span is
 * cut to `maxLookbackMs` and split into requests of at most one chunk, newest first: the most recent data matters
 * most, and a device that drops again has then delivered that first. Records already stored come again at worst; the
 * observation id (MN, CN, DataTime) keeps each one once.
 */
export function planBackfill(gap: { lastDataTime: Date; reconnectTime: Date }, intervals: RecordIntervals, limits: BackfillLimits): BackfillRange[] {
  const last = gap.lastDataTime.getTime();
  const back = gap.reconnectTime.getTime();
  if (!Number.isFinite(last) || !Number.isFinite(back) || back - last < limits.minGapMs) return [];
  const earliest = Math.max(last, back - limits.maxLookbackMs);
  const ranges: BackfillRange[] = [];
  const streams: Array<[BackfillCommand, number, number]> = [
    ['2051', intervals.minuteMs, limits.minuteChunkMs],
    ['2061', intervals.hourMs, limits.hourChunkMs],
  ];
  for (const [commandCode, intervalMs, chunkMs] of streams) {
    if (intervalMs <= 0) continue;
    const first = alignDown(earliest, intervalMs);
    const lastSlot = alignDown(back, intervalMs) - intervalMs;
    // At least one period per request, whatever the chunk.
    const slotsPerChunk = Math.max(1, Math.floor(chunkMs / intervalMs));
    for (let end = lastSlot; end >= first; end -= slotsPerChunk * intervalMs) {
      const begin = Math.max(first, end - (slotsPerChunk - 1) * intervalMs);
      ranges.push({ commandCode, begin: new Date(begin), end: new Date(end) });
    }
  }
  return ranges;
}

/** Where a back-fill stands. `pending` waits for its turn (one request per device at a time); the last three are final. */
export type BackfillState = 'pending' | 'requested' | 'filled' | 'no_data' | 'given_up';

export const FINAL_BACKFILL_STATES: ReadonlySet<BackfillState> = new Set(['filled', 'no_data', 'given_up']);

export interface Backfill {
  id: string;
  deviceMn: string;
  commandCode: BackfillCommand;
  beginTime: Date;
  endTime: Date;
  state: BackfillState;
  /** Requests sent so far. */
  attempts: number;
  /** The device command of the latest request; empty before the first. */
  commandId: string;
  /** History records the device sent for it. */
  recordsReceived: number;
  /** Why the last request ended without the records (the command's reason), for operators. */
  reason: string;
  /** Not asked for before this (the device first sends what it kept itself). */
  dueTime: Date;
  createdTime: Date;
  updatedTime: Date;
}

/** What a finished request did for its back-fill. */
export type BackfillOutcome = 'filled' | 'no_data' | 'retry' | 'given_up';

/**
 * How the request's command ended decides the back-fill: 9012 ExeRtn=1 → filled with the history records kept with
 * the command; ExeRtn=100 (没有数据) → the device has nothing for the range, never asked again; any other end
 * (refused, failed, timed out, expired unsent) is asked again, after `retryDelayMs`, until `maxAttempts` requests
 * went out. A command still in flight changes nothing (null).
 */
export function settleBackfill(
  backfill: Backfill,
  command: Pick<DeviceCommand, 'state' | 'exeRtn' | 'reason' | 'data' | 'commandCode'> | undefined,
  at: Date,
  policy: { maxAttempts: number; retryDelayMs: number },
): { backfill: Backfill; outcome: BackfillOutcome } | null {
  if (backfill.state !== 'requested') return null;
  if (command && (command.state === 'queued' || command.state === 'sent' || command.state === 'accepted')) return null;
  const records = command ? command.data.filter((item) => item.commandCode === backfill.commandCode).length : 0;
  const base = { ...backfill, recordsReceived: backfill.recordsReceived + records, updatedTime: at };
  if (command?.state === 'succeeded') return { backfill: { ...base, state: 'filled', reason: '' }, outcome: 'filled' };
  if (command?.state === 'failed' && command.exeRtn === 100) return { backfill: { ...base, state: 'no_data', reason: 'no_data' }, outcome: 'no_data' };
  const reason = command ? command.reason || command.state : 'command_missing';
  if (backfill.attempts >= policy.maxAttempts) return { backfill: { ...base, state: 'given_up', reason }, outcome: 'given_up' };
  return { backfill: { ...base, state: 'pending', reason, dueTime: new Date(at.getTime() + policy.retryDelayMs) }, outcome: 'retry' };
}

/** The CP of a history request: BeginTime and EndTime as Beijing-time digits (HJ 212-2017 C.48). */
export function requestParams(range: Pick<Backfill, 'beginTime' | 'endTime'>): Record<string, string> {
  return { BeginTime: formatChinaDigits(range.beginTime), EndTime: formatChinaDigits(range.endTime) };
}

import { FINAL_BACKFILL_STATES, planBackfill, requestParams, settleBackfill, type Backfill, type BackfillLimits, type BackfillOutcome, type RecordIntervals } from '../domain/backfill';
import type { BackfillStore, Clock, CommandStore } from './ports';
import type { SendCommand } from './send-command';

export interface BackfillPolicy {
  /** Requests per back-fill before it is given up. */
  maxAttempts: number;
  /** How long after a failed request the range is asked for again. */
  retryDelayMs: number;
  /** How long after the reconnect the first request waits, so the device first sends what it kept itself (§9.4.3). */
  delayMs: number;
  /** A requested back-fill whose command cannot be found this long after the claim counts as a failed request. */
  missingCommandGraceMs: number;
}

/** What back-filling did, for metrics. */
export interface BackfillCounters {
  request(outcome: 'requested' | BackfillOutcome): void;
  records(count: number): void;
}

export interface BackfillGapsDeps {
  store: BackfillStore;
  commands: Pick<CommandStore, 'get'>;
  sendCommand: SendCommand;
  clock: Clock;
  newId(): string;
  intervals: RecordIntervals;
  limits: BackfillLimits;
  policy: BackfillPolicy;
  counters: BackfillCounters;
  /** Something on the way failed (the database away); the sweep picks the work up again. */
  onError(error: unknown, context: { mn?: string; step: string }): void;
}

/** Who the history requests are recorded as asked by: the platform, not a person. */
export const BACKFILL_REQUESTER = 'system:backfill';

/**
 * Automatic back-fill (补数, STANDARDS.md §9.4): a device heard again after a silence is asked, with 2051/2061
 * BeginTime/EndTime, for the minute and hour records the silence cost. The requests are ordinary device commands
 * (stored, published, re-sent and timed out like any), of origin `backfill`, asked by `system:backfill`; each range is
 * followed until the device's 9012 says it was sent (filled), ExeRtn=100 says it has none, or `maxAttempts` requests
 * failed. The records themselves are stored like any upload: their observation id is the one live data has, so a
 * record ingest already had is answered and not stored twice.
 */
export function createBackfillGaps(deps: BackfillGapsDeps) {
  const timers = new Set<NodeJS.Timeout>();

  /** The device's next range, when it has none in flight: claimed, then asked for as a command. */
  const advance = async (mn: string): Promise<void> => {
    const commandId = deps.newId();
    const claimed = await deps.store.claimNext(mn, deps.clock.now(), commandId);
    if (!claimed) return;
    try {
      await deps.sendCommand({
        id: commandId,
        deviceMn: mn,
        commandCode: claimed.commandCode,
        params: requestParams(claimed),
        origin: 'backfill',
        requestedBy: BACKFILL_REQUESTER,
        note: `补数：${claimed.commandCode === '2051' ? '分钟' : '小时'}数据 ${claimed.beginTime.toISOString()} – ${claimed.endTime.toISOString()}（第 ${claimed.attempts} 次）`,
      });
      deps.counters.request('requested');
    } catch (error) {
      // Not stored (queue full, device gone from the registry, database away): the sweep finds no command and retries.
      deps.onError(error, { mn, step: 'request' });
    }
  };

  const settle = async (backfill: Backfill): Promise<void> => {
    const at = deps.clock.now();
    const command = await deps.commands.get(backfill.commandId);
    if (!command && at.getTime() - backfill.updatedTime.getTime() < deps.policy.missingCommandGraceMs) return;
    const settled = settleBackfill(backfill, command, at, deps.policy);
    if (!settled) return;
    if (!(await deps.store.settle(settled.backfill, backfill.commandId))) return;
    deps.counters.request(settled.outcome);
    const records = settled.backfill.recordsReceived - backfill.recordsReceived;
    if (records > 0) deps.counters.records(records);
    if (FINAL_BACKFILL_STATES.has(settled.backfill.state) || settled.backfill.state === 'pending') await advance(backfill.deviceMn);
  };

  return {
    /**
     * A device's first frame on a new connection, with the newest DataTime stored for it before that frame (undefined:
     * never seen, or unknown). Plans what the silence cost and asks for it once the delay has passed.
     */
    async deviceBack(mn: string, lastDataTime: Date | undefined): Promise<Backfill[]> {
      if (!lastDataTime) return [];
      const now = deps.clock.now();
      const ranges = planBackfill({ lastDataTime, reconnectTime: now }, deps.intervals, deps.limits);
      if (ranges.length === 0) return [];
      const due = new Date(now.getTime() + deps.policy.delayMs);
      const backfills = ranges.map(
        (range): Backfill => ({
          id: deps.newId(),
          deviceMn: mn,
          commandCode: range.commandCode,
          beginTime: range.begin,
          endTime: range.end,
          state: 'pending',
          attempts: 0,
          commandId: '',
          recordsReceived: 0,
          reason: '',
          dueTime: due,
          createdTime: now,
          updatedTime: now,
        }),
      );
      await deps.store.open(backfills);
      const timer = setTimeout(() => {
        timers.delete(timer);
        advance(mn).catch((error: unknown) => deps.onError(error, { mn, step: 'request' }));
      }, deps.policy.delayMs);
      timer.unref();
      timers.add(timer);
      return backfills;
    },
    /**
     * Settles the requests whose commands ended and asks for what is due next (retries, and ranges whose device's
     * previous request ended on another instance). Run by every instance's sweep; the store keeps it to one request per device.
     */
    async sweep(batch: number): Promise<void> {
      for (const backfill of await deps.store.requested(batch)) {
        await settle(backfill).catch((error: unknown) => deps.onError(error, { mn: backfill.deviceMn, step: 'settle' }));
      }
      for (const mn of await deps.store.dueDevices(deps.clock.now(), batch)) {
        await advance(mn).catch((error: unknown) => deps.onError(error, { mn, step: 'request' }));
      }
    },
    /** Forgets the delayed first requests (shutdown): the next sweep sends them. */
    stop(): void {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

export type BackfillGaps = ReturnType<typeof createBackfillGaps>;

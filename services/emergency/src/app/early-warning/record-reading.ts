import type { EarlyWarningPolicy } from '../../domain/early-warning/early-warning-policy';
import { earlyWarningMessage, forecastEvidence, seriesIdOf, type SeriesIdentity } from '../../domain/early-warning/forecast-evidence';
import type { MonitoredDevice, MonitoredFactor } from '../../domain/early-warning/monitored-series';
import { SeriesTracker } from '../../domain/early-warning/series-tracker';
import { QUIET } from '../../domain/early-warning/warning-state';
import type { EarlyWarningStore, SeriesUpdate, WatchedDevices } from './ports';

/** One observation from the readings topic, as early warning needs it. */
export interface ReadingInput {
  readonly observationId: string;
  readonly deviceMn: string;
  /** HJ 212 command: "2051" minute data, "2061" hour data; others are not forecast. */
  readonly commandCode: string;
  readonly dataTime: Date;
  readonly cellId: string;
  readonly townshipCode: string;
  readonly measurements: ReadonlyArray<{ readonly factorCode: string; readonly value: number; readonly flag: string }>;
}

/** What happened to a reading, for the consumer's counter. */
export type ReadingOutcome = 'not_watched' | 'not_forecast' | 'recorded' | 'raised' | 'cleared' | 'duplicate';

/** Per data interval: its step and its policy (60 min ahead for minute data, 6 h for hourly data by default). */
export type PolicyByCommand = Readonly<Record<string, { readonly stepMs: number; readonly policy: EarlyWarningPolicy }>>;

/** HJ 212 data flags whose values describe the water or air: N normal, T above the instrument's range (still high). */
const USABLE_FLAGS: ReadonlySet<string> = new Set(['N', 'T', '']);

/** Stable across redeliveries: the series and the data time of the reading that raised it. */
export function warningIdOf(seriesId: string, raisedAt: Date): string {
  return `EW-${seriesId.replaceAll(':', '-')}-${raisedAt.toISOString().replace(/[-:]/g, '').slice(0, 13)}`;
}

const limitKeyOf = (factor: MonitoredFactor): string => JSON.stringify(factor.limit);

interface HeldSeries {
  tracker: SeriesTracker;
  limitKey: string;
  activeWarning: { warningId: string; raisedAt: Date } | null;
  /** A warning raised against a limit that has since changed: cleared with the next stored update. */
  orphanedWarning: { warningId: string; raisedAt: Date } | null;
}

/**
 * Feeds a reading's watched factors to their series' trackers and stores what changed. Trackers live in memory
 * (one per watched device × factor × interval, so bounded by the registry); a tracker not in memory — after a
 * restart, or after a failed store — is rebuilt from the window stored with its series. A redelivered reading is
 * found in the window by its observation id and changes nothing.
 */
export function createRecordReading(deps: { store: EarlyWarningStore; watched: WatchedDevices; policies: PolicyByCommand }): {
  recordReading(input: ReadingInput): Promise<ReadingOutcome>;
  /** Drops a device's trackers (its registry entry changed); they are rebuilt from PostgreSQL on its next reading. */
  forget(deviceMn: string): void;
  /** Drops every tracker (after a rebalance): each is rebuilt from PostgreSQL on its next reading. */
  forgetAll(): void;
} {
  const held = new Map<string, HeldSeries>();

  async function seriesFor(identity: SeriesIdentity, policy: EarlyWarningPolicy): Promise<HeldSeries> {
    const known = held.get(identity.seriesId);
    const limitKey = limitKeyOf(identity.factor);
    if (known && known.limitKey === limitKey) return known;
    const stored = known ? undefined : await deps.store.loadSeries(identity.seriesId);
    const window = known?.tracker.points() ?? stored?.window ?? [];
    // A changed limit keeps the inputs but not the warning state: it was judged against the old limit.
    const sameLimit = !known && stored?.limitKey === limitKey;
    const previousWarning = known ? known.activeWarning : (stored?.activeWarning ?? null);
    const series: HeldSeries = {
      tracker: new SeriesTracker(identity.factor.limit, identity.stepMs, policy, { window, state: sameLimit && stored ? stored.state : QUIET }),
      limitKey,
      activeWarning: sameLimit ? previousWarning : null,
      orphanedWarning: sameLimit ? null : previousWarning,
    };
    held.set(identity.seriesId, series);
    return series;
  }

  async function recordReading(input: ReadingInput): Promise<ReadingOutcome> {
    const device: MonitoredDevice | null = deps.watched(input.deviceMn);
    if (!device) return 'not_watched';
    const interval = deps.policies[input.commandCode];
    if (!interval) return 'not_forecast';
    const updates: SeriesUpdate[] = [];
    let duplicates = 0;
    for (const measurement of input.measurements) {
      const factor = device.factors.find((item) => item.code === measurement.factorCode);
      if (!factor || !USABLE_FLAGS.has(measurement.flag) || !Number.isFinite(measurement.value)) continue;
      const identity: SeriesIdentity = {
        seriesId: seriesIdOf(input.deviceMn, factor.code, input.commandCode),
        deviceMn: input.deviceMn,
        commandCode: input.commandCode,
        seriesKind: device.seriesKind,
        factor,
        relatedTargetId: device.relatedTargetId,
        stepMs: interval.stepMs,
      };
      const series = await seriesFor(identity, interval.policy);
      const outcome = series.tracker.observe({ atMs: input.dataTime.getTime(), value: measurement.value, observationId: input.observationId });
      if (outcome.kind !== 'accepted') {
        duplicates += 1;
        continue;
      }
      const window = series.tracker.points();
      const evidence = outcome.forecast ? forecastEvidence(identity, outcome.forecast, window, interval.policy) : null;
      let update: SeriesUpdate = { series: identity, window, state: series.tracker.state, forecast: evidence, activeWarning: series.activeWarning };
      if (series.orphanedWarning) {
        const { warningId, raisedAt } = series.orphanedWarning;
        series.orphanedWarning = null;
        update = { ...update, cleared: { warningId, seriesId: identity.seriesId, reason: 'limit_changed', raisedAt, clearedAt: input.dataTime, value: measurement.value, cellId: input.cellId, townshipCode: input.townshipCode } };
      }
      if (outcome.transition.kind === 'raised' && evidence) {
        const warningId = warningIdOf(identity.seriesId, input.dataTime);
        series.activeWarning = { warningId, raisedAt: input.dataTime };
        update = {
          ...update,
          activeWarning: series.activeWarning,
          raised: { warningId, raisedAt: input.dataTime, evidence, cellId: input.cellId, townshipCode: input.townshipCode, message: earlyWarningMessage(evidence) },
        };
      } else if (outcome.transition.kind === 'cleared' && series.activeWarning) {
        const { warningId, raisedAt } = series.activeWarning;
        series.activeWarning = null;
        update = {
          ...update,
          activeWarning: null,
          cleared: { warningId, seriesId: identity.seriesId, reason: outcome.transition.reason, raisedAt, clearedAt: input.dataTime, value: measurement.value, cellId: input.cellId, townshipCode: input.townshipCode },
        };
      }
      updates.push(update);
    }
    if (updates.length === 0) return duplicates > 0 ? 'duplicate' : 'not_watched';
    try {
      await deps.store.saveUpdates(updates);
    } catch (error) {
      // The trackers moved on but nothing was stored: rebuild them from PostgreSQL when the reading is retried.
      for (const update of updates) held.delete(update.series.seriesId);
      throw error;
    }
    if (updates.some((update) => update.raised)) return 'raised';
    if (updates.some((update) => update.cleared)) return 'cleared';
    return 'recorded';
  }

  return {
    recordReading,
    forget(deviceMn: string): void {
      for (const key of held.keys()) if (key.startsWith(`${deviceMn}:`)) held.delete(key);
    },
    forgetAll(): void {
      held.clear();
    },
  };
}

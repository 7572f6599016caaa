import type { ForecastEvidence, SeriesIdentity } from '../../domain/early-warning/forecast-evidence';
import type { MonitoredDevice } from '../../domain/early-warning/monitored-series';
import type { SeriesPoint } from '../../domain/early-warning/series-tracker';
import type { ClearReason, SeriesWarningState } from '../../domain/early-warning/warning-state';

/** The ports of early warning, one line each. */

/** Which devices are watched and against what (from the registry); null: not watched. */
export type WatchedDevices = (deviceMn: string) => MonitoredDevice | null;

export interface RaisedWarning {
  readonly warningId: string;
  readonly raisedAt: Date;
  readonly evidence: ForecastEvidence;
  readonly cellId: string;
  readonly townshipCode: string;
  readonly message: { readonly zh: string; readonly en: string };
}

export interface ClearedWarning {
  readonly warningId: string;
  readonly seriesId: string;
  readonly reason: ClearReason;
  readonly raisedAt: Date;
  readonly clearedAt: Date;
  readonly value: number;
  /** Where the device is, as when raised: a supervisor shown the warning by its township sees it end. */
  readonly cellId: string;
  readonly townshipCode: string;
}

/** A series' state after one reading, with the warning it raised or cleared, stored together in one transaction. */
export interface SeriesUpdate {
  readonly series: SeriesIdentity;
  readonly window: readonly SeriesPoint[];
  readonly state: SeriesWarningState;
  readonly forecast: ForecastEvidence | null;
  readonly activeWarning: { readonly warningId: string; readonly raisedAt: Date } | null;
  readonly raised?: RaisedWarning;
  readonly cleared?: ClearedWarning;
}

export interface StoredSeries {
  readonly seriesId: string;
  /** The factor's limit when it was stored, to notice a registry change. */
  readonly limitKey: string;
  readonly window: readonly SeriesPoint[];
  readonly state: SeriesWarningState;
  readonly activeWarning: { readonly warningId: string; readonly raisedAt: Date } | null;
}

export interface StoredWarning {
  readonly warningId: string;
  readonly status: 'active' | 'cleared';
  readonly evidence: ForecastEvidence;
  readonly raisedAt: Date;
  readonly clearedAt: Date | null;
  readonly clearReason: ClearReason | null;
  readonly cellId: string;
  readonly townshipCode: string;
  readonly message: { readonly zh: string; readonly en: string };
}

export interface EvaluationFigures {
  readonly evaluatedAt: Date;
  readonly horizonMinutes: number;
  readonly minLeadMinutes: number;
  readonly sets: ReadonlyArray<{
    name: string;
    description: string;
    series: number;
    crossings: number;
    hits: number;
    hitRate: number | null;
    warnings: number;
    falseAlarms: number;
    falseAlarmRate: number | null;
    leadCount: number;
    leadP10Minutes: number | null;
    leadP50Minutes: number | null;
    leadP90Minutes: number | null;
  }>;
}

export interface EarlyWarningStore {
  /** A series as last stored (its window rebuilds the in-memory tracker after a restart). */
  loadSeries(seriesId: string): Promise<StoredSeries | undefined>;
  /** Stores the updates of one reading and queues their events in the outbox, all or nothing. */
  saveUpdates(updates: readonly SeriesUpdate[]): Promise<void>;
  listWarnings(query: { activeOnly: boolean; deviceMn?: string; limit: number; before?: { raisedAt: Date; warningId: string } }): Promise<StoredWarning[]>;
  /** The newest forecast of a series and its active warning id. */
  seriesForecast(seriesId: string): Promise<{ forecast: ForecastEvidence | null; activeWarningId: string | null } | undefined>;
  saveEvaluation(figures: EvaluationFigures): Promise<void>;
  latestEvaluation(): Promise<EvaluationFigures | undefined>;
}

import { TOPICS } from '@ecogrid/kafka';
import type { OutboxEvent } from '@ecogrid/outbox';
import { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import {
  EarlyWarningClearReason,
  EarlyWarningLimitKind,
  EarlyWarningSeriesKind,
  EarlyWarningStatus,
  type EarlyWarning,
  type EarlyWarningForecast,
} from '@ecogrid/proto/emergency/v1/early_warning';
import type { SeriesUpdate, StoredWarning } from '../../app/early-warning/ports';
import type { ForecastEvidence } from '../../domain/early-warning/forecast-evidence';
import type { SeriesKind } from '../../domain/early-warning/monitored-series';
import type { ClearReason } from '../../domain/early-warning/warning-state';

const SERIES_KIND: Record<SeriesKind, EarlyWarningSeriesKind> = {
  river_section: EarlyWarningSeriesKind.EARLY_WARNING_SERIES_KIND_RIVER_SECTION,
  water_source: EarlyWarningSeriesKind.EARLY_WARNING_SERIES_KIND_WATER_SOURCE,
  toxic_gas: EarlyWarningSeriesKind.EARLY_WARNING_SERIES_KIND_TOXIC_GAS,
};

export const CLEAR_REASON: Record<ClearReason, EarlyWarningClearReason> = {
  forecast_recovered: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_FORECAST_RECOVERED,
  limit_reached: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_LIMIT_REACHED,
  limit_changed: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_LIMIT_CHANGED,
};

export function forecastMessage(evidence: ForecastEvidence): EarlyWarningForecast {
  const { limit } = evidence.factor;
  return {
    seriesId: evidence.seriesId,
    deviceMn: evidence.deviceMn,
    factorCode: evidence.factorCode,
    factorName: evidence.factorName,
    commandCode: evidence.commandCode,
    seriesKind: SERIES_KIND[evidence.seriesKind],
    limit: {
      kind: limit.kind === 'upper' ? EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_UPPER : limit.kind === 'lower' ? EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_LOWER : EarlyWarningLimitKind.EARLY_WARNING_LIMIT_KIND_RANGE,
      value: limit.kind === 'range' ? 0 : limit.value,
      low: limit.kind === 'range' ? limit.low : 0,
      high: limit.kind === 'range' ? limit.high : 0,
      unit: evidence.factor.unit,
      source: evidence.factor.limitSource,
    },
    madeAt: evidence.madeAt,
    stepSeconds: evidence.stepSeconds,
    horizonSteps: evidence.horizonSteps,
    bandLevel: evidence.bandLevel,
    points: evidence.points.map((point) => ({ at: point.at, mean: point.mean, lower: point.lower, upper: point.upper, probabilityBeyond: point.probabilityBeyond })),
    model: { ...evidence.model },
    inputs: evidence.inputs.map((input) => ({ dataTime: input.dataTime, value: input.value, observationId: input.observationId })),
    maxProbability: evidence.maxProbability,
    expectedCrossingAt: evidence.expectedCrossingAt ?? undefined,
    relatedTargetId: evidence.relatedTargetId ?? '',
  };
}

export function warningMessage(warning: StoredWarning): EarlyWarning {
  return {
    warningId: warning.warningId,
    status: warning.status === 'active' ? EarlyWarningStatus.EARLY_WARNING_STATUS_ACTIVE : EarlyWarningStatus.EARLY_WARNING_STATUS_CLEARED,
    evidence: forecastMessage(warning.evidence),
    raisedAt: warning.raisedAt,
    clearedAt: warning.clearedAt ?? undefined,
    clearReason: warning.clearReason ? CLEAR_REASON[warning.clearReason] : EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_UNSPECIFIED,
    cellId: warning.cellId,
    townshipCode: warning.townshipCode,
    messageZh: warning.message.zh,
    messageEn: warning.message.en,
  };
}

/** The outbox events of one series update: raised and/or cleared, keyed by the series so they stay in order. */
export function earlyWarningEvents(topic: string): (update: SeriesUpdate) => OutboxEvent[] {
  return (update) => {
    const events: OutboxEvent[] = [];
    if (update.cleared) {
      const { cleared } = update;
      const payload = EmergencyEvent.encode({
        drill: false,
        occurredAt: cleared.clearedAt,
        event: {
          $case: 'earlyWarningCleared',
          value: { warningId: cleared.warningId, seriesId: cleared.seriesId, reason: CLEAR_REASON[cleared.reason], raisedAt: cleared.raisedAt, clearedAt: cleared.clearedAt, value: cleared.value, cellId: cleared.cellId, townshipCode: cleared.townshipCode },
        },
      }).finish();
      events.push({ topic, key: update.series.seriesId, type: TOPICS.emergency.payload, payload, id: `${cleared.warningId}:cleared`, time: cleared.clearedAt });
    }
    if (update.raised) {
      const { raised } = update;
      const payload = EmergencyEvent.encode({
        drill: false,
        occurredAt: raised.raisedAt,
        event: {
          $case: 'earlyWarningRaised',
          value: { warningId: raised.warningId, forecast: forecastMessage(raised.evidence), cellId: raised.cellId, townshipCode: raised.townshipCode, messageZh: raised.message.zh, messageEn: raised.message.en },
        },
      }).finish();
      events.push({ topic, key: update.series.seriesId, type: TOPICS.emergency.payload, payload, id: `${raised.warningId}:raised`, time: raised.raisedAt });
    }
    return events;
  };
}

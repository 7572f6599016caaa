import type { EarlyWarningStore, EvaluationFigures, SeriesUpdate, StoredSeries, StoredWarning } from '../ports';

/**
 * EarlyWarningStore in memory, for the use cases' unit tests; passes the same contract as the PostgreSQL store
 * (early-warning-store.contract.ts). `failNextSave` makes the next save throw, as a lost connection would.
 */
export function createInMemoryEarlyWarningStore(): EarlyWarningStore & { saved: SeriesUpdate[][]; failNextSave: () => void } {
  const series = new Map<string, StoredSeries & { forecast: SeriesUpdate['forecast'] }>();
  const warnings = new Map<string, StoredWarning & { deviceMn: string }>();
  const evaluations: EvaluationFigures[] = [];
  const saved: SeriesUpdate[][] = [];
  let failNext = false;
  return {
    saved,
    failNextSave: () => {
      failNext = true;
    },
    async loadSeries(seriesId) {
      const found = series.get(seriesId);
      if (!found) return undefined;
      const { forecast: _forecast, ...stored } = found;
      return { ...stored, window: stored.window.map((point) => ({ ...point })) };
    },
    async saveUpdates(updates) {
      if (failNext) {
        failNext = false;
        throw new Error('connection lost');
      }
      for (const update of updates) {
        const previous = series.get(update.series.seriesId);
        series.set(update.series.seriesId, {
          seriesId: update.series.seriesId,
          limitKey: JSON.stringify(update.series.factor.limit),
          window: update.window.map((point) => ({ ...point })),
          state: { ...update.state },
          activeWarning: update.activeWarning,
          forecast: update.forecast ?? previous?.forecast ?? null,
        });
        if (update.raised && !warnings.has(update.raised.warningId)) {
          const { raised } = update;
          warnings.set(raised.warningId, {
            warningId: raised.warningId,
            status: 'active',
            evidence: raised.evidence,
            raisedAt: raised.raisedAt,
            clearedAt: null,
            clearReason: null,
            cellId: raised.cellId,
            townshipCode: raised.townshipCode,
            message: raised.message,
            deviceMn: update.series.deviceMn,
          });
        }
        const clearing = update.cleared ? warnings.get(update.cleared.warningId) : undefined;
        if (update.cleared && clearing && clearing.status === 'active') {
          warnings.set(clearing.warningId, { ...clearing, status: 'cleared', clearedAt: update.cleared.clearedAt, clearReason: update.cleared.reason });
        }
      }
      saved.push([...updates]);
    },
    async listWarnings(query) {
      const before = query.before;
      return [...warnings.values()]
        .filter((warning) => !query.activeOnly || warning.status === 'active')
        .filter((warning) => !query.deviceMn || warning.deviceMn === query.deviceMn)
        .filter((warning) => !before || warning.raisedAt.getTime() < before.raisedAt.getTime() || (warning.raisedAt.getTime() === before.raisedAt.getTime() && warning.warningId < before.warningId))
        .sort((a, b) => b.raisedAt.getTime() - a.raisedAt.getTime() || (a.warningId < b.warningId ? 1 : a.warningId > b.warningId ? -1 : 0))
        .slice(0, query.limit)
        .map(({ deviceMn: _deviceMn, ...warning }) => warning);
    },
    async seriesForecast(seriesId) {
      const found = series.get(seriesId);
      return found ? { forecast: found.forecast, activeWarningId: found.activeWarning?.warningId ?? null } : undefined;
    },
    async saveEvaluation(figures) {
      evaluations.push(figures);
    },
    async latestEvaluation() {
      return evaluations.at(-1);
    },
  };
}

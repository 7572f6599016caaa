import { describe, expect, it } from 'vitest';
import { DEFAULT_EARLY_WARNING_POLICY } from '../../../domain/early-warning/early-warning-policy';
import { forecastEvidence, type SeriesIdentity } from '../../../domain/early-warning/forecast-evidence';
import { forecastSeries } from '../../../domain/early-warning/forecast-series';
import type { SeriesPoint } from '../../../domain/early-warning/series-tracker';
import type { EarlyWarningStore, SeriesUpdate } from '../ports';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 5, 1);

function identity(deviceMn: string): SeriesIdentity {
  return {
    seriesId: `${deviceMn}:w01018:2051`,
    deviceMn,
    commandCode: '2051',
    seriesKind: 'river_section',
    factor: { code: 'w01018', nameZh: '化学需氧量', unit: 'mg/L', limit: { kind: 'upper', value: 20 }, limitSource: '登记限值' },
    relatedTargetId: null,
    stepMs: MINUTE,
  };
}

function window(deviceMn: string, length: number, offsetMinutes = 0): SeriesPoint[] {
  return Array.from({ length }, (_, index) => ({ atMs: T0 + (offsetMinutes + index) * MINUTE, value: 10 + 0.2 * index, observationId: `${deviceMn}:${offsetMinutes + index}` }));
}

function update(deviceMn: string, options: { length?: number; offsetMinutes?: number; raise?: boolean; clear?: string; forecast?: boolean } = {}): SeriesUpdate {
  const series = identity(deviceMn);
  const points = window(deviceMn, options.length ?? 30, options.offsetMinutes ?? 0);
  const evidence =
    options.forecast === false
      ? null
      : forecastEvidence(
          series,
          forecastSeries(
            points.map((point) => point.value),
            series.factor.limit,
            DEFAULT_EARLY_WARNING_POLICY,
          ),
          points,
          DEFAULT_EARLY_WARNING_POLICY,
        );
  const lastAt = new Date((points.at(-1) as SeriesPoint).atMs);
  const warningId = `EW-${deviceMn}-${lastAt.getTime()}`;
  return {
    series,
    window: points,
    state: { phase: options.raise ? 'warning' : 'quiet', calmReadings: 0, insideReadings: 0 },
    forecast: evidence,
    activeWarning: options.raise ? { warningId, raisedAt: lastAt } : null,
    ...(options.raise && evidence ? { raised: { warningId, raisedAt: lastAt, evidence, cellId: 'C1', townshipCode: 'T1', message: { zh: '预警', en: 'warning' } } } : {}),
    ...(options.clear ? { cleared: { warningId: options.clear, seriesId: series.seriesId, reason: 'forecast_recovered' as const, raisedAt: new Date(T0), clearedAt: lastAt, value: 10, cellId: 'C1', townshipCode: 'T1' } } : {}),
  };
}

/** One contract for every EarlyWarningStore: the in-memory fake and the PostgreSQL adapter must both pass it. */
export function earlyWarningStoreContract(name: string, create: () => Promise<EarlyWarningStore>): void {
  describe(`EarlyWarningStore contract: ${name}`, () => {
    it('knows a series only once stored, and gives back its window, state, limit and active warning', async () => {
      const store = await create();
      expect(await store.loadSeries('MN-A:w01018:2051')).toBeUndefined();
      const saved = update('MN-A', { raise: true });
      await store.saveUpdates([saved]);
      const loaded = await store.loadSeries('MN-A:w01018:2051');
      expect(loaded?.window).toEqual(saved.window);
      expect(loaded?.state).toEqual(saved.state);
      expect(loaded?.limitKey).toBe(JSON.stringify({ kind: 'upper', value: 20 }));
      expect(loaded?.activeWarning).toEqual(saved.activeWarning);
    });

    it('keeps a raised warning with its evidence, lists it as active until it is cleared', async () => {
      const store = await create();
      const raised = update('MN-B', { raise: true });
      await store.saveUpdates([raised]);
      const [active] = await store.listWarnings({ activeOnly: true, deviceMn: 'MN-B', limit: 10 });
      expect(active?.warningId).toBe(raised.raised?.warningId);
      expect(active?.status).toBe('active');
      expect(active?.evidence).toEqual(raised.raised?.evidence);
      expect(active?.message).toEqual({ zh: '预警', en: 'warning' });
      await store.saveUpdates([update('MN-B', { length: 31, clear: raised.raised?.warningId as string })]);
      expect(await store.listWarnings({ activeOnly: true, deviceMn: 'MN-B', limit: 10 })).toEqual([]);
      const [cleared] = await store.listWarnings({ activeOnly: false, deviceMn: 'MN-B', limit: 10 });
      expect(cleared).toMatchObject({ status: 'cleared', clearReason: 'forecast_recovered' });
      expect(cleared?.clearedAt?.getTime()).toBe(T0 + 30 * MINUTE);
    });

    it('stores a raise saved twice once', async () => {
      const store = await create();
      const raised = update('MN-C', { raise: true });
      await store.saveUpdates([raised]);
      await store.saveUpdates([raised]);
      expect(await store.listWarnings({ activeOnly: false, deviceMn: 'MN-C', limit: 10 })).toHaveLength(1);
    });

    it('lists newest first, by device, a page at a time', async () => {
      const store = await create();
      for (const offset of [0, 100, 200]) await store.saveUpdates([update('MN-D', { raise: true, offsetMinutes: offset })]);
      await store.saveUpdates([update('MN-E', { raise: true, offsetMinutes: 300 })]);
      const firstPage = await store.listWarnings({ activeOnly: false, deviceMn: 'MN-D', limit: 2 });
      expect(firstPage.map((warning) => warning.raisedAt.getTime())).toEqual([T0 + 229 * MINUTE, T0 + 129 * MINUTE]);
      const last = firstPage.at(-1);
      const secondPage = await store.listWarnings({ activeOnly: false, deviceMn: 'MN-D', limit: 2, ...(last ? { before: { raisedAt: last.raisedAt, warningId: last.warningId } } : {}) });
      expect(secondPage.map((warning) => warning.raisedAt.getTime())).toEqual([T0 + 29 * MINUTE]);
    });

    it('answers the newest forecast of a series, keeping the last one when a reading brought none', async () => {
      const store = await create();
      expect(await store.seriesForecast('MN-F:w01018:2051')).toBeUndefined();
      const first = update('MN-F');
      await store.saveUpdates([first]);
      await store.saveUpdates([update('MN-F', { length: 31, forecast: false })]);
      const found = await store.seriesForecast('MN-F:w01018:2051');
      expect(found?.forecast).toEqual(first.forecast);
      expect(found?.activeWarningId).toBeNull();
    });

    it('gives back the newest evaluation', async () => {
      const store = await create();
      const set = { name: 'all', description: 'd', series: 1, crossings: 2, hits: 1, hitRate: 0.5, warnings: 2, falseAlarms: 1, falseAlarmRate: 0.5, leadCount: 1, leadP10Minutes: 12, leadP50Minutes: 12, leadP90Minutes: 12 };
      await store.saveEvaluation({ evaluatedAt: new Date(T0), horizonMinutes: 60, minLeadMinutes: 10, sets: [set] });
      await store.saveEvaluation({ evaluatedAt: new Date(T0 + MINUTE), horizonMinutes: 60, minLeadMinutes: 10, sets: [{ ...set, hits: 2, hitRate: 1 }] });
      const latest = await store.latestEvaluation();
      expect(latest?.evaluatedAt.getTime()).toBe(T0 + MINUTE);
      expect(latest?.sets[0]?.hitRate).toBe(1);
    });
  });
}

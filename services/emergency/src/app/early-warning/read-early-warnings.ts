import { invalidArgument, notFound } from '@ecogrid/domain-errors';
import type { EarlyWarningStore, EvaluationFigures, StoredWarning } from './ports';

const MAX_PAGE = 200;

/** Page tokens are the last row's (raised_at, warning_id): stable under inserts, opaque to callers. */
function decodeToken(token: string): { raisedAt: Date; warningId: string } | undefined {
  if (!token) return undefined;
  const [millis, warningId] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  const raisedAt = new Date(Number(millis));
  if (!warningId || Number.isNaN(raisedAt.getTime())) throw invalidArgument('page_token', 'not a page token of ListEarlyWarnings');
  return { raisedAt, warningId };
}

const encodeToken = (warning: StoredWarning): string => Buffer.from(`${warning.raisedAt.getTime()}|${warning.warningId}`, 'utf8').toString('base64url');

/** The read side of early warning: warnings with their evidence, a series' forecast, the evaluation figures. */
export function createReadEarlyWarnings(store: EarlyWarningStore) {
  return {
    async listWarnings(query: { activeOnly: boolean; deviceMn: string; pageSize: number; pageToken: string }): Promise<{ warnings: StoredWarning[]; nextPageToken: string }> {
      if (query.pageSize < 0) throw invalidArgument('page_size', 'page_size must not be negative');
      const limit = Math.min(query.pageSize || 50, MAX_PAGE);
      const before = decodeToken(query.pageToken);
      const warnings = await store.listWarnings({ activeOnly: query.activeOnly, limit: limit + 1, ...(query.deviceMn ? { deviceMn: query.deviceMn } : {}), ...(before ? { before } : {}) });
      const page = warnings.slice(0, limit);
      return { warnings: page, nextPageToken: warnings.length > limit && page.length > 0 ? encodeToken(page.at(-1) as StoredWarning) : '' };
    },
    async seriesForecast(seriesId: string) {
      if (!/^[^:\s]+:[A-Za-z0-9]+:\d{4}$/.test(seriesId)) throw invalidArgument('series_id', 'series_id is "<device MN>:<factor code>:<command code>"');
      const found = await store.seriesForecast(seriesId);
      if (!found) throw notFound('series', seriesId);
      return found;
    },
    async evaluation(): Promise<EvaluationFigures> {
      const figures = await store.latestEvaluation();
      if (!figures) throw notFound('evaluation', 'latest');
      return figures;
    },
  };
}

export type ReadEarlyWarnings = ReturnType<typeof createReadEarlyWarnings>;

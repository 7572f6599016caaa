import { invalidArgument } from '@ecogrid/domain-errors';
import type { AlertFilter, AlertPage, AlertQueries } from './ports';

export interface ListAlertsInput extends AlertFilter {
  pageSize: number;
  pageToken: string;
}

export type ListAlerts = (input: ListAlertsInput) => Promise<{ alerts: Uint8Array[]; nextPageToken: string }>;

const MAX_PAGE = 500;
const DEFAULT_PAGE = 100;

const encodeToken = (next: NonNullable<AlertPage<unknown>['next']>): string => Buffer.from(`${next.changedAt}|${next.alertId}`).toString('base64url');

function decodeToken(token: string): { changedAt: number; alertId: string } {
  const [changedAt, alertId] = Buffer.from(token, 'base64url').toString('utf8').split('|');
  if (!changedAt || !alertId || !/^\d+$/.test(changedAt)) throw invalidArgument('page_token', 'page_token is not one this service issued', 'bad_page_token');
  return { changedAt: Number(changedAt), alertId };
}

/** Alerts, newest change first, keyset-paged; each is the latest published AlertChanged of its alert. */
export function createListAlerts(deps: { queries: AlertQueries }): ListAlerts {
  return async (input) => {
    if (input.pageSize < 0) throw invalidArgument('page_size', 'page_size must not be negative');
    const pageSize = Math.min(MAX_PAGE, input.pageSize || DEFAULT_PAGE);
    const { pageSize: _size, pageToken, ...filter } = input;
    const page = await deps.queries.listAlerts(filter, pageSize, pageToken ? decodeToken(pageToken) : undefined);
    return { alerts: page.items, nextPageToken: page.next ? encodeToken(page.next) : '' };
  };
}

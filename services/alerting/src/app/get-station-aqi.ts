import { invalidArgument } from '@ecogrid/domain-errors';
import type { AlertQueries, Clock } from './ports';

export type GetStationAqi = (input: { stationMn: string; from?: Date; to?: Date }) => Promise<Uint8Array[]>;

const HOUR = 3_600_000;
const MAX_HOURS = 24 * 31;

/** A station's hourly AQI between `from` (inclusive) and `to` (exclusive), default the last 24 hours; at most 31 days. */
export function createGetStationAqi(deps: { queries: AlertQueries; clock: Clock }): GetStationAqi {
  return async (input) => {
    if (!input.stationMn) throw invalidArgument('station_mn', 'station_mn is required');
    const to = input.to?.getTime() ?? deps.clock.now().getTime();
    const from = input.from?.getTime() ?? to - 24 * HOUR;
    if (from >= to) throw invalidArgument('from', 'from must be before to');
    if (to - from > MAX_HOURS * HOUR) throw invalidArgument('to', 'at most 31 days per request', 'range_too_large');
    return deps.queries.stationAqi(input.stationMn, from, to, MAX_HOURS);
  };
}

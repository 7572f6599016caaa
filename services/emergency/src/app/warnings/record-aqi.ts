import { invalidArgument } from '@ecogrid/domain-errors';
import type { Warning } from '../../domain/warnings/warning';
import type { Actor, WarningDependencies } from './ports';

/** A station's hourly AQI from ecogrid.aqi.hourly.v1, then the triggers. Returns what it did, for the metrics. */
export function createRecordAqiHour(deps: WarningDependencies & { evaluateTriggers: () => Promise<Warning | undefined> }) {
  return async (input: { stationMn: string; hour: Date; aqi: number }): Promise<string> => {
    await deps.store.recordAqiHour(input.stationMn, input.hour, input.aqi);
    return (await deps.evaluateTriggers()) ? 'raised_warning' : 'recorded';
  };
}

/** The forecast daily AQI of a day (YYYY-MM-DD, China Standard Time), then the triggers. */
export function createRecordAqiForecast(deps: WarningDependencies & { evaluateTriggers: () => Promise<Warning | undefined> }) {
  return async (input: { day: string; aqi: number }, actor: Actor): Promise<Warning | undefined> => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(input.day) || Number.isNaN(Date.parse(`${input.day}T00:00:00+08:00`))) throw invalidArgument('day', `日期格式应为 YYYY-MM-DD (got "${input.day}")`, 'bad_day');
    if (!Number.isInteger(input.aqi) || input.aqi < 0 || input.aqi > 1000) throw invalidArgument('aqi', `AQI 须为 0–1000 的整数 (got ${input.aqi})`, 'bad_aqi');
    await deps.store.saveForecast(input.day, input.aqi, actor.subject, deps.clock.now());
    return deps.evaluateTriggers();
  };
}

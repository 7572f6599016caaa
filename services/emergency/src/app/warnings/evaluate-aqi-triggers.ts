import { assessTriggers, districtHours } from '../../domain/warnings/aqi-triggers';
import { compareLevels } from '../../domain/warnings/warning-level';
import type { Warning } from '../../domain/warnings/warning';
import { chinaDay } from './apply-transition';
import type { createRaiseWarningUnlessCovered } from './issue-warning';
import type { WarningDependencies } from './ports';

const HOUR_MS = 3_600_000;
/** Enough hourly values for 72 h of a rolling daily AQI. */
const LOOKBACK_MS = 100 * HOUR_MS;
/** Observed hours older than this are not "now": a silent network does not keep an episode going. */
const STALE_MS = 3 * HOUR_MS;
/** After a lift, the same conditions do not raise the episode again at once (the city has just judged them). */
const QUIET_AFTER_LIFT_MS = 12 * HOUR_MS;

const PLATFORM = { subject: 'platform', role: 'platform' };

/**
 * Raises or upgrades the real (not drill) episode when the district's observed or forecast AQI meets a level's
 * trigger (STANDARDS §6.1). It never downgrades or lifts: that is the city's call. Returns the warning it raised.
 */
export function createEvaluateAqiTriggers(deps: WarningDependencies & { raiseWarning: ReturnType<typeof createRaiseWarningUnlessCovered> }) {
  return async (): Promise<Warning | undefined> => {
    const now = deps.clock.now();
    const hours = districtHours(await deps.store.stationAqiSince(new Date(now.getTime() - LOOKBACK_MS)));
    const newest = hours.at(-1);
    const observed = newest && newest.hour >= now.getTime() - STALE_MS ? hours : [];
    const days = [chinaDay(now), chinaDay(now.getTime() + 24 * HOUR_MS)];
    const forecasts = await deps.store.forecasts(days);
    const forecast = Math.max(...days.map((day) => forecasts.get(day) ?? 0));
    const assessment = assessTriggers({ hours: observed, ...(forecast > 0 ? { forecastDailyAqi: forecast } : {}) });
    if (!assessment) return undefined;
    const active = await deps.store.inTransaction((tx) => tx.activeWarning(false));
    if (active && compareLevels(active.level, assessment.level) >= 0) return undefined;
    if (!active) {
      const last = await deps.store.lastLifted(false);
      if (last?.liftedAt && now.getTime() - last.liftedAt.getTime() < QUIET_AFTER_LIFT_MS && compareLevels(assessment.level, last.peakLevel) <= 0) return undefined;
    }
    return deps.raiseWarning({ level: assessment.level, reason: `${assessment.reason.zh} (${assessment.reason.en})`, drill: false, origin: 'aqi_trigger' }, PLATFORM);
  };
}

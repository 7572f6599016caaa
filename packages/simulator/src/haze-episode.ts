import type { SimulatedDevice } from './device';
import type { ScheduledEpisode } from './device-session';

/** PM2.5, the pollutant of the district's winter haze. */
const PM25 = 'a34004';

/**
 * A heavy-pollution (haze) episode for the demo: every ambient air station measuring PM2.5 holds it at
 * `base × (1.5 + multiple)` (an air station's episode, see generateReadings) from `startMs` for `durationMs`.
 * The default multiple 1.4 puts PM2.5 near 140 µg/m³, an hourly AQI near 180: held for 71 hours, the rolling daily
 * AQI has stayed above 150 for 48 h, the observed trigger of a yellow warning (STANDARDS §6.1).
 */
export function hazeEpisodes(devices: readonly SimulatedDevice[], episode: { startMs: number; durationMs: number; multiple: number }): ScheduledEpisode[] {
  return devices
    .filter((device) => device.category === 'ambient_air' && device.factors.some((factor) => factor.code === PM25))
    .map((device) => ({ mn: device.mn, code: PM25, startMs: episode.startMs, durationMs: episode.durationMs, multiple: episode.multiple }));
}

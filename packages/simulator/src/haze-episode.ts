import type { SimulatedDevice } from './device';
import type { ScheduledBackfill, ScheduledEpisode } from './device-session';
import { HOUR_MS } from './backfill-readings';

export { backfillReadings, HOUR_MS } from './backfill-readings';

/** PM2.5, the pollutant of the district's winter haze. */
const PM25 = 'a34004';

/** The haze episode of the demo: when it started (may be in the past), how long it lasts, how strong it is. */
export interface HazeEpisode {
  startMs: number;
  durationMs: number;
  multiple: number;
}

const hazeStations = (devices: readonly SimulatedDevice[]): SimulatedDevice[] =>
  devices.filter((device) => device.category === 'ambient_air' && device.factors.some((factor) => factor.code === PM25));

/**
 * A heavy-pollution (haze) episode for the demo: every ambient air station measuring PM2.5 holds it at
 * `base × (1.5 + multiple)` (an air station's episode, see generateReadings) from `startMs` for `durationMs`.
 * The default multiple 1.4 puts PM2.5 near 140 µg/m³, an hourly AQI near 180: held for 71 hours, the rolling daily
 * AQI has stayed above 150 for 48 h, the observed trigger of a yellow warning (STANDARDS §6.1).
 */
export function hazeEpisodes(devices: readonly SimulatedDevice[], episode: HazeEpisode): ScheduledEpisode[] {
  return hazeStations(devices).map((device) => ({ mn: device.mn, code: PM25, startMs: episode.startMs, durationMs: episode.durationMs, multiple: episode.multiple }));
}

/**
 * The whole hours of an episode that lie before `nowMs`: hour starts from the first hour starting at or after the
 * episode's start, each one ending by the episode's end and by `nowMs` — a back-filled record never covers time that
 * has not passed yet. Oldest first.
 */
export function pastEpisodeHours(episode: HazeEpisode, nowMs: number): number[] {
  const first = Math.ceil(episode.startMs / HOUR_MS) * HOUR_MS;
  const end = Math.min(episode.startMs + episode.durationMs, nowMs);
  const hours: number[] = [];
  for (let hour = first; hour + HOUR_MS <= end; hour += HOUR_MS) hours.push(hour);
  return hours;
}

/**
 * The episode as the simulator plays it at `nowMs`. An episode that began in the past is a station that was already
 * in haze before the platform heard from it: each air station pushes its kept hour records (2061) of the past hours
 * as a data logger back-fills after its link comes up — past DataTimes, oldest first, one every `paceMs`, `RF=1` from
 * HJ 212-2025 devices — so alerting computes those hours' AQI late and the emergency service's rolling window fills
 * in minutes instead of days. What is left of the episode from `nowMs` on is played live, as before.
 */
export function planHazeEpisode(
  devices: readonly SimulatedDevice[],
  episode: HazeEpisode,
  options: { nowMs: number; paceMs: number },
): { episodes: ScheduledEpisode[]; backfills: ScheduledBackfill[] } {
  const liveStart = Math.max(episode.startMs, options.nowMs);
  const liveMs = episode.startMs + episode.durationMs - liveStart;
  const hourStartsMs = pastEpisodeHours(episode, options.nowMs);
  return {
    episodes: liveMs > 0 ? hazeEpisodes(devices, { ...episode, startMs: liveStart, durationMs: liveMs }) : [],
    backfills:
      hourStartsMs.length > 0
        ? hazeStations(devices).map((device) => ({ mn: device.mn, code: PM25, multiple: episode.multiple, hourStartsMs, paceMs: options.paceMs }))
        : [],
  };
}

import type { EpisodeState } from './episode';
import type { SlotRing } from './evaluated-slots';
import type { SeverityName } from './rules/ruleset';

/** Real-time values of one pollutant in an hour not yet closed; minutes covered as a 60-bit mask in two words. */
export interface PollutantAccumulator {
  sum: number;
  n: number;
  lo: number;
  hi: number;
}

export interface StationState {
  /** Hour start (epoch ms, as text) → pollutant → accumulator of real-time values. */
  open: Record<string, Record<string, PollutantAccumulator>>;
  /** Pollutant → hour start → hourly mean (µg/m³, CO mg/m³), the last 24 hours, for moving means. */
  hourly: Record<string, Record<string, number>>;
  /** Hour start → how its AQI was published; the last 48 hours. */
  published: Record<string, { source: 'hourly_data' | 'aggregated_realtime'; revision: number }>;
  /**
   * Hour start → accumulators of a closed hour in which a pollutant had values but too few covered minutes, the
   * last 48 hours: minutes that arrive late (back-fill) may still complete it. Absent in older checkpoints.
   */
  incomplete?: Record<string, Record<string, PollutantAccumulator>>;
}

export interface OpenOffline {
  alertId: string;
  ruleVersion: string;
  openedAt: number;
  lastSeen: number;
  minutes: number;
  severity: SeverityName;
}

/**
 * Everything alerting remembers about one device, checkpointed as one JSON row per device in the same
 * transaction as the consumer's offset. Plain data only.
 */
export interface DeviceState {
  mn: string;
  /** Newest data time evaluated per command: a reading after it is in order and runs every rule. */
  lastDataTime: Record<string, number>;
  /**
   * Command → the data times evaluated within its lateness window (commands with one: see evaluated-slots.ts), to
   * tell a duplicate from a late reading behind `lastDataTime`. Absent in older checkpoints.
   */
  evaluated?: Record<string, SlotRing>;
  /** Newest data time of any command, and wall-clock receive time of the newest observation. */
  lastSeenData: number;
  lastReceived: number;
  lastObservationId: string;
  /** Links of the newest observation, used when the registry does not know the device. */
  enterpriseUscc: string;
  cellId: string;
  townshipCode: string;
  /** Rule id | subject → episode. */
  episodes: Record<string, EpisodeState>;
  /** factor | value kind → last valid value, for jump rules. */
  previous: Record<string, { value: number; time: number; observationId: string; flag: string }>;
  /** Rule id → open offline alert. */
  offline: Record<string, OpenOffline>;
  station?: StationState;
}

export function newDeviceState(mn: string): DeviceState {
  return { mn, lastDataTime: {}, evaluated: {}, lastSeenData: 0, lastReceived: 0, lastObservationId: '', enterpriseUscc: '', cellId: '', townshipCode: '', episodes: {}, previous: {}, offline: {} };
}

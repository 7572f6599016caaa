import type { DeviceProfile } from '../domain/device-access';
import type { Observation, ObservationSource } from '../domain/observation';

/** Where accepted observations go. `record` resolves only once they are durably stored (Kafka acked). */
export interface ObservationSink {
  record(observations: Observation[]): Promise<void>;
}

/** Something that was refused, with its raw bytes so nothing is lost. */
export interface Rejection {
  reasonCode: string;
  detail: string;
  raw: Buffer;
  deviceMn?: string;
  source: ObservationSource;
  receivedTime: Date;
  remoteAddress?: string;
}

/** Where refused input goes (the rejected-readings topic). */
export interface RejectionSink {
  reject(rejections: Rejection[]): Promise<void>;
}

/** Registered devices, as the registry view knows them. */
export interface DeviceDirectory {
  profile(mn: string): DeviceProfile | undefined;
}

/**
 * What ingest remembers between frames: which observations are already stored (devices re-send after a
 * lost reply) and each device's latest values for the console. Best effort: when it is unavailable the
 * platform keeps ingesting, and downstream consumers recognise repeats by observation id.
 */
export interface ObservationMemory {
  /** For each id, whether it was already stored. */
  known(ids: readonly string[]): Promise<boolean[]>;
  /** Marks observations stored and records their values as the latest of their device. */
  remember(observations: readonly Observation[]): Promise<void>;
}

export type { Clock } from '@ecogrid/service-kit';

/** Counts what cannot be seen otherwise; metrics in production, a plain object in tests. */
export interface IngestCounters {
  memoryUnavailable(): void;
  duplicate(source: ObservationSource): void;
}

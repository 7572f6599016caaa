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

export interface Clock {
  now(): Date;
}

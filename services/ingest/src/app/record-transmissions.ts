import { arrivedOnTime, flagClass } from '../domain/transmission-rate';
import type { DataFlag } from '../domain/observation';
import type { TransmissionLedger, TransmissionRecord } from './ports';

/** A minute or hour observation as the readings topic carries it. */
export interface StoredObservation {
  observationId: string;
  deviceMn: string;
  enterpriseUscc: string;
  commandCode: string;
  dataTime: Date;
  receivedTime: Date;
  resend: boolean;
  flags: DataFlag[];
}

export interface RecordTransmissionsDeps {
  ledger: TransmissionLedger;
  /** Minute and hour record intervals, and how late after its period a record still counts as on time. */
  intervals: { minuteMs: number; hourMs: number };
  graceMs: { minute: number; hour: number };
}

/**
 * Keeps a compact row per minute (2051) and hour (2061) record read from ecogrid.readings.v1 — its flag class and
 * whether it came on time — for the transmission rates. Idempotent by observation id: a redelivered or re-sent record
 * is counted once; other commands are not counted.
 */
export function createRecordTransmissions(deps: RecordTransmissionsDeps) {
  return async function recordTransmissions(observations: readonly StoredObservation[]): Promise<number> {
    const records: TransmissionRecord[] = [];
    for (const observation of observations) {
      if (observation.commandCode !== '2051' && observation.commandCode !== '2061') continue;
      const minute = observation.commandCode === '2051';
      records.push({
        observationId: observation.observationId,
        deviceMn: observation.deviceMn,
        enterpriseUscc: observation.enterpriseUscc,
        commandCode: observation.commandCode,
        dataTime: observation.dataTime,
        flagClass: flagClass(observation.flags),
        onTime: arrivedOnTime(observation, minute ? deps.intervals.minuteMs : deps.intervals.hourMs, minute ? deps.graceMs.minute : deps.graceMs.hour),
        resend: observation.resend,
        receivedTime: observation.receivedTime,
      });
    }
    if (records.length > 0) await deps.ledger.record(records);
    return records.length;
  };
}

export type RecordTransmissions = ReturnType<typeof createRecordTransmissions>;

import type { Hj212Frame } from '@ecogrid/standards';
import { parseChinaDigits } from './china-time';
import { DATA_FLAGS, observationId, type DataFlag, type Measurement, type Observation, type ObservationCommand, type ValueKind } from './observation';
import type { InputProblem } from './validate-observation-input';

/** Uploads that carry measurements: 2011 real-time, 2051 minute, 2061 hour, 2031 day. */
const OBSERVATION_COMMANDS: ReadonlySet<string> = new Set(['2011', '2051', '2061', '2031']);

/** CP suffixes that are values; own keys only, so a device's `constructor-…` is never mistaken for one. */
const VALUE_KINDS: ReadonlyMap<string, ValueKind> = new Map((['Rtd', 'Avg', 'Min', 'Max', 'Cou', 'ZsRtd', 'ZsAvg', 'ZsMin', 'ZsMax'] as const).map((kind) => [kind, kind]));
const FLAGS: ReadonlySet<string> = new Set(DATA_FLAGS);

export type FrameConversion = { ok: true; observation: Observation } | { ok: false; problem: InputProblem };

const refuse = (reason: string, field: string, message: string): FrameConversion => ({ ok: false, problem: { reason, field, message } });

/**
 * Turns an authenticated HJ 212 data upload into an observation: `DataTime` (Beijing time) becomes an
 * instant, each `code-Kind=value` a measurement with its `code-Flag` (N when absent). Items that are not
 * measurements (Info, SN, facility state RS/RT, SampleTime) are not values and are left out.
 */
export function frameToObservation(frame: Hj212Frame, receivedTime: Date, limits: { maxFutureSkewMs: number }): FrameConversion {
  if (!OBSERVATION_COMMANDS.has(frame.cn)) return refuse('unsupported_command', 'CN', `CN=${frame.cn} carries no observation`);
  const dataTimeText = frame.cp.dataTime;
  if (dataTimeText === null) return refuse('missing_data_time', 'CP.DataTime', 'the upload has no DataTime');
  const dataTime = parseChinaDigits(dataTimeText);
  if (dataTime === null) return refuse('bad_data_time', 'CP.DataTime', `DataTime=${dataTimeText} is not a valid time`);
  if (dataTime.getTime() - receivedTime.getTime() > limits.maxFutureSkewMs) {
    return refuse('data_time_in_future', 'CP.DataTime', `DataTime=${dataTimeText} lies in the future beyond the allowed clock skew`);
  }
  const measurements: Measurement[] = [];
  for (const code in frame.cp.factors) {
    const fields = frame.cp.factors[code];
    if (!fields) continue;
    const flagText = fields.Flag ?? 'N';
    if (!FLAGS.has(flagText)) return refuse('bad_flag_value', `CP.${code}-Flag`, `${code}-Flag=${flagText} is not an HJ 212 data flag`);
    const flag = flagText as DataFlag;
    // The suffixes the device sent, in its order: probing all nine kinds on every factor cost more than the rest.
    for (const suffix in fields) {
      const kind = VALUE_KINDS.get(suffix);
      const text = fields[suffix];
      if (kind === undefined || text === undefined) continue;
      const value = Number(text);
      if (text.length === 0 || !Number.isFinite(value)) return refuse('bad_value', `CP.${code}-${kind}`, `${code}-${kind}=${text} is not a number`);
      const measurement: Measurement = { factorCode: code, kind, value, flag };
      if (fields.EFlag !== undefined) measurement.extendedFlag = fields.EFlag;
      measurements.push(measurement);
    }
  }
  if (measurements.length === 0) return refuse('no_measurements', 'CP', 'the upload carries no values');
  const command = frame.cn as ObservationCommand;
  const observation: Observation = {
    id: observationId(frame.mn, command, dataTime),
    deviceMn: frame.mn,
    command,
    dataTime,
    receivedTime,
    source: 'hj212_tcp',
    measurements,
    protocolVersion: frame.version,
    systemCode: frame.st,
  };
  if (frame.qn !== null) observation.requestNumber = frame.qn;
  if (frame.resend) observation.resend = true;
  return { ok: true, observation };
}

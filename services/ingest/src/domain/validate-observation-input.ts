import {
  DATA_FLAGS,
  OBSERVATION_COMMANDS,
  VALUE_KINDS,
  observationId,
  type DataFlag,
  type Measurement,
  type Observation,
  type ObservationCommand,
  type ObservationSource,
  type ValueKind,
} from './observation';

/** Why an item was refused: a stable reason code, the field at fault and a sentence for people. */
export interface InputProblem {
  reason: string;
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; observation: Observation } | { ok: false; problem: InputProblem };

export interface ValidationLimits {
  maxMeasurements: number;
  /** Devices' clocks drift; data stamped further ahead than this is refused as a clock fault. */
  maxFutureSkewMs: number;
}

export const DEFAULT_LIMITS: ValidationLimits = { maxMeasurements: 200, maxFutureSkewMs: 10 * 60 * 1000 };

// HJ 212 MN: 1–24 characters of letters and digits (the standard fixes 24 for 2017 devices; older ones are shorter).
const MN_PATTERN = /^[A-Za-z0-9]{1,24}$/;
// 2017 codes are a letter and five digits (a21026); 2005 codes are two or three characters (01, B02).
const FACTOR_PATTERN = /^(?:[a-z]\d{5}|[A-Za-z0-9]{2,3})$/;
// ISO 8601 with an explicit offset: a bare local time would be ambiguous between Beijing time and UTC.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const problem = (reason: string, field: string, message: string): ValidationResult => ({ ok: false, problem: { reason, field, message } });

/**
 * Checks one observation as a gateway submits it (JSON over HTTP, or the gRPC message mapped to the same
 * shape) and builds the observation. Pure: the caller passes the clock.
 */
export function validateObservationInput(
  input: unknown,
  context: { source: ObservationSource; now: Date; path?: string; limits?: ValidationLimits },
): ValidationResult {
  const at = (field: string): string => (context.path ? `${context.path}.${field}` : field);
  const limits = context.limits ?? DEFAULT_LIMITS;
  if (!isRecord(input)) return problem('invalid_body', context.path ?? '', 'an observation must be a JSON object');

  const deviceMn = input.deviceMn;
  if (typeof deviceMn !== 'string' || deviceMn.length === 0) return problem('missing_field', at('deviceMn'), 'deviceMn is required');
  if (!MN_PATTERN.test(deviceMn)) return problem('invalid_field', at('deviceMn'), 'deviceMn must be 1–24 letters or digits (HJ 212 MN)');

  const commandInput = input.commandCode ?? '2011';
  if (typeof commandInput !== 'string' || !(OBSERVATION_COMMANDS as readonly string[]).includes(commandInput)) {
    return problem('invalid_field', at('commandCode'), `commandCode must be one of ${OBSERVATION_COMMANDS.join(', ')}`);
  }
  const command = commandInput as ObservationCommand;

  const dataTimeInput = input.dataTime;
  if (typeof dataTimeInput !== 'string' || dataTimeInput.length === 0) return problem('missing_field', at('dataTime'), 'dataTime is required');
  if (!ISO_WITH_OFFSET.test(dataTimeInput)) {
    return problem('invalid_field', at('dataTime'), 'dataTime must be ISO 8601 with an offset, e.g. 2026-11-29T08:00:00+08:00');
  }
  const dataTime = new Date(dataTimeInput);
  if (Number.isNaN(dataTime.getTime())) return problem('invalid_field', at('dataTime'), 'dataTime is not a valid time');
  if (dataTime.getTime() - context.now.getTime() > limits.maxFutureSkewMs) {
    return problem('data_time_in_future', at('dataTime'), 'dataTime lies in the future beyond the allowed clock skew');
  }

  const measurementsInput = input.measurements;
  if (!Array.isArray(measurementsInput) || measurementsInput.length === 0) {
    return problem('missing_field', at('measurements'), 'measurements must be a non-empty array');
  }
  if (measurementsInput.length > limits.maxMeasurements) {
    return problem('too_many_measurements', at('measurements'), `at most ${limits.maxMeasurements} measurements per observation`);
  }
  const measurements: Measurement[] = [];
  const seen = new Set<string>();
  for (let index = 0; index < measurementsInput.length; index += 1) {
    const item: unknown = measurementsInput[index];
    const field = (name: string): string => at(`measurements[${index}]${name ? `.${name}` : ''}`);
    if (!isRecord(item)) return problem('invalid_field', field(''), 'a measurement must be an object');
    const factorCode = item.factorCode;
    if (typeof factorCode !== 'string' || factorCode.length === 0) return problem('missing_field', field('factorCode'), 'factorCode is required');
    if (!FACTOR_PATTERN.test(factorCode)) return problem('invalid_field', field('factorCode'), `factorCode ${JSON.stringify(factorCode)} is not an HJ 212 factor code`);
    const kindInput = item.kind ?? 'Rtd';
    if (typeof kindInput !== 'string' || !(VALUE_KINDS as readonly string[]).includes(kindInput)) {
      return problem('invalid_field', field('kind'), `kind must be one of ${VALUE_KINDS.join(', ')}`);
    }
    const value = item.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) return problem('invalid_field', field('value'), 'value must be a finite number');
    const flagInput = item.flag ?? 'N';
    if (typeof flagInput !== 'string' || !(DATA_FLAGS as readonly string[]).includes(flagInput)) {
      return problem('invalid_field', field('flag'), `flag must be one of ${DATA_FLAGS.join(', ')} (HJ 212 data flags)`);
    }
    const key = `${factorCode}-${kindInput}`;
    if (seen.has(key)) return problem('duplicate_measurement', field('factorCode'), `${key} appears twice in one observation`);
    seen.add(key);
    measurements.push({ factorCode, kind: kindInput as ValueKind, value, flag: flagInput as DataFlag });
  }

  return {
    ok: true,
    observation: {
      id: observationId(deviceMn, command, dataTime),
      deviceMn,
      command,
      dataTime,
      receivedTime: context.now,
      source: context.source,
      measurements,
    },
  };
}

import type { Metadata, ServerReadableStream, sendUnaryData } from '@grpc/grpc-js';
import {
  IngestServiceService,
  type ObservationInput,
  type ObservationResult,
  type StreamObservationsRequest,
  type StreamObservationsResponse,
  type SubmitObservationsRequest,
  type SubmitObservationsResponse,
} from '@ecogrid/proto/ingest/v1/ingest';
import { ValueKind } from '@ecogrid/proto/ingest/v1/events';
import { DomainError, isDomainError } from '@ecogrid/domain-errors';
import { isMalformedRequest, malformedRequestError, refuseMalformedRequests, toServiceError, unaryHandler, type GrpcServiceBinding } from '@ecogrid/grpc';
import type { Logger } from '@ecogrid/telemetry';
import type { ItemResult, SubmitObservations, Submitter } from '../../app/submit-observations';
import type { SubmitterAuthenticator } from '../auth/submitter-authenticator';
import { peerAddress } from '../peer-address';

const KIND_NAMES: Record<number, string> = {
  [ValueKind.VALUE_KIND_RTD]: 'Rtd',
  [ValueKind.VALUE_KIND_AVG]: 'Avg',
  [ValueKind.VALUE_KIND_MIN]: 'Min',
  [ValueKind.VALUE_KIND_MAX]: 'Max',
  [ValueKind.VALUE_KIND_COU]: 'Cou',
  [ValueKind.VALUE_KIND_ZS_RTD]: 'ZsRtd',
  [ValueKind.VALUE_KIND_ZS_AVG]: 'ZsAvg',
  [ValueKind.VALUE_KIND_ZS_MIN]: 'ZsMin',
  [ValueKind.VALUE_KIND_ZS_MAX]: 'ZsMax',
};

/** The gRPC message in the shape the shared validation reads, so both transports judge input alike. */
function toInput(observation: ObservationInput): Record<string, unknown> {
  return {
    deviceMn: observation.deviceMn,
    commandCode: observation.commandCode || '2011',
    ...(observation.dataTime ? { dataTime: observation.dataTime.toISOString() } : {}),
    measurements: observation.measurements.map((measurement) => ({
      factorCode: measurement.factorCode,
      kind: measurement.kind === ValueKind.VALUE_KIND_UNSPECIFIED ? 'Rtd' : (KIND_NAMES[measurement.kind] ?? `kind ${measurement.kind}`),
      value: measurement.value,
      flag: measurement.flag || 'N',
    })),
  };
}

function toResult(result: ItemResult): ObservationResult {
  return {
    index: result.index,
    accepted: result.accepted,
    observationId: result.observationId ?? '',
    reasonCode: result.problem?.reason ?? '',
    detail: result.problem?.message ?? '',
    field: result.problem?.field ?? '',
    duplicate: result.duplicate ?? false,
  };
}

function submitterOf(metadata: Metadata, authenticator: SubmitterAuthenticator): Submitter {
  const text = (key: string): string | undefined => {
    const value = metadata.get(key)[0];
    return value === undefined ? undefined : value.toString();
  };
  const submitter = authenticator.authenticate({ authorization: text('authorization'), devicePassword: text('x-device-password') });
  if (!submitter) throw new DomainError('UNAUTHENTICATED', 'send a gateway token (authorization: Bearer …) or the device password (x-device-password)', { reason: 'unauthenticated' });
  return submitter;
}

const STREAM_CHUNK = 200;


/** `ecogrid.ingest.v1.IngestService`: the same use case as HTTP, per-item results, 16 MiB messages. */
export function createIngestGrpcService(deps: { submitObservations: SubmitObservations; authenticator: SubmitterAuthenticator; logger: Logger }): GrpcServiceBinding {
  const submitObservations = unaryHandler<SubmitObservationsRequest, SubmitObservationsResponse>('SubmitObservations', deps.logger, async (request, call) => {
    const submitter = submitterOf(call.metadata, deps.authenticator);
    if (request.observations.length === 0) throw new DomainError('INVALID_ARGUMENT', 'observations must not be empty', { field: 'observations', reason: 'missing_field' });
    if (request.observations.length > 5_000) throw new DomainError('INVALID_ARGUMENT', 'at most 5000 observations per call', { field: 'observations', reason: 'batch_too_large' });
    const remoteAddress = peerAddress(call.getPeer());
    const results = await deps.submitObservations(request.observations.map(toInput), { source: 'grpc', submitter, path: 'observations', ...(remoteAddress ? { remoteAddress } : {}) });
    return { results: results.map(toResult) };
  });

  const streamObservations = (call: ServerReadableStream<StreamObservationsRequest, StreamObservationsResponse>, callback: sendUnaryData<StreamObservationsResponse>): void => {
    let submitter: Submitter;
    try {
      submitter = submitterOf(call.metadata, deps.authenticator);
    } catch (error) {
      callback(toServiceError(error, deps.logger, 'StreamObservations'), null);
      return;
    }
    const summary: StreamObservationsResponse = { accepted: 0, rejected: 0, duplicates: 0, rejections: [] };
    let buffer: unknown[] = [];
    let seen = 0;
    let failed = false;
    let work: Promise<void> = Promise.resolve();
    const remoteAddress = peerAddress(call.getPeer());
    const fail = (error: unknown): void => {
      if (failed) return;
      failed = true;
      // Refused at the door (over its rate, the publisher full, bytes that are no message) says so; anything else
      // could not be stored.
      const answer =
        isDomainError(error) && (error.code === 'RESOURCE_EXHAUSTED' || error.code === 'INVALID_ARGUMENT')
          ? error
          : new DomainError('UNAVAILABLE', 'observations could not be stored; re-send from the last acknowledged one', { cause: error });
      callback(toServiceError(answer, deps.logger, 'StreamObservations'), null);
    };
    const flush = (): Promise<void> => {
      const items = buffer;
      const offset = seen - items.length;
      buffer = [];
      if (items.length === 0) return Promise.resolve();
      return deps.submitObservations(items, { source: 'grpc', submitter, path: 'observations', ...(remoteAddress ? { remoteAddress } : {}) }).then((results) => {
        for (const result of results) {
          if (!result.accepted) {
            summary.rejected += 1;
            if (summary.rejections.length < 1_000) summary.rejections.push(toResult({ ...result, index: result.index + offset }));
          } else if (result.duplicate) summary.duplicates += 1;
          else summary.accepted += 1;
        }
      });
    };
    call.on('data', (request: StreamObservationsRequest) => {
      if (isMalformedRequest(request)) {
        fail(malformedRequestError());
        return;
      }
      if (!request.observation || failed) return;
      buffer.push(toInput(request.observation));
      seen += 1;
      if (buffer.length >= STREAM_CHUNK) {
        // Read no further until this chunk is stored: the client's stream slows down instead of us buffering.
        call.pause();
        work = work.then(flush).then(
          () => void call.resume(),
          (error: unknown) => fail(error),
        );
      }
    });
    call.on('end', () => {
      work
        .then(() => (failed ? undefined : flush()))
        .then(
          () => {
            if (!failed) callback(null, summary);
          },
          (error: unknown) => fail(error),
        );
    });
    call.on('error', (error) => deps.logger.debug({ err: error }, 'observation stream error'));
  };

  return {
    name: 'ecogrid.ingest.v1.IngestService',
    definition: refuseMalformedRequests(IngestServiceService),
    implementation: { submitObservations, streamObservations },
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import {
  IngestServiceClient,
  IngestServiceService,
  type SubmitObservationsRequest,
  type SubmitObservationsResponse,
} from '@ecogrid/proto/ingest/v1/ingest';
import { DomainError, invalidArgument } from '@ecogrid/domain-errors';
import { createLogger } from '@ecogrid/telemetry';
import { callUnary, createGrpcClient, createGrpcServer, unaryHandler, type GrpcServer } from '../src/index';

const logger = createLogger({ service: 'grpc-test', level: 'silent' });

describe('gRPC server factory', () => {
  let server: GrpcServer;
  let address: string;
  let behaviour: (request: SubmitObservationsRequest) => Promise<SubmitObservationsResponse>;

  beforeAll(async () => {
    server = createGrpcServer({
      logger,
      services: [
        {
          name: 'ecogrid.ingest.v1.IngestService',
          definition: IngestServiceService,
          implementation: {
            submitObservations: unaryHandler('SubmitObservations', logger, (request: SubmitObservationsRequest) => behaviour(request)),
            streamObservations: () => undefined,
          },
        },
      ],
    });
    const port = await server.listen('127.0.0.1:0');
    address = `127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await server.shutdown(1_000);
  });

  it('reports NOT_SERVING until told the service is ready, then SERVING', async () => {
    const { loadPackageDefinition } = await import('@grpc/grpc-js');
    const protoLoader = await import('@grpc/proto-loader');
    const { protoPath } = await import('grpc-health-check');
    const definition = loadPackageDefinition(protoLoader.loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }));
    type HealthClient = {
      check(request: { service: string }, options: { deadline: number }, callback: (error: Error | null, response?: { status: string }) => void): void;
      close(): void;
    };
    const HealthCtor = (definition.grpc as unknown as { health: { v1: { Health: new (a: string, c: ReturnType<typeof credentials.createInsecure>) => HealthClient } } }).health.v1.Health;
    const health = new HealthCtor(address, credentials.createInsecure());
    const check = (service: string): Promise<string | undefined> =>
      new Promise((resolve, reject) =>
        health.check({ service }, { deadline: Date.now() + 2_000 }, (error, response) => (error ? reject(error) : resolve(response?.status))),
      );
    expect(await check('ecogrid.ingest.v1.IngestService')).toBe('NOT_SERVING');
    server.setServing(true);
    expect(await check('ecogrid.ingest.v1.IngestService')).toBe('SERVING');
    expect(await check('')).toBe('SERVING');
    health.close();
  });

  it('maps a domain error to its status, with the reason and field as trailers', async () => {
    behaviour = async () => {
      throw invalidArgument('observations[0].device_mn', 'device_mn is required', 'missing_field');
    };
    const client = createGrpcClient(IngestServiceClient, address);
    const error = await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>(
      (request, options, callback) => client.submitObservations(request, new Metadata(), options, callback),
      { observations: [] },
    ).catch((caught: ServiceError) => caught);
    client.close();
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, details: 'device_mn is required' });
    const serviceError = error as ServiceError;
    expect(serviceError.metadata.get('ecogrid-reason')).toEqual(['missing_field']);
    expect(serviceError.metadata.get('ecogrid-field')).toEqual(['observations[0].device_mn']);
  });

  it('hides unexpected errors behind INTERNAL', async () => {
    behaviour = async () => {
      throw new TypeError('cannot read properties of undefined (secret detail)');
    };
    const client = createGrpcClient(IngestServiceClient, address);
    const error = (await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>(
      (request, options, callback) => client.submitObservations(request, new Metadata(), options, callback),
      { observations: [] },
    ).catch((caught: ServiceError) => caught)) as ServiceError;
    client.close();
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toBe('internal error');
  });

  it('gives every client call a deadline, even when the caller set none', async () => {
    behaviour = () => new Promise(() => undefined);
    const client = createGrpcClient(IngestServiceClient, address, { deadlineMs: 150 });
    const started = Date.now();
    const error = await new Promise<ServiceError | null>((resolve) => client.submitObservations({ observations: [] }, (caught) => resolve(caught)));
    client.close();
    expect(error?.code).toBe(status.DEADLINE_EXCEEDED);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('passes a successful response through', async () => {
    behaviour = async (request) => ({ results: request.observations.map((_, index) => ({ index, accepted: true, observationId: `id-${index}`, reasonCode: '', detail: '', field: '', duplicate: false })) });
    const client = createGrpcClient(IngestServiceClient, address);
    const response = await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>(
      (request, options, callback) => client.submitObservations(request, new Metadata(), options, callback),
      { observations: [{ deviceMn: 'MN1', commandCode: '2011', measurements: [] }] },
    );
    client.close();
    expect(response.results).toEqual([{ index: 0, accepted: true, observationId: 'id-0', reasonCode: '', detail: '', field: '', duplicate: false }]);
    expect(new DomainError('INTERNAL', 'x').code).toBe('INTERNAL');
  });
});

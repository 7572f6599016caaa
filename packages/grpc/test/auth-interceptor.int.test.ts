import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { IngestServiceClient, IngestServiceService, type SubmitObservationsRequest, type SubmitObservationsResponse } from '@ecogrid/proto/ingest/v1/ingest';
import { createTokenMinter, createTokenVerifier, type StaffPrincipal } from '@ecogrid/staff-auth';
import { createLogger } from '@ecogrid/telemetry';
import { callUnary, createAuthInterceptor, createGrpcClient, createGrpcServer, principalOf, unaryHandler, type GrpcServer } from '../src/index';

const logger = createLogger({ service: 'grpc-auth-test', level: 'silent' });
const SECRET = 'grpc-auth-test-secret-0123456789-abcdef';
const minter = createTokenMinter({ secret: SECRET });

describe('gRPC authentication and roles per method', () => {
  let server: GrpcServer;
  let client: IngestServiceClient;
  let seen: StaffPrincipal | undefined;

  beforeAll(async () => {
    server = createGrpcServer({
      logger,
      interceptors: [
        createAuthInterceptor({
          verifier: createTokenVerifier({ secret: SECRET }),
          // StreamObservations is deliberately not named: a method nobody opened is closed.
          policy: { '/ecogrid.ingest.v1.IngestService/SubmitObservations': { roles: ['admin', 'command_center'] } },
          logger,
        }),
      ],
      services: [
        {
          name: 'ecogrid.ingest.v1.IngestService',
          definition: IngestServiceService,
          implementation: {
            submitObservations: unaryHandler('SubmitObservations', logger, async (_request: SubmitObservationsRequest, call) => {
              seen = principalOf(call);
              return { results: [] } as unknown as SubmitObservationsResponse;
            }),
            streamObservations: () => undefined,
          },
        },
      ],
    });
    const port = await server.listen('127.0.0.1:0');
    server.setServing(true);
    client = createGrpcClient(IngestServiceClient, `127.0.0.1:${port}`);
  });

  afterAll(async () => {
    client?.close();
    await server?.shutdown(1_000);
  });

  const submit = async (metadata: Record<string, string>): Promise<{ code: number; reason?: string }> => {
    const md = new Metadata();
    for (const [key, value] of Object.entries(metadata)) md.set(key, value);
    try {
      await callUnary<SubmitObservationsRequest, SubmitObservationsResponse>((request, options, callback) => client.submitObservations(request, md, options, callback), { observations: [] });
      return { code: status.OK };
    } catch (error) {
      const serviceError = error as ServiceError;
      const reason = serviceError.metadata?.get('ecogrid-reason')[0];
      return { code: serviceError.code, ...(typeof reason === 'string' ? { reason } : {}) };
    }
  };

  it('refuses a call without a token, with a forged one, and with a role the method does not admit', async () => {
    expect(await submit({})).toEqual({ code: status.UNAUTHENTICATED, reason: 'no_token' });
    const forged = await createTokenMinter({ secret: 'someone-elses-secret-0123456789-abcdef' }).mint({ sub: 'x', role: 'admin' });
    expect(await submit({ authorization: `Bearer ${forged}` })).toEqual({ code: status.UNAUTHENTICATED, reason: 'invalid_token' });
    const analyst = await minter.mint({ sub: 'zhao@yanhu', role: 'analyst' });
    expect(await submit({ authorization: `Bearer ${analyst}` })).toEqual({ code: status.PERMISSION_DENIED, reason: 'role_not_allowed' });
  });

  it('lets an admitted role through and hands the handler the verified principal, never one the client made up', async () => {
    seen = undefined;
    const admin = await minter.mint({ sub: 'sun@yanhu', role: 'admin' });
    const made = JSON.stringify({ subject: 'mallory', role: 'admin', tokenId: 'x', expiresAt: new Date().toISOString() });
    expect(await submit({ authorization: `Bearer ${admin}`, 'ecogrid-principal': made })).toEqual({ code: status.OK });
    expect(seen).toMatchObject({ subject: 'sun@yanhu', role: 'admin' });
    // A made-up principal without a token is no way in.
    expect(await submit({ 'ecogrid-principal': made })).toEqual({ code: status.UNAUTHENTICATED, reason: 'no_token' });
  });

  it('keeps a method the policy does not name closed to everyone', async () => {
    const admin = await minter.mint({ sub: 'sun@yanhu', role: 'admin' });
    const md = new Metadata();
    md.set('authorization', `Bearer ${admin}`);
    const error = await new Promise<ServiceError>((resolve) => {
      const stream = client.streamObservations(md, (failure) => failure && resolve(failure));
      stream.end();
    });
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.metadata.get('ecogrid-reason')[0]).toBe('method_not_open');
  });
});

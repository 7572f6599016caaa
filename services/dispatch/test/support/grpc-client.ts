import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { createGrpcClient } from '@ecogrid/grpc';
import { DispatchServiceClient } from '@ecogrid/proto/dispatch/v1/dispatch';

export function dispatchClient(address: string): DispatchServiceClient {
  return createGrpcClient(DispatchServiceClient, address);
}

type Method<Request, Response> = (request: Request, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response: Response) => void) => unknown;

/** Calls a unary method with the caller's bearer token in the metadata. */
export function withToken<Request, Response>(client: DispatchServiceClient, method: Method<Request, Response>, request: Request, token: string): Promise<Response> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve, reject) => {
    method.call(client, request, metadata, { deadline: Date.now() + 5_000 }, (error, response) => (error ? reject(error) : resolve(response)));
  });
}

import { credentials, Metadata, type handleUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { staffMetadata } from '@ecogrid/e2e';
import * as incidents from '@ecogrid/proto/emergency/v1/incidents';
import { IncidentServiceClient, type IncidentServiceServer } from '@ecogrid/proto/emergency/v1/incidents';
import type { StaffRole } from '@ecogrid/staff-auth';

type Unary<Request, Response> = (request: Request, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown;
type IncidentMethod = keyof IncidentServiceServer;
type RequestOf<K extends IncidentMethod> = IncidentServiceServer[K] extends handleUnaryCall<infer R, unknown> ? R : never;
type ResponseOf<K extends IncidentMethod> = IncidentServiceServer[K] extends handleUnaryCall<never, infer S> ? S : never;

export function incidentClient(grpcAddress: string): IncidentServiceClient {
  return new IncidentServiceClient(grpcAddress, credentials.createInsecure());
}

/** Calls an IncidentService RPC as `as` (none: without a token). */
export async function callIncidents<K extends IncidentMethod>(client: IncidentServiceClient, method: K, request: Partial<RequestOf<K>>, as?: { role: StaffRole; sub?: string }): Promise<ResponseOf<K>> {
  const metadata = as ? await staffMetadata({ role: as.role, ...(as.sub ? { sub: as.sub } : {}) }) : new Metadata();
  const unary = (client as unknown as Record<IncidentMethod, unknown>)[method] as Unary<RequestOf<K>, ResponseOf<K>>;
  // The generated serializer wants whole messages: fill in the defaults as a real client's constructor would.
  const type = (incidents as unknown as Record<string, { fromPartial(value: unknown): RequestOf<K> }>)[`${String(method).charAt(0).toUpperCase()}${String(method).slice(1)}Request`];
  if (!type) throw new Error(`no request type for ${method}`);
  const whole = type.fromPartial(request);
  return new Promise((resolvePromise, reject) => unary.call(client, whole, metadata, (error, response) => (error ? reject(error) : resolvePromise(response))));
}

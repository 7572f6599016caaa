import { credentials, loadPackageDefinition } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';

interface HealthClient {
  check(request: { service: string }, options: { deadline: number }, callback: (error: Error | null, response?: { status: string }) => void): void;
  close(): void;
}
type HealthClientConstructor = new (address: string, channel: ReturnType<typeof credentials.createInsecure>) => HealthClient;

let constructor: HealthClientConstructor | undefined;

/** What a service's grpc.health.v1 says now (`SERVING`, `NOT_SERVING`), as a load balancer or Kubernetes would ask. */
export async function grpcHealth(address: string, service = ''): Promise<string | undefined> {
  constructor ??= (
    loadPackageDefinition(loadSync(protoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true })).grpc as unknown as {
      health: { v1: { Health: HealthClientConstructor } };
    }
  ).health.v1.Health;
  const client = new constructor(address, credentials.createInsecure());
  try {
    return await new Promise((resolve, reject) => client.check({ service }, { deadline: Date.now() + 2_000 }, (error, response) => (error ? reject(error) : resolve(response?.status))));
  } finally {
    client.close();
  }
}

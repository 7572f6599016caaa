import {
  Server,
  ServerCredentials,
  status,
  type ServerInterceptor,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from '@ecogrid/telemetry';
import { refuseMalformedRequests } from './malformed-requests';

export interface GrpcServiceBinding {
  /** The generated service definition, e.g. `IngestServiceService`. */
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
  /** Fully-qualified name used in grpc.health.v1, e.g. `ecogrid.ingest.v1.IngestService`. */
  name: string;
}

export interface GrpcServer {
  readonly server: Server;
  /** Binds and starts serving; resolves with the bound port (useful with port 0 in tests). */
  listen(address: string): Promise<number>;
  /** grpc.health.v1 status of every bound service and of the server as a whole (""). */
  setServing(serving: boolean): void;
  /** Stops taking calls, lets running calls finish for up to `graceMs`, then forces the rest closed. */
  shutdown(graceMs?: number): Promise<void>;
}

/**
 * A gRPC server with the standard health service. Building is apart from listening so tests can use the
 * factory; only a service's `main.ts` binds a port. Health starts NOT_SERVING: the service says SERVING
 * once its dependencies are ready, and goes back when they are not.
 */
export function createGrpcServer(options: { services: GrpcServiceBinding[]; logger: Logger; interceptors?: ServerInterceptor[] }): GrpcServer {
  const server = new Server({ 'grpc.max_receive_message_length': 16 * 1024 * 1024, ...(options.interceptors ? { interceptors: options.interceptors } : {}) });
  const names = ['', ...options.services.map((service) => service.name)];
  const health = new HealthImplementation(Object.fromEntries(names.map((name) => [name, 'NOT_SERVING' as ServingStatus])));
  health.addToServer(server);
  // Every service's requests decode without throwing: undecodable bytes reach the handler as a marker that
  // `unaryHandler` refuses with INVALID_ARGUMENT malformed_message, where grpc-js alone would answer INTERNAL.
  for (const service of options.services) server.addService(refuseMalformedRequests(service.definition), service.implementation);
  const logger = options.logger.child({ module: 'grpc-server' });

  return {
    server,
    listen: (address) =>
      new Promise<number>((resolve, reject) => {
        server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
          if (error) reject(error);
          else {
            logger.info({ address, port }, 'gRPC listening');
            resolve(port);
          }
        });
      }),
    setServing: (serving) => {
      for (const name of names) health.setStatus(name, serving ? 'SERVING' : 'NOT_SERVING');
    },
    shutdown: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        for (const name of names) health.setStatus(name, 'NOT_SERVING');
        const force = setTimeout(() => {
          logger.warn({ graceMs }, 'forcing gRPC shutdown after grace period');
          server.forceShutdown();
          resolve();
        }, graceMs);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

export { status as GrpcStatus };

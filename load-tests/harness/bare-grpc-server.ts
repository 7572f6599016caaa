/**
 * The baseline for a gRPC unary call: a bare grpc-js server that answers every call on `/bench.Echo/Echo` with
 * the same fixed bytes (ANSWER_BASE64: a real answer of the service it stands beside, so both put the same
 * bytes on the wire), nothing else: no (de)serialisation, no interceptors, no telemetry. Whatever the real
 * service costs beyond this is its own work. GRPC_PORT for gRPC, ADMIN_PORT for `GET /readyz` (what
 * `startChildServer` waits for).
 */
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import { freePort } from '@ecogrid/testkit';
import { startChildServer, type ChildServer } from './child-server';

export const ECHO_METHOD = '/bench.Echo/Echo';

/** Starts this server in a process of its own, answering every call with `answer`; resolves once it serves. */
export async function startBareGrpcServer(answer: Uint8Array): Promise<{ server: ChildServer; address: string }> {
  const [grpcPort, adminPort] = [await freePort(), await freePort()];
  const server = await startChildServer(
    [process.execPath, '--import', 'tsx', resolve(__dirname, 'bare-grpc-server.ts')],
    { GRPC_PORT: String(grpcPort), ADMIN_PORT: String(adminPort), ANSWER_BASE64: Buffer.from(answer).toString('base64') },
    `http://127.0.0.1:${adminPort}/readyz`,
  );
  return { server, address: `127.0.0.1:${grpcPort}` };
}

const answer = Buffer.from(process.env.ANSWER_BASE64 ?? '', 'base64');
const identity = (value: Buffer): Buffer => value;
const definition: ServiceDefinition = {
  echo: { path: ECHO_METHOD, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity, originalName: 'Echo' },
};

if (require.main === module) {
  const server = new Server();
  server.addService(definition, { echo: (_call: unknown, callback: (error: null, value: Buffer) => void) => callback(null, answer) });
  let serving = false;
  server.bindAsync(`127.0.0.1:${process.env.GRPC_PORT ?? 0}`, ServerCredentials.createInsecure(), (error) => {
    if (error) throw error;
    serving = true;
  });
  const admin = createServer((request, response) => response.writeHead(request.url === '/readyz' && serving ? 200 : 503).end());
  admin.listen(Number(process.env.ADMIN_PORT ?? 0), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.forceShutdown();
    admin.close(() => process.exit(0));
  });
}

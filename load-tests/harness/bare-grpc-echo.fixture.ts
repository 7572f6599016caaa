import { afterAll, beforeAll } from 'vitest';
import { startBareGrpcServer } from './bare-grpc-server';
import type { ChildServer } from './child-server';

/** A bare grpc-js echo server answering `answer`, started once for the calling test file and stopped after it. */
export function useBareGrpcEcho(answer: Buffer): { readonly server: ChildServer; readonly address: string } {
  let started: { server: ChildServer; address: string } | undefined;
  beforeAll(async () => {
    started = await startBareGrpcServer(answer);
  }, 30_000);
  afterAll(async () => {
    await started?.server.stop();
  });
  const current = (): { server: ChildServer; address: string } => {
    if (!started) throw new Error('the echo server is not started yet: read it inside a test');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get address() {
      return current().address;
    },
  };
}

import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';

/**
 * patches/kafkajs@2.2.4.patch stops the request queue of every broker connection from re-arming a 1 ms timer
 * forever when nothing waits (kafkajs#1556, #1704): on two cores, every service paid for it all the time.
 * Requests that wait (in-flight limit, client-side throttling) must still be sent.
 */
interface Entry {
  correlationId: number;
  apiName: string;
  apiKey: number;
  apiVersion: number;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}
interface RequestQueue {
  throttleCheckTimeoutId: unknown;
  push(request: { entry: Entry; expectResponse: boolean; sendRequest(): void }): void;
  fulfillRequest(response: { correlationId: number; payload: Buffer; size: number }): void;
  maybeThrottle(milliseconds: number): void;
  destroy(): void;
}
type RequestQueueClass = new (options: { maxInFlightRequests: number; requestTimeout: number; enforceRequestTimeout: boolean; clientId: string; broker: string; logger: unknown }) => RequestQueue;

const kafkajsRequire = createRequire(require.resolve('kafkajs'));
const RequestQueue = kafkajsRequire('./src/network/requestQueue') as RequestQueueClass;
const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function queue(maxInFlightRequests: number): RequestQueue {
  return new RequestQueue({ maxInFlightRequests, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 'test', broker: 'localhost:9092', logger: silent });
}

function request(correlationId: number, sent: number[]) {
  const entry: Entry = { correlationId, apiName: 'Fetch', apiKey: 1, apiVersion: 11, resolve: () => undefined, reject: () => undefined };
  return { entry, expectResponse: true, sendRequest: () => sent.push(correlationId) };
}

const answer = (correlationId: number) => ({ correlationId, payload: Buffer.alloc(0), size: 0 });

describe('kafkajs request queue (patched)', () => {
  it('leaves no timer behind once nothing waits', async () => {
    const requests = queue(1);
    const sent: number[] = [];
    requests.push(request(1, sent));
    requests.push(request(2, sent));
    requests.fulfillRequest(answer(1));
    expect(sent).toEqual([1, 2]);
    requests.fulfillRequest(answer(2));
    // The check armed while request 2 waited fires once and is not armed again; upstream re-armed it every
    // millisecond for as long as the connection lived, so it was never seen unset.
    await waitFor(() => requests.throttleCheckTimeoutId === null, { timeoutMs: 1_000, intervalMs: 5, description: 'no pending-request check armed' });
    requests.destroy();
  });

  it('still sends a request that waits behind the in-flight limit when the one in flight is answered', () => {
    const requests = queue(2);
    const sent: number[] = [];
    for (const id of [1, 2, 3, 4]) requests.push(request(id, sent));
    expect(sent).toEqual([1, 2]);
    requests.fulfillRequest(answer(2));
    requests.fulfillRequest(answer(1));
    expect(sent).toEqual([1, 2, 3, 4]);
    requests.destroy();
  });

  it('still sends a request held back by client-side throttling once the throttle ends', async () => {
    const requests = queue(5);
    const sent: number[] = [];
    requests.maybeThrottle(30);
    requests.push(request(1, sent));
    expect(sent).toEqual([]);
    await waitFor(() => sent.length === 1, { timeoutMs: 2_000, intervalMs: 5, description: 'the throttled request to be sent' });
    requests.fulfillRequest(answer(1));
    await waitFor(() => requests.throttleCheckTimeoutId === null, { timeoutMs: 1_000, intervalMs: 5, description: 'no pending-request check armed' });
    requests.destroy();
  });
});

import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '@ecogrid/testkit';
import { openHj212Fleet } from './hj212-client';
import { loadDevices } from './load-devices';

/** A server that answers a frame with its 9014 only when the test says so. */
async function answeringOnDemand(): Promise<{ server: Server; port: number; answerAll: () => void; received: () => number }> {
  const unanswered: Array<{ socket: Socket; qn: string }> = [];
  let received = 0;
  const server = createServer((socket) => {
    let rest = '';
    socket.on('data', (chunk: Buffer) => {
      const frames = (rest + chunk.toString('latin1')).split('\r\n');
      rest = frames.pop() ?? '';
      for (const frame of frames) {
        received += 1;
        unanswered.push({ socket, qn: /QN=(\d+)/.exec(frame)?.[1] ?? '' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address ? address.port : 0,
    answerAll: () => {
      for (const { socket, qn } of unanswered.splice(0)) socket.write(`##0040QN=${qn};ST=91;CN=9014;PW=;MN=;Flag=4;CP=&&&&0000\r\n`);
    },
    received: () => received,
  };
}

describe('openHj212Fleet: devices that wait for their answer', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('holds an arrival back while its device still waits for the 9014 of its frame, and counts it', async () => {
    const peer = await answeringOnDemand();
    server = peer.server;
    const fleet = await openHj212Fleet(peer.port, loadDevices(2), { window: 1 });
    try {
      expect(fleet.canSend(0)).toBe(true);
      const first = fleet.send(0);
      // Device 0 waits for its answer; device 1 does not.
      expect(fleet.canSend(2)).toBe(false);
      expect(fleet.canSend(1)).toBe(true);
      expect(fleet.heldBack).toEqual({ window: 1, tcp: 0 });
      expect(fleet.pending).toBe(1);

      await waitFor(() => peer.received() > 0, { timeoutMs: 5_000, description: 'the frame at the server' });
      peer.answerAll();
      await expect(first).resolves.toBe(true);
      expect(fleet.pending).toBe(0);
      expect(fleet.canSend(2)).toBe(true);
    } finally {
      await fleet.close();
    }
  });
});

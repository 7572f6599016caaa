import { connect, type Socket } from 'node:net';
import { FrameDecoder, type Hj212Frame } from '@ecogrid/standards';
import { waitFor } from '@ecogrid/testkit';

/** A device's side of an HJ 212 TCP connection: sends bytes, collects the platform's replies. */
export interface DeviceConnection {
  readonly replies: Hj212Frame[];
  readonly closed: boolean;
  send(bytes: Uint8Array | string): void;
  waitForReplies(count: number, timeoutMs?: number): Promise<Hj212Frame[]>;
  close(): Promise<void>;
}

export async function connectDevice(port: number): Promise<DeviceConnection> {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' } });
  const replies: Hj212Frame[] = [];
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    for (const result of decoder.push(chunk)) if (result.ok) replies.push(result.frame);
  });
  socket.on('close', () => {
    closed = true;
  });
  socket.on('error', () => undefined);
  return {
    replies,
    get closed() {
      return closed;
    },
    send: (bytes) => void socket.write(bytes),
    waitForReplies: (count, timeoutMs) => waitFor(() => (replies.length >= count ? replies.slice(0, count) : undefined), { description: `${count} replies`, ...(timeoutMs ? { timeoutMs } : {}) }),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
      }),
  };
}

import { connect, type Socket } from 'node:net';
import { FrameDecoder, type CpEncryptionLookup, type Hj212Frame } from '@ecogrid/standards';
import { waitFor } from '@ecogrid/testkit';

/** A device's side of an HJ 212 TCP connection: sends bytes, collects the platform's replies. */
export interface DeviceConnection {
  readonly replies: Hj212Frame[];
  readonly closed: boolean;
  send(bytes: Uint8Array | string): void;
  waitForReplies(count: number, timeoutMs?: number): Promise<Hj212Frame[]>;
  close(): Promise<void>;
}

/** `encryption`: an HJ 212-2025 device's keys, to open the platform's encrypted frames to it. */
export async function connectDevice(port: number, options: { encryption?: CpEncryptionLookup } = {}): Promise<DeviceConnection> {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder({ hj212: { mode: 'tolerant' }, ...(options.encryption ? { encryption: options.encryption } : {}) });
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

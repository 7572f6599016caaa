import { connect, createServer, type Server, type Socket } from 'node:net';
import { FrameDecoder, encodeFrame, type Hj212Frame } from '@ecogrid/standards';

/**
 * A TCP hop between devices and ingest that loses chosen replies on the way back — the mobile network losing
 * a 9014 — and records every frame the devices send.
 */
export interface LossyProxy {
  port: number;
  /** Frames the devices sent, in order. */
  readonly upstream: Hj212Frame[];
  /** 9014s dropped. */
  readonly dropped: Hj212Frame[];
  close(): Promise<void>;
}

export async function startLossyProxy(target: number, dropReply: (reply: Hj212Frame) => boolean): Promise<LossyProxy> {
  const upstream: Hj212Frame[] = [];
  const dropped: Hj212Frame[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((device) => {
    const platform = connect(target, '127.0.0.1');
    sockets.add(device).add(platform);
    const fromDevice = new FrameDecoder({ hj212: { mode: 'tolerant' } });
    const fromPlatform = new FrameDecoder({ hj212: { mode: 'tolerant' } });
    device.on('data', (chunk: Buffer) => {
      for (const result of fromDevice.push(chunk)) if (result.ok) upstream.push(result.frame);
      platform.write(chunk);
    });
    platform.on('data', (chunk: Buffer) => {
      for (const result of fromPlatform.push(chunk)) {
        if (!result.ok) continue;
        if (dropReply(result.frame)) dropped.push(result.frame);
        else device.write(encodeFrame(result.frame));
      }
    });
    const close = (): void => {
      device.destroy();
      platform.destroy();
    };
    device.on('close', close).on('error', close);
    platform.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    upstream,
    dropped,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

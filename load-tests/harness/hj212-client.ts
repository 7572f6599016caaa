import { connect, type Socket } from 'node:net';
import { loadFrame, type LoadDevice } from './load-devices';

export interface Hj212Fleet {
  /** Sends upload `index` (on device index % devices) and resolves true on its 9014, false on timeout or a lost connection. */
  send(index: number): Promise<boolean>;
  /**
   * False while upload `index`'s device cannot send it now: `window` of its frames already await their 9014, or its
   * TCP window is full (the server stopped reading it). Each refusal is counted in `heldBack`.
   */
  canSend(index: number): boolean;
  /** Frames written but not yet answered. */
  readonly pending: number;
  /** Arrivals `canSend` held back, by why: the device's window of unanswered frames, or TCP backpressure. */
  readonly heldBack: { window: number; tcp: number };
  close(): Promise<void>;
}

interface Connection {
  device: LoadDevice;
  socket: Socket;
  step: number;
  pending: Map<string, { resolve: (ok: boolean) => void; sentAt: number }>;
  rest: string;
}

export interface Hj212FleetOptions {
  /** How long a device waits for a 9014 before it counts the frame unanswered. */
  replyTimeoutMs?: number;
  /** Keeps DataTimes distinct across several runs against the same ingest. */
  stepOffset?: number;
  /**
   * Frames a device keeps awaiting their 9014 at most (`canSend` says no beyond it). HJ 212-2017 §6: a station
   * whose frame asks for an answer waits for it (up to its timeout, CN=1000's OverTime) before it goes on, so a
   * real device holds one; a load connection, standing for a busy device, may hold a few. Unbounded by default.
   */
  window?: number;
}

/**
 * One TCP connection per load device, as devices have. Replies are matched by QN with a plain text scan
 * rather than a full decoder: the generator shares the two cores with the server and must stay cheap.
 */
export async function openHj212Fleet(port: number, devices: readonly LoadDevice[], options: Hj212FleetOptions = {}): Promise<Hj212Fleet> {
  const replyTimeoutMs = options.replyTimeoutMs ?? 10_000;
  const window = options.window ?? Number.POSITIVE_INFINITY;
  const heldBack = { window: 0, tcp: 0 };
  let pendingTotal = 0;
  const connections: Connection[] = await Promise.all(
    devices.map(
      (device) =>
        new Promise<Connection>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          const connection: Connection = { device, socket, step: options.stepOffset ?? 0, pending: new Map(), rest: '' };
          socket.setNoDelay(true);
          socket.once('connect', () => resolve(connection));
          socket.once('error', reject);
          socket.on('data', (chunk: Buffer) => {
            const text = connection.rest + chunk.toString('latin1');
            let start = 0;
            for (let end = text.indexOf('\r\n', start); end !== -1; end = text.indexOf('\r\n', start)) {
              const at = text.indexOf('QN=', start);
              if (at !== -1 && at < end && text.slice(start, end).includes('CN=9014')) {
                const qn = text.slice(at + 3, at + 20);
                const waiter = connection.pending.get(qn);
                if (waiter) {
                  connection.pending.delete(qn);
                  pendingTotal -= 1;
                  waiter.resolve(true);
                }
              }
              start = end + 2;
            }
            connection.rest = text.slice(start);
          });
          socket.on('close', () => {
            for (const waiter of connection.pending.values()) waiter.resolve(false);
            pendingTotal -= connection.pending.size;
            connection.pending.clear();
          });
        }),
    ),
  );
  const sweep = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) {
      for (const [qn, waiter] of connection.pending) {
        if (now - waiter.sentAt < replyTimeoutMs) break;
        connection.pending.delete(qn);
        pendingTotal -= 1;
        waiter.resolve(false);
      }
    }
  }, 500);
  return {
    send: (index) => {
      const connection = connections[index % connections.length];
      if (!connection || connection.socket.destroyed) return Promise.resolve(false);
      const frame = loadFrame(connection.device, connection.step++);
      return new Promise<boolean>((resolve) => {
        connection.pending.set(frame.qn, { resolve, sentAt: performance.now() });
        pendingTotal += 1;
        connection.socket.write(frame.bytes);
      });
    },
    canSend: (index) => {
      const connection = connections[index % connections.length];
      if (connection === undefined || connection.socket.destroyed) return false;
      if (connection.pending.size >= window) {
        heldBack.window += 1;
        return false;
      }
      if (connection.socket.writableNeedDrain) {
        heldBack.tcp += 1;
        return false;
      }
      return true;
    },
    get pending() {
      return pendingTotal;
    },
    heldBack,
    close: async () => {
      clearInterval(sweep);
      await Promise.all(
        connections.map(
          (connection) =>
            new Promise<void>((resolve) => {
              if (connection.socket.destroyed) return resolve();
              connection.socket.once('close', () => resolve());
              connection.socket.end();
              setTimeout(() => connection.socket.destroy(), 2_000).unref();
            }),
        ),
      );
    },
  };
}

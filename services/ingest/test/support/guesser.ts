import { connect } from 'node:net';
import { request } from 'node:http';

/**
 * A stranger guessing over HJ 212 TCP from `localAddress` (any 127.x.y.z on Linux is loopback, so one machine
 * can be many peers): sends the frames a connection at a time, up to `perConnection` each, and opens a new
 * connection when ingest closes one after its authentication failures. Resolves with the connections used.
 */
export async function guessOverTcp(options: { port: number; localAddress: string; frames: readonly Uint8Array[]; perConnection: number }): Promise<number> {
  let connections = 0;
  for (let next = 0; next < options.frames.length; next += options.perConnection) {
    const batch = options.frames.slice(next, next + options.perConnection);
    connections += 1;
    await new Promise<void>((resolve, reject) => {
      const socket = connect({ port: options.port, host: '127.0.0.1', localAddress: options.localAddress });
      socket.on('error', () => undefined);
      socket.once('connect', () => {
        for (const frame of batch) socket.write(frame);
        // Ingest closes the connection after the failures; a connection it keeps is closed after a while.
        const timer = setTimeout(() => socket.end(), 10_000);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      socket.once('error', (error) => (socket.connecting ? reject(error) : undefined));
      socket.resume();
    });
  }
  return connections;
}

/** One POST from `localAddress`: the status and the parsed body. */
export function postFrom(options: { url: string; localAddress: string; headers: Record<string, string>; body: unknown }): Promise<{ status: number; body: unknown }> {
  const text = JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const call = request(
      options.url,
      { method: 'POST', localAddress: options.localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...options.headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown }));
      },
    );
    call.on('error', reject);
    call.end(text);
  });
}

/** Sums a Prometheus metric's samples whose labels include every given label. */
export async function metricWith(adminUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([key, value]) => line.includes(`${key}="${value}"`))) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

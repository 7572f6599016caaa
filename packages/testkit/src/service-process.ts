import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { waitFor } from './wait-for';

export interface ServiceProcess {
  readonly pid: number;
  /** Everything the process wrote, for assertions and for failure messages. */
  output(): string;
  /**
   * SIGTERM and wait for exit (graceful shutdown). A process still running after `timeoutMs` (30 s unless told) is
   * killed and the call fails naming it, so a hung shutdown reads as that and not as a test that ran out of time.
   */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: the crash that fault tests simulate. */
  kill9(): Promise<void>;
}

export interface StartServiceOptions {
  /** Script to run with node, e.g. the service's dist/main.js. */
  entry: string;
  env: Record<string, string>;
  /** Polled until it answers 200. */
  readyUrl: string;
  readyTimeoutMs?: number;
  cwd?: string;
  /** Flags for node itself, before the entry (e.g. `--cpu-prof` to profile the service under a bench). */
  nodeArgs?: string[];
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Runs a service as its own process, as production does, and waits until it says it is ready. */
export async function startServiceProcess(options: StartServiceOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const handle: ServiceProcess = {
    pid: child.pid ?? -1,
    output: () => output,
    stop: async (timeoutMs = 30_000) => {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const outcome = await Promise.race([exited(child), gaveUp]);
      clearTimeout(timer);
      if (outcome !== 'timeout') return outcome;
      child.kill('SIGKILL');
      await exited(child);
      throw new Error(`${options.entry} did not exit within ${timeoutMs} ms of SIGTERM and was killed\n--- service output ---\n${output.slice(-4_000)}`);
    },
    kill9: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };
  // A process that exits before it is ready (a port taken, a bad setting) fails the start at once, not at the timeout.
  let ready = false;
  const exitedBeforeReady = exited(child).then((code) => {
    if (!ready) throw new Error(`${options.entry} exited with ${code} before it was ready at ${options.readyUrl}`);
  });
  exitedBeforeReady.catch(() => undefined);
  try {
    await Promise.race([
      waitFor(
        async () => {
          if (child.exitCode !== null) return undefined;
          const response = await fetch(options.readyUrl);
          return response.status === 200;
        },
        { timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100, description: `${options.entry} to be ready at ${options.readyUrl}` },
      ),
      exitedBeforeReady,
    ]);
    ready = true;
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- service output ---\n${output.slice(-4_000)}`);
  }
  return handle;
}

/**
 * The ports the kernel hands out to outgoing connections: a port taken from this range for a service can be taken
 * by any client socket (another suite's Kafka or PostgreSQL connection) between the test choosing it and the service
 * binding it, which failed starts with EADDRINUSE in CI.
 */
function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return { low, high };
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return { low: 49152, high: 65535 };
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free TCP port on 127.0.0.1 for a service a test starts, chosen at random below the kernel's ephemeral range (so
 * no outgoing connection can take it before the service binds it) and checked by binding it.
 */
export async function freePort(): Promise<number> {
  const { low } = ephemeralRange();
  const floor = Math.max(10_000, low - 20_000);
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = floor + Math.floor(Math.random() * (low - floor));
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port found between ${floor} and ${low - 1}`);
}

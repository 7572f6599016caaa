import { spawn, type ChildProcess } from 'node:child_process';
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
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
        const response = await fetch(options.readyUrl);
        return response.status === 200;
      },
      { timeoutMs: options.readyTimeoutMs ?? 30_000, intervalMs: 100, description: `${options.entry} to be ready at ${options.readyUrl}` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- service output ---\n${output.slice(-4_000)}`);
  }
  return handle;
}

/** A free TCP port on 127.0.0.1, for services started by a test. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

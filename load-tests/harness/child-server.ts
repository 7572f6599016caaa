import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface ChildServer {
  child: ChildProcess;
  stop(): Promise<void>;
  /** Resident set size of the child in bytes, read from /proc. */
  rssBytes(): Promise<number>;
}

/**
 * Runs a server in its own process, so the load generator and the system under test do not share an
 * event loop (they still share the two cores; results say so). Waits for `readyUrl` to answer 200.
 */
export async function startChildServer(command: string[], env: Record<string, string>, readyUrl: string): Promise<ChildServer> {
  const [program, ...args] = command;
  if (!program) throw new Error('no command');
  // BENCH_LOG_DIR keeps each child's structured log (stdout) for diagnosis; otherwise it is discarded.
  const logDir = process.env.BENCH_LOG_DIR;
  const script = args.find((arg) => arg.endsWith('.js')) ?? program;
  const logName = `${basename(dirname(dirname(script)))}-${Date.now()}.log`;
  const stdout = logDir ? openSync(join(logDir, logName), 'a') : 'ignore';
  const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited: ${stderr.slice(-2_000)}`);
    try {
      const response = await fetch(readyUrl);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${command.join(' ')} not ready at ${readyUrl}: ${stderr.slice(-2_000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
    rssBytes: async () => {
      const { readFile } = await import('node:fs/promises');
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      return match?.[1] ? Number(match[1]) * 1024 : 0;
    },
  };
}

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (USER_HZ = 100); 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Pids of the processes whose command line matches `pgrep -f pattern`: the shared servers (Kafka, Redis, PostgreSQL). */
export async function pidsOf(pattern: string): Promise<number[]> {
  try {
    const { stdout } = await run('pgrep', ['-f', pattern]);
    return stdout.split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The servers every bench shares, by name. */
export async function sharedServerPids(): Promise<Record<'kafka' | 'redis' | 'postgres', number[]>> {
  return { kafka: await pidsOf('kafka\\.Kafka'), redis: await pidsOf('redis-server'), postgres: await pidsOf('postgres') };
}

/**
 * Accounts CPU per named group of processes (and this process, as `generator`) between `start` and `stop`:
 * on two shared cores a latency figure means little without knowing who had the CPU meanwhile.
 */
export function cpuMeter(groups: Record<string, number[]>): { stop(): { seconds: number; shares: Array<readonly [string, number]> } } {
  const read = (): Record<string, number> => {
    const self = process.cpuUsage();
    return Object.fromEntries([
      ...Object.entries(groups).map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0)] as const),
      ['generator', (self.user + self.system) / 1e6] as const,
    ]);
  };
  const before = read();
  const started = performance.now();
  return {
    stop: () => {
      const after = read();
      const seconds = (performance.now() - started) / 1000;
      return { seconds, shares: Object.entries(after).map(([name, used]) => [name, used - (before[name] ?? 0)] as const) };
    },
  };
}

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

/**
 * CPU seconds the shared servers used between `start` and `stop`, with their processes listed at both ends:
 * PostgreSQL starts a backend per connection, and a pool that reconnected during the window has backends the
 * start did not know of (a backend that ended inside the window is missed).
 */
export async function sharedServerCpu(): Promise<{ stop(): Promise<Record<'kafka' | 'redis' | 'postgres', number>> }> {
  const snapshot = async (): Promise<Record<'kafka' | 'redis' | 'postgres', Map<number, number>>> => {
    const pids = await sharedServerPids();
    const read = (list: number[]) => new Map(list.map((pid) => [pid, cpuSeconds(pid)] as const));
    return { kafka: read(pids.kafka), redis: read(pids.redis), postgres: read(pids.postgres) };
  };
  const before = await snapshot();
  const used = (name: 'kafka' | 'redis' | 'postgres', after: Map<number, number>): number =>
    [...after].reduce((sum, [pid, seconds]) => sum + seconds - (before[name].get(pid) ?? 0), 0);
  return {
    stop: async () => {
      const after = await snapshot();
      return { kafka: used('kafka', after.kafka), redis: used('redis', after.redis), postgres: used('postgres', after.postgres) };
    },
  };
}

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = resolve(__dirname, '../..');

/**
 * A service of an earlier commit, built once into the machine's temporary directory and kept there for later runs:
 * `git archive` of the commit (no worktree left registered), its own locked dependencies, then the service and the
 * packages it depends on built in order. Returns the built `main.js`. A before/after bench starts it beside this
 * checkout's build, in the same run, so both meet the same machine, hour and infrastructure.
 */
export async function earlierBuild(commit: string, service: string): Promise<string> {
  const full = (await run('git', ['-C', ROOT, 'rev-parse', '--verify', `${commit}^{commit}`])).stdout.trim();
  const dir = join(tmpdir(), 'ecogrid-bench-builds', full);
  const entry = join(dir, 'services', service, 'dist', 'main.js');
  if (existsSync(entry)) return entry;
  const options = { cwd: dir, env: { ...process.env, CI: 'true' }, maxBuffer: 64 * 1024 * 1024 };
  // A commit already unpacked and installed for another service's bench is reused: only this service is built.
  if (!existsSync(join(dir, 'node_modules', '.modules.yaml'))) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    await run('bash', ['-c', `git -C "${ROOT}" archive --format=tar "${full}" | tar -x -C "${dir}"`]);
    await run('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], options);
  }
  await run('pnpm', ['--filter', `@ecogrid/${service}...`, 'run', 'build'], options);
  if (!existsSync(entry)) throw new Error(`building ${service} at ${full.slice(0, 7)} left no ${entry}`);
  return entry;
}

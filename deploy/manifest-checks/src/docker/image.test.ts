import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoPath } from '../repo-paths';

const secrets = mkdtempSync(join(tmpdir(), 'ecogrid-secrets-'));
afterAll(() => rmSync(secrets, { recursive: true, force: true }));

/** Runs the image's entrypoint as the container would, printing the environment node sees. */
function entrypoint(env: Record<string, string>) {
  const run = spawnSync('sh', [repoPath('deploy', 'docker', 'entrypoint.sh'), process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.env))'], {
    env: { PATH: process.env.PATH ?? '', SECRETS_DIR: secrets, ...env },
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr, env: run.status === 0 ? (JSON.parse(run.stdout) as Record<string, string>) : {} };
}

describe('deploy/docker/entrypoint.sh', () => {
  it('turns NAME_FILE under the secrets directory into NAME, and leaves other *_FILE variables alone', () => {
    writeFileSync(join(secrets, 'history-chain-key'), 'a-history-chain-key-of-at-least-32-chars');
    const run = entrypoint({ HISTORY_CHAIN_KEY_FILE: join(secrets, 'history-chain-key'), SSL_CERT_FILE: '/etc/ssl/certs/ca-certificates.crt' });
    expect(run.status).toBe(0);
    expect(run.env.HISTORY_CHAIN_KEY).toBe('a-history-chain-key-of-at-least-32-chars');
    expect(run.env.HISTORY_CHAIN_KEY_FILE).toBeUndefined();
    expect(run.env.SSL_CERT_FILE).toBe('/etc/ssl/certs/ca-certificates.crt');
    expect(run.env.SSL_CERT).toBeUndefined();
  });

  it('refuses to start when a named secret file is missing', () => {
    const run = entrypoint({ STAFF_TOKEN_SECRET_FILE: join(secrets, 'staff-token-secret') });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('STAFF_TOKEN_SECRET_FILE names');
  });
});

describe('deploy/docker/Dockerfile', () => {
  const dockerfile = readFileSync(repoPath('deploy', 'docker', 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));

  it('builds with pnpm deploy --prod and runs as a numeric non-root user with a healthcheck on /readyz', () => {
    expect(dockerfile).toMatch(/pnpm --filter "@ecogrid\/\$\{SERVICE\}" --prod deploy \/out/);
    expect(runtime).toMatch(/^USER [1-9]\d*:[1-9]\d*$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*readyz\.mjs/m);
    expect(runtime).not.toMatch(/^COPY --from=build \/src/m);
  });

  it('.dockerignore keeps dependencies, builds, local data and secrets out of the build context', () => {
    const ignored = readFileSync(repoPath('.dockerignore'), 'utf8').split('\n');
    for (const entry of ['**/node_modules', '**/dist', 'deploy/local/.data', 'deploy/docker/secrets', '.git']) expect(ignored).toContain(entry);
  });
});

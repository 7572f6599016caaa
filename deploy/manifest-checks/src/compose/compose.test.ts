import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoPath } from '../repo-paths';
import { SERVICES } from '../service-settings';
import { readYamlDocuments, type Manifest } from '../yaml-documents';
import { platformProblems, schemaProblems } from './check-compose';

const readCompose = (): Manifest => {
  const [compose] = readYamlDocuments(repoPath('deploy', 'docker', 'compose.yaml'));
  if (!compose) throw new Error('deploy/docker/compose.yaml is empty');
  return compose;
};
const servicesOf = (compose: Manifest) => compose.services as Record<string, Record<string, unknown>>;

describe('deploy/docker/compose.yaml', () => {
  it('is valid by the compose-spec schema', () => {
    const compose = readCompose();
    const problems = schemaProblems(compose);
    console.log(`compose: ${Object.keys(servicesOf(compose)).length} services checked against the compose-spec schema, ${problems.length} problems`);
    expect(problems).toEqual([]);
  });

  it('runs every service on its admin port, with an environment the service accepts in production, after its dependencies', () => {
    const problems = platformProblems(readCompose());
    console.log(`compose: ${SERVICES.length} services checked against their config.ts, ${problems.length} problems`);
    expect(problems).toEqual([]);
  });

  it('make-secrets.sh makes every secret the file declares, readable by its owner only, and keeps them on a second run', () => {
    const secrets = (readCompose().secrets ?? {}) as Record<string, { file: string }>;
    const out = mkdtempSync(join(tmpdir(), 'ecogrid-compose-secrets-'));
    try {
      const script = repoPath('deploy', 'docker', 'make-secrets.sh');
      const first = spawnSync('bash', [script], { env: { PATH: process.env.PATH ?? '', SECRETS_OUT: out }, encoding: 'utf8' });
      expect(first.status).toBe(0);
      const made = Object.values(secrets).map((secret) => join(out, secret.file.replace(/^\.\/secrets\//, '')));
      expect(made.filter((file) => !existsSync(file))).toEqual([]);
      expect(made.every((file) => (statSync(file).mode & 0o077) === 0)).toBe(true);
      const before = made.map((file) => readFileSync(file, 'utf8'));
      spawnSync('bash', [script], { env: { PATH: process.env.PATH ?? '', SECRETS_OUT: out } });
      expect(made.map((file) => readFileSync(file, 'utf8'))).toEqual(before);
      expect(readFileSync(join(out, 'dispatch-database-url'), 'utf8')).toMatch(/^postgres:\/\/ecogrid_dispatch:[A-Za-z0-9]{20,}@postgres:5432\/ecogrid$/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  describe('fails on a deliberate typo', () => {
    it('a misspelled service field', () => {
      const compose = readCompose();
      const ingest = servicesOf(compose).ingest!;
      ingest.helthcheck = ingest.healthcheck;
      delete ingest.healthcheck;
      expect(schemaProblems(compose)).toContainEqual(expect.stringContaining('must NOT have additional properties (helthcheck)'));
    });

    it('a misspelled depends_on condition', () => {
      const compose = readCompose();
      (servicesOf(compose).alerting!.depends_on as Record<string, { condition: string }>).kafka!.condition = 'service_healty';
      expect(schemaProblems(compose).join('\n')).toContain('/services/alerting/depends_on/kafka/condition must be equal to one of the allowed values');
    });

    it('a healthcheck on another port than the admin listener', () => {
      const compose = readCompose();
      (servicesOf(compose).dispatch!.healthcheck as { test: string[] }).test = ['CMD', 'node', '/opt/ecogrid/readyz.mjs', '8083'];
      expect(schemaProblems(compose)).toEqual([]);
      expect(platformProblems(compose)).toContainEqual(expect.stringContaining('dispatch: healthcheck probes port 8083, not the admin port 8094'));
    });

    it('a secret the service needs in production left out', () => {
      const compose = readCompose();
      delete (servicesOf(compose).dispatch!.environment as Record<string, string>).HISTORY_CHAIN_KEY_FILE;
      expect(platformProblems(compose)).toContainEqual(expect.stringContaining('dispatch: the service refuses this environment: invalid configuration: set HISTORY_CHAIN_KEY'));
    });

    it("the console's users file under /run/secrets, where the entrypoint would turn the path into the file's content", () => {
      const compose = readCompose();
      const consoleService = servicesOf(compose).console!;
      (consoleService.environment as Record<string, string>).CONSOLE_USERS_FILE = '/run/secrets/console-users';
      consoleService.secrets = ['staff-token-secret', 'console-users'];
      expect(platformProblems(compose)).toContainEqual(expect.stringContaining('console: the service refuses this environment: invalid configuration: set CONSOLE_USERS_FILE'));
    });

    it("the console's users file at a path no secret is mounted on", () => {
      const compose = readCompose();
      (servicesOf(compose).console!.environment as Record<string, string>).CONSOLE_USERS_FILE = '/etc/ecogrid/console/user.json';
      expect(platformProblems(compose)).toContainEqual('console: CONSOLE_USERS_FILE=/etc/ecogrid/console/user.json is not a mounted secret\'s target');
    });

    it('a required variable misspelled', () => {
      const compose = readCompose();
      const environment = servicesOf(compose).ingest!.environment as Record<string, string>;
      environment.REDIS_ULR = environment.REDIS_URL!;
      delete environment.REDIS_URL;
      expect(platformProblems(compose)).toContainEqual(expect.stringMatching(/^ingest: the service refuses this environment: invalid configuration: REDIS_URL/));
    });
  });
});

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { repoPath } from '../repo-paths';
import { strimziKafkaVersions } from '../kubernetes/check-platform-objects';
import { adminPortOf, configurationProblem, SERVICES, standInFor, type ServiceName } from '../service-settings';
import { isManifest, type Manifest } from '../yaml-documents';

/** Problems with a compose file as the compose-spec JSON schema sees them (schemas/compose-spec.json). */
export function schemaProblems(compose: Manifest): string[] {
  const schema = JSON.parse(readFileSync(repoPath('deploy', 'manifest-checks', 'schemas', 'compose-spec.json'), 'utf8')) as Manifest;
  // The schema names draft 07 by an https URL ajv does not know as an alias of its built-in draft 07.
  delete schema.$schema;
  const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
  if (validate(compose)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''}${error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''}`);
}

/**
 * What the schema cannot see, for every EcoGrid service in the file: its image is built for it with its admin
 * port; its healthcheck asks that port's /readyz, the port the service listens on (ADMIN_HTTP_ADDRESS) and
 * the one its config.ts declares; its environment, secrets standing in, is accepted by the service's own
 * configuration parser in production; every secret it names is declared and mounted; it waits for Kafka, its
 * topics, its migration and the servers it uses to be healthy.
 */
export function platformProblems(compose: Manifest): string[] {
  const services = isManifest(compose.services) ? compose.services : {};
  const declaredSecrets = new Set(Object.keys(isManifest(compose.secrets) ? compose.secrets : {}));
  const problems: string[] = [];
  for (const name of SERVICES) {
    const service = services[name];
    if (!isManifest(service)) {
      problems.push(`${name}: not in the compose file`);
      continue;
    }
    problems.push(...serviceProblems(name, service, declaredSecrets).map((problem) => `${name}: ${problem}`));
    // A service without a database (the console) has no schema to migrate; one that needs a database and was
    // given none is refused by its own configuration above.
    if (!usesDatabase(service)) continue;
    const migration = services[`${name}-migrate`];
    if (!isManifest(migration)) problems.push(`${name}-migrate: not in the compose file`);
    else if (JSON.stringify(migration.command) !== JSON.stringify(['node', 'dist/cli/migrate.js'])) problems.push(`${name}-migrate: does not run dist/cli/migrate.js`);
  }
  // The same Kafka as on Kubernetes, where Strimzi decides which versions run.
  const kafka = isManifest(services.kafka) ? String(services.kafka.image) : 'none';
  const version = /^apache\/kafka:(.+)$/.exec(kafka)?.[1];
  if (!version || !strimziKafkaVersions().includes(version)) problems.push(`kafka: image ${kafka} is not apache/kafka at a version Strimzi 1.2 runs (${strimziKafkaVersions().join(', ')})`);
  return problems;
}

function serviceProblems(name: ServiceName, service: Manifest, declaredSecrets: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const adminPort = adminPortOf(name);
  const build = isManifest(service.build) ? service.build : {};
  const args = isManifest(build.args) ? build.args : {};
  if (args.SERVICE !== name) problems.push(`built with SERVICE=${String(args.SERVICE)}`);
  if (String(args.ADMIN_PORT) !== String(adminPort)) problems.push(`image built with ADMIN_PORT=${String(args.ADMIN_PORT)}, but its admin port is ${adminPort} (config.ts)`);

  const environment = environmentOf(service);
  const listening = environment.ADMIN_HTTP_ADDRESS?.split(':').pop();
  if (listening !== String(adminPort)) problems.push(`ADMIN_HTTP_ADDRESS=${String(environment.ADMIN_HTTP_ADDRESS)}, but its admin port is ${adminPort}`);
  const healthcheck = isManifest(service.healthcheck) ? service.healthcheck : {};
  const test = Array.isArray(healthcheck.test) ? healthcheck.test.map(String) : [String(healthcheck.test ?? '')];
  const probed = test.join(' ').match(/readyz(?:\.mjs)?\D*?(\d{2,5})|:(\d{2,5})\/readyz/);
  const probedPort = probed?.[1] ?? probed?.[2];
  if (probedPort !== String(adminPort)) problems.push(`healthcheck probes port ${String(probedPort)}, not the admin port ${adminPort}: ${test.join(' ')}`);

  const secretEntries = (Array.isArray(service.secrets) ? service.secrets : []).map((entry) => (isManifest(entry) ? { source: String(entry.source), target: entry.target === undefined ? undefined : String(entry.target) } : { source: String(entry), target: undefined }));
  const mounted = new Set(secretEntries.map((entry) => entry.source));
  for (const secret of mounted) if (!declaredSecrets.has(secret)) problems.push(`secret ${secret} is not declared under secrets:`);
  // Secrets mounted at a path of their own (a file the service reads itself, e.g. the console's users file).
  const mountedAt = new Set(secretEntries.flatMap((entry) => (entry.target?.startsWith('/') ? [entry.target] : [])));
  const resolved: NodeJS.ProcessEnv = {};
  for (const [variable, value] of Object.entries(environment)) {
    const file = /^\/run\/secrets\/(.+)$/.exec(value);
    if (variable.endsWith('_FILE') && file?.[1]) {
      if (!mounted.has(file[1])) problems.push(`${variable} names secret ${file[1]}, which is not mounted`);
      resolved[variable.slice(0, -'_FILE'.length)] = standInFor(variable.slice(0, -'_FILE'.length));
    } else {
      // A *_FILE outside /run/secrets is read by the service itself (the entrypoint leaves it alone): the file must be mounted there.
      if (variable.endsWith('_FILE') && value.startsWith('/') && !mountedAt.has(value)) problems.push(`${variable}=${value} is not a mounted secret's target`);
      resolved[variable] = value;
    }
  }
  const refused = configurationProblem(name, resolved);
  if (refused) problems.push(`the service refuses this environment: ${refused}`);

  const dependsOn = isManifest(service.depends_on) ? service.depends_on : {};
  const condition = (dependency: string) => (isManifest(dependsOn[dependency]) ? dependsOn[dependency].condition : undefined);
  const expected: Record<string, string> = { kafka: 'service_healthy', topics: 'service_completed_successfully' };
  if (resolved.DATABASE_URL) {
    expected[`${name}-migrate`] = 'service_completed_successfully';
    expected.postgres = 'service_healthy';
  }
  if (resolved.REDIS_URL) expected.redis = 'service_healthy';
  for (const [dependency, wanted] of Object.entries(expected)) {
    if (condition(dependency) !== wanted) problems.push(`depends_on ${dependency} should be ${wanted}, is ${String(condition(dependency))}`);
  }
  return problems;
}

const usesDatabase = (service: Manifest): boolean => {
  const environment = environmentOf(service);
  return environment.DATABASE_URL !== undefined || environment.DATABASE_URL_FILE !== undefined;
};

/** The service's environment as compose hands it over: `${VAR:-default}` becomes the default (no .env is read). */
function environmentOf(service: Manifest): Record<string, string> {
  const raw = service.environment;
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? raw.map((line) => String(line)).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    : Object.entries(isManifest(raw) ? raw : {}).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(entries.map(([key, value]) => [key, value.replace(/\$\{[A-Z0-9_]+(?::?-([^}]*))?\}/g, (_match, fallback: string | undefined) => fallback ?? '')]));
}

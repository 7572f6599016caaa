import { readFileSync } from 'node:fs';
import { verifierFromSettings } from '@ecogrid/staff-auth';
/* eslint-disable no-restricted-imports -- the deployment is checked against each service's own configuration
   parser (its config.ts, pure: zod and constants), so that a setting a service requires cannot be missing from
   the compose file or the Deployment; services export nothing else for it to use. */
import { loadConfig as loadAlertingConfig } from '../../../services/alerting/src/config';
import { loadConfig as loadConsoleConfig } from '../../../services/console/src/config';
import { loadConfig as loadCreditConfig } from '../../../services/credit/src/config';
import { loadConfig as loadDispatchConfig } from '../../../services/dispatch/src/config';
import { loadConfig as loadIngestConfig } from '../../../services/ingest/src/config';
import { loadConfig as loadRegistryConfig } from '../../../services/registry/src/config';
import { loadConfig as loadSharingConfig } from '../../../services/sharing/src/config';
/* eslint-enable no-restricted-imports */
import { repoPath } from './repo-paths';

/**
 * The services a deployment runs, each checked against its own config.ts. The emergency service is in the compose
 * file and the manifests already; it joins this list (and LOADERS) once services/emergency is on main.
 */
export const SERVICES = ['registry', 'ingest', 'alerting', 'dispatch', 'credit', 'sharing', 'console'] as const;
export type ServiceName = (typeof SERVICES)[number];

const LOADERS: Record<ServiceName, (env: NodeJS.ProcessEnv) => unknown> = {
  registry: loadRegistryConfig,
  ingest: loadIngestConfig,
  alerting: loadAlertingConfig,
  dispatch: loadDispatchConfig,
  credit: loadCreditConfig,
  sharing: loadSharingConfig,
  console: loadConsoleConfig,
};

/**
 * The port of a service's admin listener (/healthz, /readyz, /metrics), read from the default in its config.ts
 * (`baseConfig({ service, adminAddress: '127.0.0.1:8092' })`), the one place it is declared.
 */
export function adminPortOf(service: ServiceName): number {
  const source = readFileSync(repoPath('services', service, 'src', 'config.ts'), 'utf8');
  const match = /adminAddress: '[^':]+:(\d+)'/.exec(source);
  if (!match?.[1]) throw new Error(`services/${service}/src/config.ts: no adminAddress default found`);
  return Number(match[1]);
}

/**
 * What the service itself says of an environment, as it would start in production: its configuration parser
 * (every required variable, every production refusal) and the staff-token verifier every service builds.
 * Returns the problem, or undefined when the service would accept it.
 */
export function configurationProblem(service: ServiceName, env: NodeJS.ProcessEnv): string | undefined {
  try {
    const config = LOADERS[service]({ NODE_ENV: 'production', ...env });
    verifierFromSettings(config as Parameters<typeof verifierFromSettings>[0]);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * A stand-in for a value that the deployment takes from a secret or a reference: it is checked that the variable
 * is given, not what the operator will put in it. URLs get a URL of the right scheme, since the services parse them.
 */
export function standInFor(variable: string): string {
  if (variable.endsWith('DATABASE_URL')) return 'postgres://ecogrid_service:stand-in@postgres:5432/ecogrid';
  if (variable.endsWith('REDIS_URL')) return 'redis://redis:6379';
  if (variable === 'KAFKA_BROKERS') return 'kafka:9092';
  return `stand-in-for-${variable.toLowerCase()}-at-least-32-characters-long`;
}

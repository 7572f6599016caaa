import { resolve } from 'node:path';
import { z } from 'zod';
import { baseConfig, hostPort, parseConfig, splitHostPort } from '@ecogrid/service-kit';
import { allowsPublishedSecrets, DEV_STAFF_TOKEN_SECRET, refusePublishedSecrets, staffAuthSettings } from '@ecogrid/staff-auth';

/** The development users shipped in this repository (their passwords are published in the README). */
export const DEV_USERS_FILE = resolve(__dirname, '../dev/users.json');

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = baseConfig({ service: 'console', adminAddress: '127.0.0.1:8097' }).extend({
  ...staffAuthSettings,
  /** The web app and its API, for browsers. */
  HTTP_ADDRESS: hostPort.default('127.0.0.1:8080'),
  DISPATCH_GRPC_ADDRESS: hostPort.default('127.0.0.1:50053'),
  /** Dispatch's REST API: only for evidence files, which its gRPC API does not serve. */
  DISPATCH_HTTP_URL: z.string().url().default('http://127.0.0.1:8083'),
  ALERTING_GRPC_ADDRESS: hostPort.default('127.0.0.1:50055'),
  REGISTRY_GRPC_ADDRESS: hostPort.default('127.0.0.1:50051'),
  CREDIT_GRPC_ADDRESS: hostPort.default('127.0.0.1:50054'),
  /** Heavy-pollution warnings, incidents and early warnings (WarningService, IncidentService, EarlyWarningService on one port). */
  EMERGENCY_GRPC_ADDRESS: hostPort.default('127.0.0.1:50056'),
  /** How long one copy of the map's layers (cells, townships, devices, targets) is served before the registry is read again. */
  MAP_CACHE_SECONDS: positiveInt(300),
  /** Staff who may log in (JSON, scrypt password hashes); the development seed only in development and test. */
  CONSOLE_USERS_FILE: z.string().min(1).optional(),
  SESSION_TTL_SECONDS: positiveInt(8 * 3600),
  /** Sessions one console instance keeps at most: past it the oldest is ended (memory stays bounded). */
  SESSION_LIMIT: positiveInt(10_000),
  /**
   * Where sessions live: `memory` (one instance; a restart logs everyone out) or `redis` (every instance knows every
   * session — what several console instances behind one address need). `redis` needs REDIS_URL.
   */
  SESSION_STORE: z.enum(['memory', 'redis']).default('memory'),
  /** Failed logins of one username from one address before that pair waits out the window (kept where sessions are). */
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_FAILURE_WINDOW_S: z.coerce.number().int().min(1).default(900),
  REDIS_URL: z.string().url().optional(),
  /** Prefix of the console's Redis keys; tests use one of their own. */
  REDIS_PREFIX: z.string().default('console:'),
  /** The static web app (Vite's output). */
  WEB_ROOT: z.string().min(1).default(resolve(__dirname, 'web')),
  SSE_HEARTBEAT_MS: positiveInt(15_000),
  /** The admin listeners the operator view reads, `name=url` separated by commas (pnpm start's ports by default). */
  OPERATOR_TARGETS: z
    .string()
    .default(
      'registry=http://127.0.0.1:8091,alerting=http://127.0.0.1:8092,ingest=http://127.0.0.1:8093,dispatch=http://127.0.0.1:8094,credit=http://127.0.0.1:8095,sharing=http://127.0.0.1:8096,emergency=http://127.0.0.1:8098,console=http://127.0.0.1:8097',
    )
    .transform((text, context) =>
      text
        .split(',')
        .map((pair) => pair.trim())
        .filter(Boolean)
        .map((pair) => {
          const [service = '', url = ''] = pair.split('=');
          if (!/^[a-z][a-z0-9-]*$/.test(service) || !/^https?:\/\/[^\s]+$/.test(url)) context.addIssue({ code: 'custom', message: `expected name=http(s)://host:port, got ${JSON.stringify(pair)}` });
          return { service, url: url.replace(/\/$/, '') };
        }),
    ),
});

export type ConsoleConfig = z.infer<typeof schema> & {
  usersFile: string;
  /** The secret the console signs the staff tokens it calls the services with. */
  tokenSecret: string;
  /** Cookies need `Secure` unless the browser reaches the console on loopback over plain HTTP. */
  secureCookies: boolean;
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Reads the environment once at start-up and fails fast, naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  const config = parseConfig(schema, env);
  const development = allowsPublishedSecrets(config.NODE_ENV);
  // The console calls the services on its users' behalf with tokens it signs itself, so it needs the signing secret;
  // with an identity provider (STAFF_JWKS_URL) the services would need a token exchange that does not exist yet.
  const tokenSecret = config.STAFF_TOKEN_SECRET ?? (development ? DEV_STAFF_TOKEN_SECRET : undefined);
  if (!tokenSecret) throw new Error('invalid configuration: the console signs staff tokens for its users; set STAFF_TOKEN_SECRET, or NODE_ENV=development for local use');
  refusePublishedSecrets(config.NODE_ENV, { STAFF_TOKEN_SECRET: tokenSecret });
  const usersFile = config.CONSOLE_USERS_FILE ?? (development ? DEV_USERS_FILE : undefined);
  if (!usersFile) throw new Error('invalid configuration: set CONSOLE_USERS_FILE (the development users are refused outside development and test)');
  if (!development && resolve(usersFile) === DEV_USERS_FILE) throw new Error('invalid configuration: the development users file has published passwords; set CONSOLE_USERS_FILE to your own');
  if (config.SESSION_STORE === 'redis' && !config.REDIS_URL) throw new Error('invalid configuration: SESSION_STORE=redis needs REDIS_URL');
  return { ...config, usersFile, tokenSecret, secureCookies: !LOOPBACK.has(splitHostPort(config.HTTP_ADDRESS).host) };
}

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startServiceProcess, testEnvironment, uniqueToken, type ServiceProcess } from '@ecogrid/testkit';
import type { Platform } from './platform';
import { ROOT } from './repository-root';
import { TEST_STAFF_TOKEN_SECRET } from './staff-tokens';

const run = promisify(execFile);

export interface ConsoleUser {
  username: string;
  password: string;
  displayName: string;
  role: 'dispatcher' | 'officer' | 'supervisor' | 'command_center' | 'analyst' | 'operator';
  officerId?: string;
  townshipCode?: string;
}

export interface ConsoleProcess {
  process: ServiceProcess;
  baseUrl: string;
  adminUrl: string;
}

/** A password hashed by the console's own command (`dist/cli/hash-password.js`), as an operator would. */
async function hashPassword(password: string): Promise<string> {
  const child = run(process.execPath, [resolve(ROOT, 'services/console/dist/cli/hash-password.js')]);
  child.child.stdin?.end(password);
  return (await child).stdout.trim();
}

/** The built console as its own process in front of a started platform, with a users file of the caller's own. */
export async function startConsoleProcess(platform: Platform, users: ConsoleUser[], env: Record<string, string> = {}): Promise<ConsoleProcess> {
  const environment = await testEnvironment();
  const usersFile = join(tmpdir(), `ecogrid-console-users-${uniqueToken()}.json`);
  const entries = await Promise.all(users.map(async ({ password, ...user }) => ({ ...user, passwordHash: await hashPassword(password) })));
  await writeFile(usersFile, JSON.stringify({ users: entries }));
  const [http, admin] = [await freePort(), await freePort()];
  const operatorTargets = [`ingest=${platform.ingest.adminUrl}`, `alerting=${platform.alerting.adminUrl}`, `dispatch=${platform.dispatch.adminUrl}`, `console=http://127.0.0.1:${admin}`, ...(platform.credit ? [`credit=${platform.credit.adminUrl}`] : []), ...(platform.emergency ? [`emergency=${platform.emergency.adminUrl}`] : [])];
  const process = await startServiceProcess({
    entry: resolve(ROOT, 'services/console/dist/main.js'),
    env: {
      KAFKA_BROKERS: environment.kafkaBrokers,
      TOPIC_PREFIX: platform.prefix,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      STAFF_TOKEN_SECRET: TEST_STAFF_TOKEN_SECRET,
      DISPATCH_GRPC_ADDRESS: platform.dispatch.grpcAddress,
      DISPATCH_HTTP_URL: platform.dispatch.baseUrl,
      ALERTING_GRPC_ADDRESS: platform.alerting.grpcAddress,
      REGISTRY_GRPC_ADDRESS: platform.registry.grpcAddress,
      ...(platform.credit ? { CREDIT_GRPC_ADDRESS: platform.credit.grpcAddress } : {}),
      ...(platform.emergency ? { EMERGENCY_GRPC_ADDRESS: platform.emergency.grpcAddress } : {}),
      HTTP_ADDRESS: `127.0.0.1:${http}`,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${admin}`,
      CONSOLE_USERS_FILE: usersFile,
      OPERATOR_TARGETS: operatorTargets.join(','),
      ...env,
    },
    readyUrl: `http://127.0.0.1:${admin}/readyz`,
    readyTimeoutMs: 60_000,
  });
  return { process, baseUrl: `http://127.0.0.1:${http}`, adminUrl: `http://127.0.0.1:${admin}` };
}

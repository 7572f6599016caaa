import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { freePort, startServiceProcess, testEnvironment, uniqueToken, type ServiceProcess } from '@ecogrid/testkit';
import { TEST_STAFF_TOKEN_SECRET, type Platform } from '@ecogrid/e2e';
import { hashPassword } from '../../src/adapters/users/scrypt-passwords';

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

/** The built console as its own process, in front of a started platform, with a users file of the test's own. */
export async function startConsole(platform: Platform, users: ConsoleUser[]): Promise<ConsoleProcess> {
  const environment = await testEnvironment();
  const usersFile = join(tmpdir(), `ecogrid-console-users-${uniqueToken()}.json`);
  const entries = await Promise.all(
    users.map(async ({ password, ...user }) => ({ ...user, passwordHash: await hashPassword(password) })),
  );
  await writeFile(usersFile, JSON.stringify({ users: entries }));
  const [http, admin] = [await freePort(), await freePort()];
  const process = await startServiceProcess({
    entry: resolve(__dirname, '../../dist/main.js'),
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
      HTTP_ADDRESS: `127.0.0.1:${http}`,
      ADMIN_HTTP_ADDRESS: `127.0.0.1:${admin}`,
      CONSOLE_USERS_FILE: usersFile,
      OPERATOR_TARGETS: [`ingest=${platform.ingest.adminUrl}`, `alerting=${platform.alerting.adminUrl}`, `dispatch=${platform.dispatch.adminUrl}`, `console=http://127.0.0.1:${admin}`, ...(platform.credit ? [`credit=${platform.credit.adminUrl}`] : [])].join(','),
    },
    readyUrl: `http://127.0.0.1:${admin}/readyz`,
    readyTimeoutMs: 60_000,
  });
  return { process, baseUrl: `http://127.0.0.1:${http}`, adminUrl: `http://127.0.0.1:${admin}` };
}

import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './service-process';
import type { SASLOptions } from 'kafkajs';
import { testKafka } from './topic-recorder';
import { waitFor } from './wait-for';

/**
 * A server a fault test owns alone, so it can stop, kill and restart it without disturbing the shared
 * servers other tests use at the same moment.
 */
export interface PrivateServer {
  readonly url: string;
  start(): Promise<void>;
  /** Graceful stop; the data stays for the next start. */
  stop(): Promise<void>;
  kill9(): Promise<void>;
  /** Stops and deletes the data. */
  destroy(): Promise<void>;
}

/** The monorepo's root (where pnpm-workspace.yaml is), found from this file whether it runs from src or dist. */
export function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('repository root not found');
    dir = parent;
  }
  return dir;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
  });
}

function exited(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolvePromise) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) resolvePromise();
    else child.once('exit', () => resolvePromise());
  });
}

/** A metadata request that names a broker: the port alone opens before the broker can serve. */
async function brokerAnswers(port: number, sasl?: SASLOptions): Promise<boolean> {
  if (!(await portAnswers(port))) return false;
  const admin = testKafka(`127.0.0.1:${port}`, undefined, sasl).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Waits until the server answers; fails at once, with its output, if the process exits first. */
async function readyOrExited(child: ChildProcess, answers: () => Promise<boolean>, timeoutMs: number, description: string, output: () => string): Promise<void> {
  const exit = new Promise<string>((resolvePromise) => child.once('exit', (code) => resolvePromise(`exited with ${code}`)));
  const outcome = await Promise.race([waitFor(answers, { timeoutMs, intervalMs: 100, description }).then(() => 'ready'), exit]);
  if (outcome !== 'ready') throw new Error(`${description} ${outcome}: ${output()}`);
}

export interface PrivateKafkaOptions {
  /**
   * Clients must authenticate with SASL/SCRAM-SHA-512 and are authorised by ACLs (none granted yet): these users and
   * passwords are created with the storage; `admin` is the super user (and the broker's own identity).
   */
  scramUsers?: Record<string, string>;
}

/** A private Kafka that authenticates its clients: how the test's admin connects. */
export interface SecuredPrivateServer extends PrivateServer {
  adminSasl?: SASLOptions;
}

/**
 * A one-node Apache Kafka (KRaft) of the test's own, from the jars deploy/local/kafka resolved
 * (run `deploy/local/up.sh` first), on free ports with its data in a temporary folder.
 */
export async function startPrivateKafka(options: PrivateKafkaOptions = {}): Promise<SecuredPrivateServer> {
  const root = repositoryRoot();
  const lib = resolve(root, 'deploy/local/kafka/lib');
  if (!existsSync(lib)) throw new Error(`${lib} is missing: run deploy/local/up.sh, which resolves the Kafka jars`);
  const [port, controllerPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'ecogrid-kafka-'));
  const config = join(dir, 'server.properties');
  const template = readFileSync(resolve(root, 'deploy/local/kafka/server.properties'), 'utf8');
  const scram = options.scramUsers ? { admin: randomBytes(12).toString('hex'), ...options.scramUsers } : undefined;
  const settings = template
    .replaceAll('127.0.0.1:9092', `127.0.0.1:${port}`)
    .replaceAll('127.0.0.1:9093', `127.0.0.1:${controllerPort}`)
    .replaceAll('@LOG_DIRS@', join(dir, 'logs'));
  // The same SCRAM listeners and ACL settings as kafka.sh's KAFKA_SECURITY=scram; appended, they replace the
  // template's plaintext listeners (later keys win in a properties file).
  const secured = (admin: string): string =>
    readFileSync(resolve(root, 'deploy/local/kafka/scram.properties'), 'utf8').replaceAll('@PORT@', String(port)).replaceAll('@CONTROLLER_PORT@', String(controllerPort)).replaceAll('@ADMIN_PASSWORD@', admin);
  writeFileSync(config, scram ? `${settings}\n${secured(scram.admin)}` : settings);
  const adminSasl: SASLOptions | undefined = scram ? { mechanism: 'scram-sha-512', username: 'admin', password: scram.admin } : undefined;
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const classpath = `${lib}/*`;
  // A Kafka cluster id is 16 random bytes, base64url without padding (Kafka refuses one starting with '-').
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  await new Promise<void>((resolvePromise, reject) => {
    const users = Object.entries(scram ?? {}).flatMap(([name, password]) => ['--add-scram', `SCRAM-SHA-512=[name=${name},password=${password}]`]);
    const format = spawn(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '--config', config, '--cluster-id', clusterId, '--standalone', ...users], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    format.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    format.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    format.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`kafka storage format exited ${code}: ${output.slice(-2_000)}`))));
  });
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(java, ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${resolve(root, 'deploy/local/kafka/log4j2.yaml')}`, `-Dkafka.logs.dir=${dir}`, '-cp', classpath, 'kafka.Kafka', config], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    child.stdout?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
    await readyOrExited(child, () => brokerAnswers(port, adminSasl), 90_000, `private Kafka on 127.0.0.1:${port}`, () => stderr);
  };
  const stop = async (): Promise<void> => {
    child?.kill('SIGTERM');
    await exited(child);
  };
  await start();
  return {
    url: `127.0.0.1:${port}`,
    ...(adminSasl ? { adminSasl } : {}),
    start,
    stop,
    kill9: async () => {
      child?.kill('SIGKILL');
      await exited(child);
    },
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A Redis of the test's own on a free port, nothing persisted. */
export async function startPrivateRedis(): Promise<PrivateServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await readyOrExited(child, () => portAnswers(port), 20_000, `private Redis on 127.0.0.1:${port}`, () => '');
  };
  const stop = async (): Promise<void> => {
    child?.kill('SIGTERM');
    await exited(child);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    kill9: async () => {
      child?.kill('SIGKILL');
      await exited(child);
    },
    destroy: stop,
  };
}

/** A private Kafka cluster: all its brokers' addresses, and each node to stop or kill on its own. */
export interface PrivateKafkaCluster {
  /** `host:port,host:port,…` of every node, for clients (KAFKA_BROKERS). */
  readonly url: string;
  readonly nodes: readonly PrivateServer[];
  destroy(): Promise<void>;
}

/**
 * A three-node Apache Kafka (KRaft, each node broker and controller, a static quorum) of the test's own, with the
 * settings of deploy/local/kafka/cluster.properties — replication factor 3, min.insync.replicas 2 — so a fault test
 * can kill one node under load exactly as it would happen to the bureau's cluster.
 */
export async function startPrivateKafkaCluster(options: { nodes?: number } = {}): Promise<PrivateKafkaCluster> {
  const root = repositoryRoot();
  const lib = resolve(root, 'deploy/local/kafka/lib');
  if (!existsSync(lib)) throw new Error(`${lib} is missing: run deploy/local/up.sh, which resolves the Kafka jars`);
  const count = options.nodes ?? 3;
  const ids = Array.from({ length: count }, (_, index) => index + 1);
  const ports = await Promise.all(ids.map(async () => ({ client: await freePort(), controller: await freePort() })));
  const voters = ids.map((id, index) => `${id}@127.0.0.1:${ports[index]?.controller}`).join(',');
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const template = readFileSync(resolve(root, 'deploy/local/kafka/server.properties'), 'utf8').replace(/^controller\.quorum\.bootstrap\.servers=.*$/m, '');
  const clusterSettings = readFileSync(resolve(root, 'deploy/local/kafka/cluster.properties'), 'utf8');
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
  const classpath = `${lib}/*`;

  const nodes = await Promise.all(
    ids.map(async (id, index) => {
      const { client, controller } = ports[index] ?? { client: 0, controller: 0 };
      const dir = mkdtempSync(join(tmpdir(), `ecogrid-kafka-node${id}-`));
      const config = join(dir, 'server.properties');
      writeFileSync(
        config,
        template.replaceAll('127.0.0.1:9092', `127.0.0.1:${client}`).replaceAll('127.0.0.1:9093', `127.0.0.1:${controller}`).replaceAll('@LOG_DIRS@', join(dir, 'logs')) +
          '\n' +
          clusterSettings.replaceAll('@NODE_ID@', String(id)).replaceAll('@VOTERS@', voters),
      );
      await runToCompletion(java, ['-cp', classpath, 'kafka.tools.StorageTool', 'format', '--config', config, '--cluster-id', clusterId], `kafka storage format (node ${id})`);
      return { id, client, dir, config };
    }),
  );

  const servers = nodes.map(({ id, client, dir, config }) => {
    let child: ChildProcess | undefined;
    let output = '';
    const launch = (): ChildProcess => {
      child = spawn(java, ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${resolve(root, 'deploy/local/kafka/log4j2.yaml')}`, `-Dkafka.logs.dir=${dir}`, '-cp', classpath, 'kafka.Kafka', config], {
        stdio: ['ignore', 'pipe', 'pipe'],
        cwd: dir,
      });
      child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
      child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
      return child;
    };
    const ready = (started: ChildProcess): Promise<void> => readyOrExited(started, () => brokerAnswers(client), 120_000, `private Kafka node ${id} on 127.0.0.1:${client}`, () => output);
    const stop = async (): Promise<void> => {
      child?.kill('SIGTERM');
      await exited(child);
    };
    const server: PrivateServer & { launch(): ChildProcess; ready(started: ChildProcess): Promise<void> } = {
      url: `127.0.0.1:${client}`,
      launch,
      ready,
      start: () => ready(launch()),
      stop,
      kill9: async () => {
        child?.kill('SIGKILL');
        await exited(child);
      },
      destroy: async () => {
        await stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
    return server;
  });
  // All at once: a node of the quorum answers only when a majority of voters runs.
  await Promise.all(servers.map((server) => server.ready(server.launch())));
  return {
    url: servers.map((server) => server.url).join(','),
    nodes: servers,
    destroy: async () => {
      await Promise.all(servers.map((server) => server.destroy()));
    },
  };
}

function runToCompletion(command: string, args: string[], description: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${description} exited ${code}: ${output.slice(-2_000)}`))));
  });
}

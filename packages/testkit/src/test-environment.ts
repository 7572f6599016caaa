/**
 * Where the test servers are. Here and in CI the environment names them (KAFKA_BROKERS, REDIS_URL,
 * DATABASE_URL, set by deploy/local/with-infra.sh). Under CI a missing one is an error — tests never skip
 * silently. Elsewhere, people with Docker get throw-away containers through testcontainers.
 */
export interface TestEnvironment {
  kafkaBrokers: string;
  redisUrl: string;
  databaseUrl: string;
}

let pending: Promise<TestEnvironment> | undefined;

export function testEnvironment(): Promise<TestEnvironment> {
  pending ??= resolveEnvironment();
  return pending;
}

async function resolveEnvironment(): Promise<TestEnvironment> {
  const orStart = async (name: string, start: () => Promise<string>): Promise<string> => {
    const value = process.env[name];
    if (value) return value;
    if (process.env.CI) throw new Error(`${name} is not set: under CI the servers must be started by .ci/run (deploy/local/up.sh)`);
    return start();
  };
  const kafkaBrokers = await orStart('KAFKA_BROKERS', async () => {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:8.0.0').withKraft().start();
    return `${container.getHost()}:${container.getMappedPort(9093)}`;
  });
  const redisUrl = await orStart('REDIS_URL', async () => {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7').start();
    return container.getConnectionUrl();
  });
  const databaseUrl = await orStart('DATABASE_URL', async () => {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgis/postgis:15-3.4').start();
    return container.getConnectionUri();
  });
  return { kafkaBrokers, redisUrl, databaseUrl };
}

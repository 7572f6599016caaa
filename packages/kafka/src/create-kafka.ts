import { Kafka, logLevel, type LogEntry, type SASLOptions } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';

/** SASL/SCRAM credentials of a service's own Kafka user, when the cluster authenticates its clients. */
export type KafkaCredentials = { mechanism: 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };

const saslOf = (credentials: KafkaCredentials): SASLOptions =>
  credentials.mechanism === 'scram-sha-256'
    ? { mechanism: 'scram-sha-256', username: credentials.username, password: credentials.password }
    : { mechanism: 'scram-sha-512', username: credentials.username, password: credentials.password };

/** The variables that carry a Kafka user: in a service's parsed config (see service-kit's baseConfig) or a CLI's env. */
export interface KafkaCredentialSettings {
  /** Whatever else the config or environment holds. */
  readonly [name: string]: unknown;
  KAFKA_SASL_MECHANISM?: string | undefined;
  KAFKA_SASL_USERNAME?: string | undefined;
  KAFKA_SASL_PASSWORD?: string | undefined;
}

/**
 * The Kafka user from settings: none when no variable is set (a plaintext listener), else all three must be, so that
 * a half-configured service fails at start-up rather than connecting anonymously. Never puts the password in an error.
 */
export function kafkaCredentialsFrom(settings: KafkaCredentialSettings): KafkaCredentials | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = settings;
  if (!mechanism && !username && !password) return undefined;
  if (!mechanism || !username || !password) {
    const missing = Object.entries({ KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password }).filter(([, value]) => !value);
    throw new Error(`Kafka SASL is half configured: ${missing.map(([name]) => name).join(', ')} unset`);
  }
  if (mechanism !== 'scram-sha-256' && mechanism !== 'scram-sha-512') throw new Error('KAFKA_SASL_MECHANISM: expected scram-sha-256 or scram-sha-512');
  return { mechanism, username, password };
}

export interface CreateKafkaOptions {
  /** Comma-separated `host:port` list, as in KAFKA_BROKERS. */
  brokers: string;
  clientId: string;
  logger: Logger;
  /** Unset: a plaintext listener without authentication (the local demo). */
  credentials?: KafkaCredentials;
}

/** A kafkajs client whose own logging goes through the service's pino logger. */
export function createKafka(options: CreateKafkaOptions): Kafka {
  const log = options.logger.child({ module: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers.split(',').map((broker) => broker.trim()).filter(Boolean),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: { initialRetryTime: 100, retries: 8 },
    ...(options.credentials ? { sasl: saslOf(options.credentials) } : {}),
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry;
        // Retries are bounded on purpose: a send that keeps failing must fail, so the device is not answered;
        // the publisher then replaces its producer, which keeps idempotence sound (see event-publisher.ts).
        if (message.startsWith('Limiting retries for the idempotent producer')) return;
        const fields = { ...rest, namespace: undefined };
        if (level <= logLevel.ERROR) log.error(fields, message);
        else if (level === logLevel.WARN) log.warn(fields, message);
        else log.debug(fields, message);
      },
  });
}

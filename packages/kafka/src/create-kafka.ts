import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';

export interface CreateKafkaOptions {
  /** Comma-separated `host:port` list, as in KAFKA_BROKERS. */
  brokers: string;
  clientId: string;
  logger: Logger;
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

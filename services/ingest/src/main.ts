import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { createEventPublisher, createKafka, TOPICS } from '@ecogrid/kafka';
import { createLogger } from '@ecogrid/telemetry';
import { loadConfig, splitHostPort } from './config';
import { createSubmitObservations } from './app/submit-observations';
import { createKafkaObservationSink, createKafkaRejectionSink } from './adapters/kafka/kafka-observation-sink';
import { createHttpApp } from './adapters/http/http-app';
import { createDependencyHealth } from './adapters/health/dependency-health';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();

  const admin = kafka.admin();
  await admin.connect();
  const readingsTopic = `${config.TOPIC_PREFIX}${TOPICS.readings.name}`;
  const health = createDependencyHealth([
    {
      name: 'kafka',
      check: async () => {
        await admin.fetchTopicMetadata({ topics: [readingsTopic] });
      },
    },
  ]);

  const submitObservations = createSubmitObservations({
    observations: createKafkaObservationSink(publisher, config.TOPIC_PREFIX),
    rejections: createKafkaRejectionSink(publisher, config.TOPIC_PREFIX),
    clock: { now: () => new Date() },
  });

  const http = createServer(createHttpApp({ submitObservations, health, handleMetrics: telemetry.handleMetrics, logger }));
  http.keepAliveTimeout = 65_000;
  const { host, port } = splitHostPort(config.HTTP_ADDRESS);
  await new Promise<void>((resolve) => http.listen(port, host, resolve));
  logger.info({ address: config.HTTP_ADDRESS }, 'ingest HTTP listening');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS + 5_000);
    force.unref();
    await new Promise<void>((resolve) => http.close(() => resolve()));
    await publisher.disconnect();
    await admin.disconnect();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`ingest failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, TOPICS } from '@ecogrid/kafka';
import { createGrpcServer } from '@ecogrid/grpc';
import { createRegistryView } from '@ecogrid/registry-view';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp, splitHostPort, systemClock } from '@ecogrid/service-kit';
import { loadConfig } from './config';
import { createAcceptFrame } from './app/accept-frame';
import { createStoreObservations } from './app/store-observations';
import { createSubmitObservations } from './app/submit-observations';
import { createKafkaObservationSink, createKafkaRejectionSink } from './adapters/kafka/kafka-observation-sink';
import { createKafkaStatusSink } from './adapters/kafka/kafka-status-sink';
import { createTrackDeviceLinks } from './app/track-device-links';
import { createClockDriftTracker } from './domain/device-status';
import { createHttpApp } from './adapters/http/http-app';
import { createRedisObservationMemory } from './adapters/redis/redis-observation-memory';
import { createBatchedObservationMemory } from './adapters/redis/batched-observation-memory';
import { createRegistryDeviceDirectory } from './adapters/registry/registry-device-directory';
import { createHj212Listener } from './adapters/hj212/hj212-listener';
import { createIngestGrpcService } from './adapters/grpc/ingest-grpc-service';
import { createSubmitterAuthenticator, parseGatewayTokens } from './adapters/auth/submitter-authenticator';
import { createIngestCounters } from './adapters/metrics/ingest-counters';
import { createCappedRejectionSink } from './adapters/kafka/capped-rejection-sink';
import { createRateLimiterThrottle } from './adapters/throttle/rate-limiter-throttle';
import { createAuthenticateDevice } from './app/authenticate-device';
import { createCredentialChecker } from '@ecogrid/device-credentials';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}`, holdFailedBatchMs: config.PUBLISH_HOLD_FAILED_MS });
  // Fail fast on commands while Redis is away: dedupe is best effort and must never hold up a device.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis error'));
  await publisher.connect();
  await redis.connect().catch((error: unknown) => logger.warn({ err: error }, 'redis unavailable at start; ingesting without dedupe'));

  const view = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'ingest', 'registry-view') });
  await view.start();
  logger.info({ counts: view.counts() }, 'registry view caught up');

  const admin = kafka.admin();
  await admin.connect();
  const readingsTopic = `${config.TOPIC_PREFIX}${TOPICS.readings.name}`;
  const health = createDependencyHealth(
    [
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [readingsTopic] })) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      conditionCheck('registry', 'not_caught_up', () => view.ready, 'registry view not caught up'),
    ],
    { logger },
  );

  const sink = createKafkaObservationSink(publisher, config.TOPIC_PREFIX, config.PUBLISH_QUEUE_LIMIT);
  const rejections = createCappedRejectionSink(createKafkaRejectionSink(publisher, config.TOPIC_PREFIX), {
    perSecond: config.REJECTIONS_PER_PEER_PER_S,
    burst: config.REJECTIONS_PER_PEER_BURST,
  });
  const devices = createRegistryDeviceDirectory(view);
  const counters = createIngestCounters();
  const throttle = createRateLimiterThrottle({
    redis,
    prefix: config.REDIS_PREFIX,
    limits: {
      addressPerSecond: config.ADDRESS_RATE_LIMIT_PER_S,
      devicePerSecond: config.DEVICE_RATE_LIMIT_PER_S,
      deviceBurst: config.DEVICE_RATE_LIMIT_BURST,
      failuresPerAddress: config.AUTH_FAILURES_PER_ADDRESS,
      failuresPerAddressAndMn: config.AUTH_FAILURES_PER_ADDRESS_MN,
      failuresPerMn: config.AUTH_FAILURES_PER_MN,
      failureWindowSeconds: config.AUTH_FAILURE_WINDOW_S,
    },
  });
  const authenticate = createAuthenticateDevice({ devices, credentials: createCredentialChecker({ ttlMs: config.CREDENTIAL_CACHE_TTL_S * 1000 }), throttle, counters });
  const memory = createBatchedObservationMemory(createRedisObservationMemory({ redis, prefix: config.REDIS_PREFIX, dedupeTtlSeconds: config.DEDUPE_TTL_SECONDS }), {
    rememberFlushMs: config.REMEMBER_FLUSH_MS,
  });
  const clock = systemClock;
  const store = createStoreObservations({ sink, memory, counters });
  const submitObservations = createSubmitObservations({ devices, authenticate, throttle, store, rejections, clock });
  const status = createKafkaStatusSink(publisher, config.TOPIC_PREFIX, config.PUBLISH_QUEUE_LIMIT);
  const clockDrift = createClockDriftTracker({ stepMs: config.CLOCK_DRIFT_STEP_MS });
  const acceptFrame = createAcceptFrame({ authenticate, throttle, store, rejections, status, clockDrift, clock, maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS });
  const links = createTrackDeviceLinks({ status, clock, clockDrift });
  const authenticator = createSubmitterAuthenticator(parseGatewayTokens(config.INGEST_GATEWAY_TOKENS));

  const hj212 = createHj212Listener({
    acceptFrame,
    rejections,
    devices,
    logger,
    maxConnections: config.HJ212_MAX_CONNECTIONS,
    idleTimeoutMs: config.HJ212_IDLE_TIMEOUT_MS,
    maxAuthFailures: config.HJ212_MAX_AUTH_FAILURES,
    backlogHighWater: config.BACKLOG_HIGH_WATER,
    backlogLowWater: config.BACKLOG_LOW_WATER,
    framesPerConnection: config.HJ212_FRAMES_PER_CONNECTION,
    links,
  });
  const grpc = createGrpcServer({ services: [createIngestGrpcService({ submitObservations, authenticator, logger })], logger });
  const http = createServer(createHttpApp({ submitObservations, authenticator, logger }));
  http.keepAliveTimeout = 65_000;

  const hj212Address = splitHostPort(config.HJ212_ADDRESS);
  await hj212.listen(hj212Address.port, hj212Address.host);
  await grpc.listen(config.GRPC_ADDRESS);
  await listenHttp(http, config.HTTP_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  logger.info({ http: config.HTTP_ADDRESS, hj212: config.HJ212_ADDRESS, grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS }, 'ingest listening');
  // grpc.health.v1 follows the dependencies, as /readyz does.
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'health follower', run: () => healthFollower.stop() },
      {
        name: 'listeners',
        run: () => Promise.all([hj212.close(), grpc.shutdown(config.SHUTDOWN_GRACE_MS), closeHttp(http)]),
      },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'device directory', run: () => devices.close() },
      { name: 'registry view', run: () => view.stop() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'redis memory', run: () => memory.flush() },
      { name: 'redis', run: () => redis.disconnect() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('ingest'));

import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, listenHttp, systemClock } from '@ecogrid/service-kit';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig } from './config';
import { createConsoleApp } from './app';
import { createUserTokens } from './adapters/auth/user-tokens';
import { createDispatchCases } from './adapters/grpc/dispatch-cases';
import { createAlertingAlerts } from './adapters/grpc/alerting-alerts';
import { createRegistryGrid } from './adapters/grpc/registry-grid';
import { createCreditRatings } from './adapters/grpc/credit-ratings';
import { createEmergencyDesks } from './adapters/grpc/emergency-desks';
import { createLiveFeed } from './adapters/kafka/live-feed';
import { createDeviceStateView } from './adapters/kafka/device-state-view';
import { createKafkaOperations } from './adapters/kafka/kafka-operations';
import { Redis } from 'ioredis';
import { createMemorySessionStore } from './adapters/sessions/memory-session-store';
import { createRedisSessionStore } from './adapters/sessions/redis-session-store';
import { createMemoryLoginThrottle } from './adapters/login-throttle/memory-login-throttle';
import { createRedisLoginThrottle } from './adapters/login-throttle/redis-login-throttle';
import { hashPassword, scryptPasswords } from './adapters/users/scrypt-passwords';
import { loadUsersFile } from './adapters/users/users-file';
import { createHttpApp } from './adapters/http/http-app';
import { createAdminProbes } from './adapters/probes/admin-probes';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const topics = topicNames(config.TOPIC_PREFIX);
  const tokens = createUserTokens({ secret: config.tokenSecret, issuer: config.STAFF_TOKEN_ISSUER, audience: config.STAFF_TOKEN_AUDIENCE });
  const cases = createDispatchCases({ grpcAddress: config.DISPATCH_GRPC_ADDRESS, httpUrl: config.DISPATCH_HTTP_URL, tokens });
  const alerts = createAlertingAlerts({ grpcAddress: config.ALERTING_GRPC_ADDRESS, tokens });
  const registry = createRegistryGrid({ grpcAddress: config.REGISTRY_GRPC_ADDRESS, tokens });
  const credit = createCreditRatings({ grpcAddress: config.CREDIT_GRPC_ADDRESS, tokens });
  const emergency = createEmergencyDesks({ grpcAddress: config.EMERGENCY_GRPC_ADDRESS, tokens });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();
  // Every instance serves its own browsers, so each needs every event: a group of its own, not one shared group.
  const instance = `${hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const liveGroup = `${consumerGroupName(config.TOPIC_PREFIX, 'console', 'live')}.${instance}`;
  const live = createLiveFeed({
    kafka,
    groupId: liveGroup,
    topics: { alerts: topics.alerts, cases: topics.cases, aqiHourly: topics.aqiHourly, emergency: topics.emergency },
    deadLetters: publisher,
    logger,
  });
  const devices = createDeviceStateView({
    kafka,
    groupPrefix: `${consumerGroupName(config.TOPIC_PREFIX, 'console', 'devices')}.${instance}`,
    topics: { devicesStatus: topics.devicesStatus, readings: topics.readings },
    logger,
  });
  devices.start().then(
    () => logger.info({ instance }, 'device view started'),
    (error: unknown) => {
      logger.fatal({ err: error }, 'device view could not start');
      process.exit(1);
    },
  );
  live.consumer.start().then(
    () => logger.info({ instance }, 'live feed joined'),
    (error: unknown) => {
      logger.fatal({ err: error }, 'live feed could not start');
      process.exit(1);
    },
  );

  // Several instances behind one address share their sessions through Redis; one instance may keep them in memory.
  const redis = config.SESSION_STORE === 'redis' && config.REDIS_URL ? new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }) : undefined;
  if (redis) await redis.connect();
  const sessions = redis
    ? createRedisSessionStore({ redis, prefix: config.REDIS_PREFIX, ttlSeconds: config.SESSION_TTL_SECONDS })
    : createMemorySessionStore({ ttlSeconds: config.SESSION_TTL_SECONDS, limit: config.SESSION_LIMIT });

  // Failed logins are counted where the sessions are: with Redis, every instance refuses what any has counted.
  const loginLimits = { maxFailures: config.LOGIN_MAX_FAILURES, windowMs: config.LOGIN_FAILURE_WINDOW_S * 1000 };
  const throttle = redis ? createRedisLoginThrottle({ redis, prefix: config.REDIS_PREFIX, ...loginLimits }) : createMemoryLoginThrottle(loginLimits);

  const app = createConsoleApp({
    users: loadUsersFile(config.usersFile),
    passwords: scryptPasswords,
    sessions,
    throttle,
    // An unknown username is checked against this, so it takes as long as a known one.
    decoyHash: await hashPassword(randomBytes(16).toString('hex')),
    cases,
    alerts,
    live: { onEvent: (listener) => { const stops = [live.onEvent(listener), devices.onEvent(listener)]; return () => stops.forEach((stop) => stop()); } },
    registry,
    mapTtlMs: config.MAP_CACHE_SECONDS * 1000,
    airQuality: alerts,
    kpis: cases,
    probes: createAdminProbes({ targets: config.OPERATOR_TARGETS }),
    kafkaOperations: createKafkaOperations({ admin, topicPrefix: config.TOPIC_PREFIX }),
    clock: systemClock,
    credit,
    devices,
    warnings: emergency.warnings,
    incidents: emergency.incidents,
    earlyWarnings: emergency.earlyWarnings,
  });

  const health = createDependencyHealth(
    [
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.cases] })) },
      conditionCheck('live-feed', 'not_in_group', () => live.consumer.joined, 'the live feed is not in its group'),
      conditionCheck('device-status', 'catching_up', () => devices.ready, 'the device status topic is not read to its end yet'),
      ...(redis ? [{ name: 'redis', check: async () => void (await redis.ping()) }] : []),
    ],
    { logger },
  );

  const http = createServer(
    createHttpApp({ app, logger, webRoot: config.WEB_ROOT, secureCookies: config.secureCookies, sessionTtlSeconds: config.SESSION_TTL_SECONDS, heartbeatMs: config.SSE_HEARTBEAT_MS }),
  );
  http.keepAliveTimeout = 65_000;
  await listenHttp(http, config.HTTP_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  logger.info({ http: config.HTTP_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS, secureCookies: config.secureCookies, sessions: config.SESSION_STORE }, 'console listening');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'live feed', run: () => live.consumer.stop(), timeoutMs: 3_000 },
      // The group was this instance's alone and no one resumes it; where the cluster does not let the console delete
      // it, Kafka expires its offsets after offsets.retention.minutes.
      { name: 'device view', run: () => devices.stop(), timeoutMs: 3_000 },
      { name: 'device view groups', run: () => admin.deleteGroups(devices.groups).catch((error: unknown) => logger.warn({ err: error, groups: devices.groups }, 'device view groups left for Kafka to expire')), timeoutMs: 3_000 },
      { name: 'live feed group', run: () => admin.deleteGroups([liveGroup]).catch((error: unknown) => logger.warn({ err: error, group: liveGroup }, 'live feed group left for Kafka to expire')), timeoutMs: 3_000 },
      // Event streams never end on their own: after a moment for requests in flight, their connections are cut
      // (browsers reconnect, to another instance if there is one).
      {
        name: 'listeners',
        run: async () => {
          const closing = closeHttp(http);
          setTimeout(() => http.closeAllConnections(), 1_000).unref();
          await closing;
        },
      },
      { name: 'grpc clients', run: () => (cases.close(), alerts.close(), registry.close(), credit.close(), emergency.close()) },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'redis', run: async () => void (await redis?.quit()) },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('console'));

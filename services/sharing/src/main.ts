import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, listenHttp, systemClock } from '@ecogrid/service-kit';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { loadConfig } from './config';
import { createSharingApp } from './app';
import { webhookLeaseMs } from './app/deliver-webhooks';
import { migrateSharingSchema } from './adapters/postgres/sharing-schema';
import { createPgPartnerStore } from './adapters/postgres/pg-partner-store';
import { createPgGrantStore } from './adapters/postgres/pg-grant-store';
import { createPgAccessView } from './adapters/postgres/pg-access-view';
import { createPgRecordStore } from './adapters/postgres/pg-record-store';
import { createPgAuditLog } from './adapters/postgres/pg-audit-log';
import { createUnaudited } from './adapters/audit/unaudited';
import { createRedisQuotas } from './adapters/redis/redis-quotas';
import { createInProcessSignal } from './adapters/signal/in-process-signal';
import { createPartnerTokens } from './adapters/auth/partner-tokens';
import { createFeedConsumer } from './adapters/kafka/feed-consumer';
import type { FeedKind } from './adapters/kafka/feed-records';
import { createHttpApp } from './adapters/http/http-app';
import { createPgWebhookStore } from './adapters/postgres/pg-webhook-store';
import { createHttpsWebhookSender } from './adapters/webhook/https-webhook-sender';
import { startWebhookLoop } from './adapters/scheduling/webhook-loop';
import { createKafkaReplay } from './adapters/kafka/kafka-replay';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const topics = topicNames(config.TOPIC_PREFIX);
  const staffTokens = verifierFromSettings(config);

  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.SHARING_SCHEMA, applicationName: `ecogrid-${config.SERVICE_NAME}`, max: 20, idleTimeoutMs: config.PG_POOL_IDLE_MS, logger });
  await migrateSharingSchema({ pool, schema: config.SHARING_SCHEMA, logger });
  // No auto-pipelining: a pull sends one Redis command at a time and pulls seldom share a tick, so it only wrapped
  // each command in a pipeline of one. The pull bench measured 50-100 µs less service CPU per request without it.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  await redis.connect();

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  await publisher.connect();
  const admin = kafka.admin();
  await admin.connect();

  const relay = createOutboxRelay({ pool, schema: config.SHARING_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'sharing', 'outbox-reconcile') });
  // Access events feed reports, not alarms: one relay pass per AUDIT_EVENTS_LINGER_MS gathers every access audited
  // meanwhile, where a pass per audited batch put the relay's PostgreSQL and Kafka round trips beside every answer.
  let relayNudged = false;
  const nudgeRelaySoon = (): void => {
    if (relayNudged) return;
    relayNudged = true;
    setTimeout(() => {
      relayNudged = false;
      relay.nudge();
    }, config.AUDIT_EVENTS_LINGER_MS).unref();
  };
  const audit = config.ACCESS_AUDIT === 'off' ? createUnaudited() : createPgAuditLog({
    pool,
    accessTopic: topics.sharingAccess,
    ...(config.AUDIT_CHAIN_KEY ? { chainKey: { id: config.AUDIT_CHAIN_KEY_ID, secret: config.AUDIT_CHAIN_KEY } } : {}),
    onEventsCommitted: nudgeRelaySoon,
    notifyRelays: () => !relay.isLeader,
  });
  const signal = createInProcessSignal();
  const clock = config.CLOCK_START ? startedClock(new Date(config.CLOCK_START)) : systemClock;
  const app = createSharingApp({
    partners: createPgPartnerStore(pool),
    grants: createPgGrantStore(pool),
    access: createPgAccessView(pool),
    records: createPgRecordStore(pool),
    audit,
    quotas: createRedisQuotas(redis, config.REDIS_PREFIX),
    signal,
    clock,
    defaultQuota: { requestsPerSecond: config.DEFAULT_REQUESTS_PER_SECOND, rowsPerDay: config.DEFAULT_ROWS_PER_DAY, pageCap: config.DEFAULT_PAGE_CAP },
    partnerTokens: createPartnerTokens(config.PARTNER_TOKEN_SECRET, config.PARTNER_TOKEN_TTL_SECONDS),
    webhooks: createPgWebhookStore(pool),
    webhookSender: createHttpsWebhookSender({ timeoutMs: config.WEBHOOK_TIMEOUT_MS, allowPrivateHosts: config.WEBHOOK_ALLOW_PRIVATE_HOSTS }),
    webhookPolicy: { attempts: config.WEBHOOK_ATTEMPTS, backoffMs: config.WEBHOOK_BACKOFF_MS },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    replay: createKafkaReplay({ kafka, topicPrefix: config.TOPIC_PREFIX, groupPrefix: `${consumerGroupName(config.TOPIC_PREFIX, 'sharing', 'replay')}.`, logger }),
  });
  relay.start();
  const webhookLoop = startWebhookLoop({
    deliver: app.deliverWebhooks,
    signal,
    pollMs: config.WEBHOOK_POLL_MS,
    leaseMs: webhookLeaseMs({ attempts: config.WEBHOOK_ATTEMPTS, backoffMs: config.WEBHOOK_BACKOFF_MS, timeoutMs: config.WEBHOOK_TIMEOUT_MS }, config.WEBHOOK_POLL_MS, config.WEBHOOK_LEASE_MIN_MS),
    logger: logger.child({ module: 'webhooks' }),
  });

  // Every shareable topic; device status is declared in the catalogue and fed once its topic exists.
  const feeds = new Map<string, FeedKind>([
    [topics.readings, 'readings'],
    [topics.alerts, 'alerts'],
    [topics.aqiHourly, 'aqiHourly'],
    [topics.cases, 'cases'],
    [topics.credit, 'credit'],
    [topics.registryEnterprises, 'registryEnterprises'],
    [topics.emergency, 'emergency'],
  ]);
  const feed = createFeedConsumer({ kafka, groupId: consumerGroupName(config.TOPIC_PREFIX, 'sharing', 'feeds'), topics: feeds, ingest: app.ingestRecords, deadLetters: publisher, logger });
  feed.start().then(
    () => logger.info({ topics: [...feeds.keys()] }, 'feed consumer joined'),
    (error: unknown) => {
      logger.fatal({ err: error }, 'feed consumer could not start');
      process.exit(1);
    },
  );

  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.sharingAccess] })) },
      conditionCheck('feeds', 'not_in_group', () => feed.joined, 'the feed consumer is not in its group'),
    ],
    { logger },
  );

  const http = createServer(createHttpApp({ app, staffTokens, logger }));
  http.keepAliveTimeout = 65_000;
  await listenHttp(http, config.HTTP_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  logger.info({ http: config.HTTP_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS, schema: config.SHARING_SCHEMA }, 'sharing listening');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'feed consumer', run: () => feed.stop(), timeoutMs: 3_000 },
      // Event streams never finish on their own: after a moment for pulls in flight, their connections are cut
      // (subscribers resume with Last-Event-ID elsewhere).
      {
        name: 'listeners',
        run: async () => {
          const closing = closeHttp(http);
          setTimeout(() => http.closeAllConnections(), 2_000).unref();
          await closing;
        },
      },
      { name: 'webhooks', run: () => webhookLoop.stop(), timeoutMs: 5_000 },
      { name: 'audit', run: () => audit.close() },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'redis', run: async () => void (await redis.quit()) },
      { name: 'postgres', run: () => pool.end() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

/** A clock that starts at `start` and runs at the real pace (CLOCK_START, tests only). */
function startedClock(start: Date): { now(): Date } {
  const offset = start.getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}

main().catch(exitOnStartFailure('sharing'));

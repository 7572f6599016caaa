import { telemetry } from './telemetry';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, TOPICS } from '@ecogrid/kafka';
import { createRegistryView } from '@ecogrid/registry-view';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp, splitHostPort, systemClock } from '@ecogrid/service-kit';
import type { Hj212Frame } from '@ecogrid/standards';
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
import { createCredentialChecker, keyRingFromSettings } from '@ecogrid/device-credentials';
import { readFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { createAuthInterceptor, createGrpcServer, type GrpcServiceBinding } from '@ecogrid/grpc';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createRunDeviceCommands, type DeviceLink } from './app/run-device-commands';
import { createSendCommand } from './app/send-command';
import { createGetCommand } from './app/get-command';
import { createListCommands } from './app/list-commands';
import { createSweepDeviceCommands } from './app/sweep-device-commands';
import { createCorrectDeviceClocks } from './app/correct-device-clocks';
import { migrateIngestSchema } from './adapters/postgres/ingest-schema';
import { createPgCommandStore } from './adapters/postgres/pg-command-store';
import { encodeCommandChanged } from './adapters/kafka/command-encoding';
import { createCommandRequestConsumer } from './adapters/kafka/command-request-consumer';
import { deviceControlBinding } from './adapters/grpc/device-control-service';
import { INGEST_ACCESS } from './adapters/grpc/device-control-access';
import { createDeviceControlCounters } from './adapters/metrics/device-control-counters';
import { createBackfillGaps } from './app/backfill-gaps';
import { createPgBackfillStore } from './adapters/postgres/pg-backfill-store';
import { createRedisLastDataTimes } from './adapters/redis/redis-last-data-times';
import { createBackfillCounters } from './adapters/metrics/backfill-counters';
import { createPgTransmissionLedger } from './adapters/postgres/pg-transmission-ledger';
import { createRecordTransmissions } from './app/record-transmissions';
import { createReadingsTransmissionConsumer } from './adapters/kafka/readings-transmission-consumer';
import { createGetTransmissionRates } from './app/get-transmission-rates';
import { createPublishDailyTransmissionRates } from './app/publish-daily-transmission-rates';
import { transmissionEncoder } from './adapters/kafka/transmission-encoding';
import { transmissionRateBinding } from './adapters/grpc/transmission-rate-service';

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

  /** Device control's pool, once it is up (health reads it). */
  let controlPool: { query(text: string): Promise<unknown> } | undefined;
  const admin = kafka.admin();
  await admin.connect();
  const readingsTopic = `${config.TOPIC_PREFIX}${TOPICS.readings.name}`;
  const health = createDependencyHealth(
    [
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [readingsTopic] })) },
      { name: 'redis', check: async () => void (await redis.ping()) },
      conditionCheck('registry', 'not_caught_up', () => view.ready, 'registry view not caught up'),
      ...(config.DATABASE_URL ? [{ name: 'postgres', check: async () => void (await controlPool?.query('SELECT 1')) }] : []),
    ],
    { logger },
  );

  // With device control (PostgreSQL) the transmission ledger is kept, from the minute and hour records' own topic.
  const sink = createKafkaObservationSink(publisher, config.TOPIC_PREFIX, config.PUBLISH_QUEUE_LIMIT, { records: Boolean(config.DATABASE_URL) });
  const rejections = createCappedRejectionSink(createKafkaRejectionSink(publisher, config.TOPIC_PREFIX), {
    perSecond: config.REJECTIONS_PER_PEER_PER_S,
    burst: config.REJECTIONS_PER_PEER_BURST,
  });
  const clock = systemClock;
  const keyLogger = logger.child({ module: 'device-keys' });
  const devices = createRegistryDeviceDirectory(view, {
    keyRing: keyRingFromSettings(config, (path) => readFileSync(path, 'utf8')),
    clock,
    graceMs: config.SM4_KEY_GRACE_MS,
    // Names the device and the KEK, never a key: its encrypted frames are refused as decrypt_failed meanwhile.
    onUnopenable: (mn, kekId) => keyLogger.warn({ mn, kekId }, 'device SM4 key does not open with the configured key-encryption keys'),
  });
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
  const store = createStoreObservations({ sink, memory, counters });
  const submitObservations = createSubmitObservations({ devices, authenticate, throttle, store, rejections, clock });
  const status = createKafkaStatusSink(publisher, config.TOPIC_PREFIX, config.PUBLISH_QUEUE_LIMIT);
  const clockDrift = createClockDriftTracker({ stepMs: config.CLOCK_DRIFT_STEP_MS });
  const links = createTrackDeviceLinks({ status, clock, clockDrift });
  const authenticator = createSubmitterAuthenticator(parseGatewayTokens(config.INGEST_GATEWAY_TOKENS));

  // Device control (反控) needs PostgreSQL: commands are stored, and published through the outbox, with every change.
  const control = await (async () => {
    const databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) return undefined;
    const verifier = verifierFromSettings(config);
    const pool = createServicePool({ databaseUrl, schema: config.INGEST_SCHEMA, applicationName: `ecogrid-${config.SERVICE_NAME}`, logger });
    controlPool = pool;
    await migrateIngestSchema({ pool, schema: config.INGEST_SCHEMA, logger });
    const relay = createOutboxRelay({ pool, schema: config.INGEST_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'ingest', 'outbox-reconcile') });
    const commandStore = createPgCommandStore({
      pool,
      topic: `${config.TOPIC_PREFIX}${TOPICS.devicesCommands.name}`,
      eventType: TOPICS.devicesCommands.payload,
      encodeChange: encodeCommandChanged,
      onEventsCommitted: () => relay.nudge(),
      notifyRelays: () => !relay.isLeader,
    });
    const controlLogger = logger.child({ module: 'device-control' });
    const controlCounters = createDeviceControlCounters();
    const runner = createRunDeviceCommands({
      store: commandStore,
      clock,
      onError: (error, where) => controlLogger.warn({ err: error, ...where }, 'device command step failed; left to the sweep'),
      onSent: (command, resend) => controlCounters.sent(command.commandCode, resend),
      keys: devices,
    });
    const sendCommand = createSendCommand({
      store: commandStore,
      devices,
      clock,
      newId: randomUUID,
      runner,
      keys: devices,
      defaults: {
        overTimeSeconds: config.COMMAND_OVER_TIME_S,
        reCount: config.COMMAND_RE_COUNT,
        maxQueued: config.COMMAND_QUEUE_PER_DEVICE,
        maxQueueMs: config.COMMAND_QUEUE_MAX_AGE_S * 1000,
      },
    });
    const clocks = createCorrectDeviceClocks({
      sendCommand,
      clock,
      thresholdMs: config.CLOCK_CORRECTION_THRESHOLD_MS,
      minIntervalMs: config.CLOCK_CORRECTION_INTERVAL_MS,
      onError: (error, mn) => controlLogger.warn({ err: error, mn }, 'clock correction not queued'),
    });
    const intervals = { minuteMs: config.MINUTE_RECORD_INTERVAL_MS, hourMs: config.HOUR_RECORD_INTERVAL_MS };
    const sweep = createSweepDeviceCommands({ store: commandStore, clock, graceMs: config.COMMAND_ABANDONED_GRACE_MS, batch: 200, runner });
    const backfill =
      config.BACKFILL_MAX_ATTEMPTS > 0
        ? createBackfillGaps({
            store: createPgBackfillStore(pool),
            commands: commandStore,
            sendCommand,
            clock,
            newId: randomUUID,
            intervals,
            limits: {
              minGapMs: config.BACKFILL_MIN_GAP_MS,
              maxLookbackMs: config.BACKFILL_MAX_LOOKBACK_MS,
              minuteChunkMs: config.BACKFILL_MINUTE_CHUNK_MS,
              hourChunkMs: config.BACKFILL_HOUR_CHUNK_MS,
            },
            policy: {
              maxAttempts: config.BACKFILL_MAX_ATTEMPTS,
              retryDelayMs: config.BACKFILL_RETRY_DELAY_MS,
              // By default past the device's next live minute record: alerting judges minute data that arrives behind a
              // newer one as late and evaluates it; minute data arriving in order is left to the real-time rules.
              delayMs: config.BACKFILL_DELAY_MS ?? config.MINUTE_RECORD_INTERVAL_MS + 60_000,
              missingCommandGraceMs: config.COMMAND_ABANDONED_GRACE_MS,
            },
            counters: createBackfillCounters(),
            onError: (error, where) => controlLogger.warn({ err: error, ...where }, 'back-fill step failed; left to the sweep'),
          })
        : undefined;
    const lastDataTimes = createRedisLastDataTimes({ redis, prefix: config.REDIS_PREFIX });
    // Transmission rates: a compact row per stored minute/hour record, read back from the records topic.
    const ledger = createPgTransmissionLedger({
      pool,
      topic: `${config.TOPIC_PREFIX}${TOPICS.devicesTransmission.name}`,
      eventType: TOPICS.devicesTransmission.payload,
      onEventsCommitted: () => relay.nudge(),
      notifyRelays: () => !relay.isLeader,
    });
    const transmissionConsumer = createReadingsTransmissionConsumer({
      kafka,
      groupId: consumerGroupName(config.TOPIC_PREFIX, 'ingest', 'transmission-records'),
      topic: `${config.TOPIC_PREFIX}${TOPICS.readingsRecords.name}`,
      record: createRecordTransmissions({ ledger, intervals, graceMs: { minute: 2 * intervals.minuteMs, hour: intervals.hourMs } }),
      deadLetters: publisher,
      logger,
    });
    const publishDaily = createPublishDailyTransmissionRates({ ledger, clock, hourMs: intervals.hourMs, encode: transmissionEncoder, settleMs: config.TRANSMISSION_PUBLISH_DELAY_MS, keepDays: config.TRANSMISSION_RECORDS_KEEP_DAYS });
    // Its own group per instance: every instance must see every request, to act on those of the devices it holds.
    const consumer = createCommandRequestConsumer({
      kafka,
      groupId: consumerGroupName(config.TOPIC_PREFIX, 'ingest', `device-commands-${randomBytes(6).toString('hex')}`),
      topic: `${config.TOPIC_PREFIX}${TOPICS.devicesCommands.name}`,
      deadLetters: publisher,
      logger,
      queued: (mn) => runner.queued(mn),
    });
    relay.start();
    await consumer.start();
    await transmissionConsumer.start();
    const publisherTimer = setInterval(() => {
      publishDaily().then(
        (published) => published && controlLogger.info(published, 'transmission rates of the day published'),
        (error: unknown) => controlLogger.warn({ err: error }, 'publishing the day\'s transmission rates failed'),
      );
    }, config.TRANSMISSION_PUBLISH_CHECK_MS);
    publisherTimer.unref();
    const sweeper = setInterval(() => {
      sweep().then(
        (ended) => {
          for (const command of ended) controlCounters.ended(command.state);
        },
        (error: unknown) => controlLogger.warn({ err: error }, 'device command sweep failed'),
      );
      backfill?.sweep(200).catch((error: unknown) => controlLogger.warn({ err: error }, 'back-fill sweep failed'));
    }, config.COMMAND_SWEEP_MS);
    sweeper.unref();
    return {
      pool,
      relay,
      consumer,
      runner,
      clocks,
      sweeper,
      publisherTimer,
      transmissionConsumer,
      // A device asking for a new key (HJ 212-2025 1014 SKCreateTime) is answered with a platform 1014 rotation.
      keyRequested: (frame: Hj212Frame) => {
        sendCommand({ deviceMn: frame.mn, commandCode: '1014', params: {}, origin: 'key_request', requestedBy: 'ingest', note: `现场机请求新密钥（1014，SKCreateTime=${frame.cp.params.SKCreateTime ?? ''}）` }).catch((error: unknown) =>
          controlLogger.warn({ err: error, mn: frame.mn }, 'key rotation the device asked for not queued'),
        );
      },
      rates: transmissionRateBinding({ rates: createGetTransmissionRates({ ledger, devices, clock, intervals }), logger }),
      backfill,
      backfillHooks: backfill && {
        // Never rejects: a first frame that is refused leaves its reading unread.
        probe: (mn: string) => lastDataTimes.newest(mn).catch(() => undefined),
        back: (mn: string, lastDataTime: Promise<Date | undefined>) => {
          lastDataTime
            .then((last) => backfill.deviceBack(mn, last))
            .catch((error: unknown) => controlLogger.warn({ err: error, mn }, 'back-fill not planned'));
        },
      },
      binding: deviceControlBinding({ sendCommand, getCommand: createGetCommand({ store: commandStore }), listCommands: createListCommands({ store: commandStore }), logger }),
      interceptor: createAuthInterceptor({ verifier, policy: INGEST_ACCESS, logger }),
      listener: {
        connected: (link: DeviceLink) => runner.connected(link),
        disconnected: (link: DeviceLink) => {
          runner.disconnected(link);
          clocks.forget(link.mn);
        },
      },
    };
  })();

  const acceptFrame = createAcceptFrame({
    authenticate,
    throttle,
    store,
    rejections,
    status,
    clockDrift,
    clock,
    maxFutureSkewMs: config.MAX_FUTURE_SKEW_MS,
    ...(control ? { commands: control.runner, clockCorrection: control.clocks, keyRequested: control.keyRequested } : {}),
  });

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
    keys: devices,
    ...(control ? { control: control.listener } : {}),
    ...(control?.backfillHooks ? { backfill: control.backfillHooks } : {}),
  });
  const grpcServices: GrpcServiceBinding[] = [createIngestGrpcService({ submitObservations, authenticator, logger })];
  if (control) grpcServices.push(control.binding, control.rates);
  const grpc = createGrpcServer({ services: grpcServices, logger, ...(control ? { interceptors: [control.interceptor] } : {}) });
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
      {
        name: 'device control',
        run: async () => {
          if (!control) return;
          clearInterval(control.sweeper);
          clearInterval(control.publisherTimer);
          await control.transmissionConsumer.stop();
          control.backfill?.stop();
          await control.consumer.stop();
          control.runner.stop();
          await control.runner.idle();
          await control.relay.stop();
          await control.pool.end();
        },
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

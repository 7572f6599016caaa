import { telemetry } from './telemetry';
import { createEventPublisher, createKafka, kafkaCredentialsFrom, topicNames } from '@ecogrid/kafka';
import { createAuthInterceptor, createGrpcServer } from '@ecogrid/grpc';
import { createOutboxRelay } from '@ecogrid/outbox';
import { createServicePool } from '@ecogrid/postgres';
import { createRegistryView } from '@ecogrid/registry-view';
import { closeHttp, conditionCheck, consumerGroupName, createAdminHttp, createDependencyHealth, followHealth, listenHttp } from '@ecogrid/service-kit';
import { verifierFromSettings } from '@ecogrid/staff-auth';
import { createLogger, exitOnStartFailure, stopOnSignals } from '@ecogrid/telemetry';
import { clockOf, loadConfig } from './config';
import { createCreditApp } from './app';
import { createRulesetCatalogue } from './domain/ruleset-catalogue';
import { SHIPPED_RULESETS } from './domain/rulesets';
import { migrateCreditSchema } from './adapters/postgres/credit-schema';
import { createPgCreditStore } from './adapters/postgres/pg-credit-store';
import { encodeRating } from './adapters/kafka/rating-event';
import { createEvidenceConsumer, toAlertInput, toCaseInput } from './adapters/kafka/evidence-consumers';
import { createRegistryEnterpriseDirectory } from './adapters/registry/registry-enterprise-directory';
import { creditGrpcService } from './adapters/grpc/credit-grpc-service';
import { CREDIT_ACCESS } from './adapters/grpc/credit-access';
import { readRulesetFile } from './adapters/rulesets/ruleset-file';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: config.SERVICE_NAME, level: config.LOG_LEVEL });
  const topics = topicNames(config.TOPIC_PREFIX);
  const extraRulesets = (config.CREDIT_RULESET_FILES ?? '').split(',').map((path) => path.trim()).filter(Boolean).map(readRulesetFile);
  const catalogue = createRulesetCatalogue([...SHIPPED_RULESETS, ...extraRulesets]);
  const clock = clockOf(config);
  const ruleset = catalogue.inForce(config.CREDIT_JURISDICTION, clock.now());
  logger.info({ jurisdiction: config.CREDIT_JURISDICTION, ruleset: ruleset.version, versions: catalogue.all.map((candidate) => candidate.version), clockStart: config.CREDIT_CLOCK_START }, 'credit ruleset in force');

  const pool = createServicePool({ databaseUrl: config.DATABASE_URL, schema: config.CREDIT_SCHEMA, max: config.PG_POOL_SIZE, applicationName: `ecogrid-${config.SERVICE_NAME}`, logger });
  await migrateCreditSchema({ pool, schema: config.CREDIT_SCHEMA, logger });

  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: config.SERVICE_NAME, logger, credentials: kafkaCredentialsFrom(config) });
  const publisher = createEventPublisher({ kafka, source: `/ecogrid/${config.SERVICE_NAME}` });
  const admin = kafka.admin();
  await Promise.all([publisher.connect(), admin.connect()]);

  // Only what credit reads: which enterprise a device belongs to, and the enterprises' names.
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, entities: ['device', 'enterprise'], groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'credit', 'registry-view') });
  const directory = createRegistryEnterpriseDirectory(registry);
  await registry.start();

  const relay = createOutboxRelay({ pool, schema: config.CREDIT_SCHEMA, publisher, kafka, logger, pollMs: config.OUTBOX_POLL_MS, readBackGroup: consumerGroupName(config.TOPIC_PREFIX, 'credit', 'outbox-reconcile') });
  const store = createPgCreditStore({ pool, creditTopic: topics.credit, encodeRating, onEventsCommitted: () => relay.nudge(), notifyRelays: () => !relay.isLeader });
  const app = createCreditApp({ store, directory, catalogue, jurisdiction: config.CREDIT_JURISDICTION, clock });
  relay.start();

  const consumerOptions = { kafka, deadLetters: publisher, logger, fromBeginning: config.EVIDENCE_FROM_BEGINNING, sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS };
  const alerts = createEvidenceConsumer({ ...consumerOptions, topic: topics.alerts, groupId: consumerGroupName(config.TOPIC_PREFIX, 'credit', 'alerts'), decode: toAlertInput, handle: app.handleAlertChanged });
  const cases = createEvidenceConsumer({ ...consumerOptions, topic: topics.cases, groupId: consumerGroupName(config.TOPIC_PREFIX, 'credit', 'cases'), decode: toCaseInput, handle: app.handleCaseChanged });
  // Joining a group can take a session timeout after a crash; the API does not wait for it, readiness does.
  for (const [name, consumer] of [['alerts', alerts], ['cases', cases]] as const) {
    consumer.start().then(
      () => logger.info({ consumer: name }, 'evidence consumer joined'),
      (error: unknown) => {
        logger.fatal({ err: error, consumer: name }, 'evidence consumer could not start');
        process.exit(1);
      },
    );
  }

  const health = createDependencyHealth(
    [
      { name: 'postgres', check: async () => void (await pool.query('SELECT 1')) },
      { name: 'kafka', check: async () => void (await admin.fetchTopicMetadata({ topics: [topics.credit, topics.alerts, topics.cases] })) },
      conditionCheck('registry', 'not_caught_up', () => registry.ready, 'registry view not caught up'),
      conditionCheck('alerts', 'not_in_group', () => alerts.joined, 'the alerts consumer is not in its group'),
      conditionCheck('cases', 'not_in_group', () => cases.joined, 'the cases consumer is not in its group'),
    ],
    { logger },
  );
  const grpc = createGrpcServer({
    interceptors: [createAuthInterceptor({ verifier: verifierFromSettings(config), policy: CREDIT_ACCESS, logger })],
    services: [creditGrpcService(app, logger)],
    logger,
  });
  await grpc.listen(config.GRPC_ADDRESS);
  const adminHttp = createAdminHttp({ health, handleMetrics: telemetry.handleMetrics, logger });
  await listenHttp(adminHttp, config.ADMIN_HTTP_ADDRESS);
  const healthFollower = followHealth(health, (serving) => grpc.setServing(serving));
  logger.info({ grpc: config.GRPC_ADDRESS, admin: config.ADMIN_HTTP_ADDRESS, schema: config.CREDIT_SCHEMA }, 'credit listening');

  stopOnSignals({
    logger,
    graceMs: config.SHUTDOWN_GRACE_MS,
    steps: [
      { name: 'health follower', run: () => healthFollower.stop() },
      { name: 'grpc health', run: () => grpc.setServing(false) },
      { name: 'evidence consumers', run: () => Promise.all([alerts.stop(), cases.stop()]), timeoutMs: 3_000 },
      { name: 'grpc', run: () => grpc.shutdown(config.SHUTDOWN_GRACE_MS) },
      { name: 'outbox relay', run: () => relay.stop() },
      { name: 'registry view', run: () => registry.stop(), timeoutMs: 3_000 },
      { name: 'kafka publisher', run: () => publisher.disconnect() },
      { name: 'kafka admin', run: () => admin.disconnect() },
      { name: 'postgres', run: () => pool.end() },
      { name: 'admin http', run: () => closeHttp(adminHttp) },
      { name: 'telemetry', run: () => telemetry.shutdown() },
    ],
  });
}

main().catch(exitOnStartFailure('credit'));

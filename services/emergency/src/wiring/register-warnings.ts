import { randomUUID } from 'node:crypto';
import { consumerGroupName } from '@ecogrid/service-kit';
import { createPruneWarningInputs, createWarningsApp } from '../app/warnings';
import { createPgWarningStore } from '../adapters/postgres/pg-warning-store';
import { encodeWarningEvent } from '../adapters/kafka/warning-events';
import { createWarningInputConsumer, toAqiHour, toObservation } from '../adapters/kafka/warning-consumers';
import { createRegistryEnterpriseDirectory } from '../adapters/registry/registry-enterprise-directory';
import { warningGrpcService } from '../adapters/grpc/warning-grpc-service';
import { WARNING_ACCESS } from '../adapters/grpc/warning-access';
import type { EmergencyContext, EmergencyPart } from './emergency-part';

/**
 * Heavy-pollution weather warnings: the reduction list, warnings issued or raised from the AQI triggers, the
 * obligations they activate, compliance from the outlets' readings, and the episode evaluation.
 */
export function registerWarnings(context: EmergencyContext): EmergencyPart {
  const { config, logger, relay, topics } = context;
  const log = logger.child({ module: 'warnings' });
  const store = createPgWarningStore({ pool: context.pool, encode: encodeWarningEvent(topics.emergency), onEventsCommitted: () => relay.nudge(), notifyRelays: () => !relay.isLeader });
  const app = createWarningsApp({ store, directory: createRegistryEnterpriseDirectory(context.registry), clock: context.clock, newId: randomUUID });

  const consumerOptions = { kafka: context.kafka, deadLetters: context.publisher, logger, fromBeginning: config.INPUTS_FROM_BEGINNING, sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS };
  const aqi = createWarningInputConsumer({ ...consumerOptions, topic: topics.aqiHourly, groupId: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'warnings-aqi'), decode: toAqiHour, handle: app.recordAqiHour });
  const readings = createWarningInputConsumer({ ...consumerOptions, topic: topics.readings, groupId: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'warnings-readings'), decode: toObservation, handle: app.recordReading });

  // Compliance on a timer, not per reading: an hour is judged once it has ended, whatever arrives when.
  let checking: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (checking) return;
    checking = app
      .checkCompliance()
      .then((breaches) => breaches > 0 && log.info({ breaches }, 'reduction obligations breached'))
      .catch((error: unknown) => log.error({ err: error }, 'compliance check failed'))
      .finally(() => (checking = undefined));
  }, config.COMPLIANCE_CHECK_MS);
  timer.unref();

  const prune = createPruneWarningInputs({
    store,
    clock: context.clock,
    retention: { outletHoursKeepDays: config.OUTLET_HOURS_KEEP_DAYS, aqiHoursKeepDays: config.AQI_HOURS_KEEP_DAYS, countedReadingsKeepDays: config.COUNTED_READINGS_KEEP_DAYS },
  });
  let pruning: Promise<unknown> | undefined;
  const pruneTimer = setInterval(() => {
    if (pruning) return;
    pruning = prune()
      .then((deleted) => log.info({ deleted }, 'warning inputs pruned'))
      .catch((error: unknown) => log.error({ err: error }, 'pruning warning inputs failed'))
      .finally(() => (pruning = undefined));
  }, config.PRUNE_CHECK_MS);
  pruneTimer.unref();

  return {
    name: 'warnings',
    grpcServices: [warningGrpcService(app, logger)],
    access: WARNING_ACCESS,
    consumers: [
      { name: 'warnings-aqi', consumer: aqi },
      { name: 'warnings-readings', consumer: readings },
    ],
    stop: async () => {
      clearInterval(timer);
      clearInterval(pruneTimer);
      await Promise.all([checking, pruning]);
    },
  };
}

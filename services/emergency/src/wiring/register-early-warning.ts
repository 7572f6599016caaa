import { consumerGroupName } from '@ecogrid/service-kit';
import { createReadEarlyWarnings } from '../app/early-warning/read-early-warnings';
import { createRecordReading } from '../app/early-warning/record-reading';
import { earlyWarningGrpcService } from '../adapters/grpc/early-warning-grpc-service';
import { EARLY_WARNING_ACCESS } from '../adapters/grpc/early-warning-access';
import { earlyWarningEvents } from '../adapters/kafka/early-warning-events';
import { createReadingsConsumer } from '../adapters/kafka/readings-consumer';
import { createPgEarlyWarningStore } from '../adapters/postgres/pg-early-warning-store';
import { createWatchedDevices } from '../adapters/registry/watched-devices';
import { earlyWarningPolicies, earlyWarningRules } from '../config';
import type { EmergencyContext, EmergencyPart } from './emergency-part';

/**
 * Early warning before a limit is crossed: readings of river sections, water sources and toxic-gas monitors are
 * forecast per series; warnings are raised and cleared through the outbox, with their evidence in PostgreSQL.
 */
export function registerEarlyWarning(context: EmergencyContext): EmergencyPart {
  const { config, logger, pool, kafka, publisher, registry, topics } = context;
  const store = createPgEarlyWarningStore({ pool, eventsOf: earlyWarningEvents(topics.emergency) });
  let forget: (deviceMn: string) => void = () => undefined;
  const watchedDevices = createWatchedDevices(registry, earlyWarningRules(config), (deviceMn) => forget(deviceMn));
  const recorder = createRecordReading({ store, watched: watchedDevices.watched, policies: earlyWarningPolicies(config) });
  forget = recorder.forget;
  const consumer = createReadingsConsumer({
    kafka,
    topic: topics.readings,
    groupId: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'early-warning'),
    record: recorder.recordReading,
    deadLetters: publisher,
    logger,
    fromBeginning: config.INPUTS_FROM_BEGINNING,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
    // With several instances a series' partition may have been another's since this one last held it: every
    // tracker is rebuilt from PostgreSQL after a rebalance instead of going on from what this instance remembers.
    onAssigned: () => recorder.forgetAll(),
  });
  return {
    name: 'early-warning',
    grpcServices: [earlyWarningGrpcService(createReadEarlyWarnings(store), logger)],
    access: EARLY_WARNING_ACCESS,
    consumers: [{ name: 'early-warning-readings', consumer }],
    stop: async () => watchedDevices.stop(),
  };
}

import { AlertChanged, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { createHandledConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { metrics } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import type { AlertInput, HandleAlertChanged } from '../../app/handle-alert-changed';
import type { AlertSeverity } from '../../domain/priority';
import { looksLikeConnectionLoss } from './postgres-outage';

const meter = metrics.getMeter('@ecogrid/dispatch');
const alertsIn = meter.createCounter('dispatch_alerts_total', { description: 'AlertChanged events handled, by outcome' });
const partitionsHeld = meter.createUpDownCounter('dispatch_alert_partitions_held', { description: 'Alert partitions held while PostgreSQL is unreachable' });

const STATE: Partial<Record<AlertState, AlertInput['state']>> = {
  [AlertState.ALERT_STATE_RAISED]: 'raised',
  [AlertState.ALERT_STATE_UPDATED]: 'updated',
  [AlertState.ALERT_STATE_CLEARED]: 'cleared',
};

const SEVERITY: Partial<Record<Severity, AlertSeverity>> = {
  [Severity.SEVERITY_INFO]: 'info',
  [Severity.SEVERITY_MINOR]: 'minor',
  [Severity.SEVERITY_MAJOR]: 'major',
  [Severity.SEVERITY_CRITICAL]: 'critical',
};

/** Decodes an ecogrid.alerts.v1 record; anything that cannot become a case is poison (dead-lettered). */
export function toAlertInput(event: ReceivedEvent): AlertInput {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'an alert record has no value');
  let alert: AlertChanged;
  try {
    alert = AlertChanged.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not an AlertChanged: ${(error as Error).message}`);
  }
  const state = STATE[alert.state];
  if (!state) throw new PoisonRecordError('bad_alert', `alert ${alert.alertId} has no state`);
  if (!alert.alertId || !alert.deviceMn || !alert.factorCode) throw new PoisonRecordError('bad_alert', 'an alert needs alert_id, device_mn and factor_code');
  return {
    eventId: event.attributes.id,
    alertId: alert.alertId,
    state,
    severity: SEVERITY[alert.severity] ?? 'minor',
    deviceMn: alert.deviceMn,
    factorCode: alert.factorCode,
    value: alert.value,
    limit: alert.limit,
    observationIds: alert.evidence.map((evidence) => evidence.observationId).filter(Boolean),
    nearbyTargetIds: alert.nearbyTargetIds,
    ...(alert.enterpriseUscc ? { enterpriseUscc: alert.enterpriseUscc } : {}),
    ...(alert.cellId ? { cellId: alert.cellId } : {}),
    ...(alert.townshipCode ? { townshipCode: alert.townshipCode } : {}),
    ...(alert.unit ? { unit: alert.unit } : {}),
    ...(alert.summary ? { summary: alert.summary } : {}),
    ...(alert.ruleId ? { ruleId: alert.ruleId } : {}),
    ...(alert.openedAt ? { openedAt: alert.openedAt } : {}),
    ...(alert.changedAt ? { changedAt: alert.changedAt } : {}),
  };
}

/**
 * Consumes ecogrid.alerts.v1. The handler's database transaction commits before the consumer commits the
 * offset, so a crash can only re-deliver, and redelivery is absorbed by the event-id and alert-id keys. While
 * PostgreSQL is unreachable the partitions are held (no offset moves, nothing is dead-lettered) and readiness says so.
 */
export function createAlertConsumer(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  handle: HandleAlertChanged;
  deadLetters: EventPublisher;
  logger: Logger;
  /** Whether PostgreSQL answers now: a failure while it does not is the outage's, not the record's. */
  databaseReachable: () => Promise<boolean>;
  /** Told when alert partitions start or stop being held (readiness follows it). */
  onHold?: (held: boolean) => void;
  /** How long the group waits for a crashed instance before its partitions move to the others. */
  sessionTimeoutMs?: number;
}): EventConsumer {
  let held = 0;
  return createHandledConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    fromBeginning: true,
    deadLetters: options.deadLetters,
    logger: options.logger,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    decode: toAlertInput,
    handle: (input) => options.handle(input),
    count: (outcome, attributes) => alertsIn.add(1, { outcome, ...attributes }),
    skippedOutcome: 'ignored',
    describe: (input) => `alert ${input.alertId}`,
    // PostgreSQL away: hold the partition until it is back (every alert would fail the same way, and dead-lettering
    // them would lose cases). Otherwise (serialization, deadlock) a bounded retry.
    database: { unavailable: async (error) => looksLikeConnectionLoss(error) || !(await options.databaseReachable()) },
    onHold: ({ held: now }) => {
      held += now ? 1 : -1;
      partitionsHeld.add(now ? 1 : -1);
      options.onHold?.(held > 0);
    },
  });
}

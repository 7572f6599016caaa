import { AlertChanged, AlertKind, AlertState } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged, CaseSource, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { createHandledConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { metrics } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import type { AlertInput, CaseInput } from '../../app';

const meter = metrics.getMeter('@ecogrid/credit');
const evidenceIn = meter.createCounter('credit_evidence_events_total', { description: 'Alert and case events handled, by topic and outcome' });

const ALERT_STATE: Partial<Record<AlertState, AlertInput['state']>> = {
  [AlertState.ALERT_STATE_RAISED]: 'raised',
  [AlertState.ALERT_STATE_UPDATED]: 'updated',
  [AlertState.ALERT_STATE_CLEARED]: 'cleared',
};

/** Decodes an ecogrid.alerts.v1 record; undefined for alerts that are not evidence against an enterprise. */
export function toAlertInput(event: ReceivedEvent): AlertInput | undefined {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'an alert record has no value');
  let alert: AlertChanged;
  try {
    alert = AlertChanged.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not an AlertChanged: ${(error as Error).message}`);
  }
  // Only permit-limit exceedances are evidence of an enterprise's conduct; ambient, offline and quality alerts are not.
  if (alert.kind !== AlertKind.ALERT_KIND_EMISSION_LIMIT && alert.kind !== AlertKind.ALERT_KIND_UNSPECIFIED) return undefined;
  const state = ALERT_STATE[alert.state];
  if (!state || !alert.alertId || !alert.deviceMn) throw new PoisonRecordError('bad_alert', 'an alert needs a state, alert_id and device_mn');
  const changedAt = alert.changedAt ?? new Date(event.timestamp);
  const multiple = alert.exceedanceMultiple > 0 ? alert.exceedanceMultiple : alert.limit > 0 ? Math.max(0, (Math.max(alert.value, alert.peakValue) - alert.limit) / alert.limit) : 0;
  return {
    eventId: event.attributes.id,
    alertId: alert.alertId,
    sequence: alert.sequence,
    state,
    deviceMn: alert.deviceMn,
    factorCode: alert.factorCode,
    ...(alert.enterpriseUscc ? { enterpriseUscc: alert.enterpriseUscc } : {}),
    multiple: Math.round(multiple * 10_000) / 10_000,
    openedAt: alert.openedAt ?? changedAt,
    changedAt,
  };
}

const CASE_STATUS: Partial<Record<CaseStatus, CaseInput['status']>> = {
  [CaseStatus.CASE_STATUS_REGISTERED]: 'registered',
  [CaseStatus.CASE_STATUS_DISPATCHED]: 'dispatched',
  [CaseStatus.CASE_STATUS_HANDLED]: 'handled',
  [CaseStatus.CASE_STATUS_VERIFIED]: 'verified',
  [CaseStatus.CASE_STATUS_CLOSED]: 'closed',
};
const CASE_SOURCE: Partial<Record<CaseSource, CaseInput['source']>> = {
  [CaseSource.CASE_SOURCE_ALERT]: 'alert',
  [CaseSource.CASE_SOURCE_COMPLAINT]: 'complaint',
  [CaseSource.CASE_SOURCE_PATROL]: 'patrol',
  [CaseSource.CASE_SOURCE_MANUAL]: 'manual',
};

/**
 * Decodes an ecogrid.cases.v1 record; undefined for cases against no enterprise, and for a drill's cases (演练): a
 * drilled reduction breach names a real enterprise, but it is no evidence against it.
 */
export function toCaseInput(event: ReceivedEvent): CaseInput | undefined {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'a case record has no value');
  let change: CaseChanged;
  try {
    change = CaseChanged.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not a CaseChanged: ${(error as Error).message}`);
  }
  if (!change.enterpriseUscc || change.drill) return undefined;
  if (!change.caseId) throw new PoisonRecordError('bad_case', 'a case event needs case_id');
  const occurredAt = change.occurredAt ?? new Date(event.timestamp);
  return {
    eventId: event.attributes.id,
    caseId: change.caseId,
    sequence: change.sequence,
    status: CASE_STATUS[change.status] ?? 'other',
    source: CASE_SOURCE[change.source] ?? 'other',
    enterpriseUscc: change.enterpriseUscc,
    occurredAt,
    createdAt: change.createdAt ?? occurredAt,
  };
}

/**
 * One consumer of an evidence topic. The handler's transaction commits before the offset does, so a crash can only
 * re-deliver, and a redelivery finds its source event id in the ledger and changes nothing.
 */
export function createEvidenceConsumer<Input>(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  decode: (event: ReceivedEvent) => Input | undefined;
  handle: (input: Input) => Promise<string>;
  deadLetters: EventPublisher;
  logger: Logger;
  fromBeginning: boolean;
  sessionTimeoutMs?: number;
}): EventConsumer {
  return createHandledConsumer({
    ...options,
    count: (outcome, attributes) => evidenceIn.add(1, { topic: options.topic, outcome, ...attributes }),
    skippedOutcome: 'not_evidence',
  });
}

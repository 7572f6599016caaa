import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { createHandledConsumer, PoisonRecordError, type EventConsumer, type EventPublisher, type ReceivedEvent } from '@ecogrid/kafka';
import { DomainError } from '@ecogrid/domain-errors';
import { metrics } from '@opentelemetry/api';
import type { Kafka } from 'kafkajs';
import type { Logger } from '@ecogrid/telemetry';
import type { HandleEmergencyCaseRequest } from '../../app/handle-emergency-case-request';
import { checkEmergencyCaseRequest, type EmergencyCaseKind as Kind, type EmergencyCaseRequest } from '../../domain/emergency-request';
import { looksLikeConnectionLoss } from './postgres-outage';

const meter = metrics.getMeter('@ecogrid/dispatch');
const requestsIn = meter.createCounter('dispatch_emergency_requests_total', {
  description: 'ecogrid.emergency.v1 records handled, by outcome (opened, duplicate, ignored, rejected) and, when rejected, the reason',
});

const KIND: Partial<Record<EmergencyCaseKind, Kind>> = {
  [EmergencyCaseKind.EMERGENCY_CASE_KIND_REDUCTION_BREACH]: 'reduction_breach',
  [EmergencyCaseKind.EMERGENCY_CASE_KIND_PLAN_TASK]: 'plan_task',
};

/**
 * Decodes an ecogrid.emergency.v1 record. Only EmergencyCaseRequested concerns dispatch: every other part of the
 * wrapper (warnings, incidents, forecasts) is `undefined`, to be passed over. A request that cannot become a case is
 * poison, with the specific reason as the dead letter's code.
 */
export function toEmergencyCaseRequest(event: ReceivedEvent): EmergencyCaseRequest | undefined {
  if (event.value === null) throw new PoisonRecordError('tombstone', 'an emergency record has no value');
  let wrapper: EmergencyEvent;
  try {
    wrapper = EmergencyEvent.decode(event.value);
  } catch (error) {
    throw new PoisonRecordError('bad_payload', `not an EmergencyEvent: ${(error as Error).message}`);
  }
  if (wrapper.event?.$case !== 'caseRequested') return undefined;
  const request = wrapper.event.value;
  const kind = KIND[request.kind];
  const checked = checkEmergencyCaseRequest({
    eventId: event.attributes.id,
    requestId: request.requestId,
    ...(kind ? { kind } : {}),
    drill: wrapper.drill,
    sourceId: request.sourceId,
    title: request.title,
    description: request.description,
    priority: request.priority,
    lon: request.lon,
    lat: request.lat,
    ...(request.cellId ? { cellId: request.cellId } : {}),
    ...(request.townshipCode ? { townshipCode: request.townshipCode } : {}),
    ...(request.enterpriseUscc ? { enterpriseUscc: request.enterpriseUscc } : {}),
    ...(request.assigneeOfficerId ? { assigneeOfficerId: request.assigneeOfficerId } : {}),
    ...(request.department ? { department: request.department } : {}),
    ...(request.deadline ? { deadline: request.deadline } : {}),
  });
  if (checked instanceof DomainError) throw new PoisonRecordError(checked.reason ?? 'bad_request', checked.message, { cause: checked });
  return checked;
}

/**
 * Consumes ecogrid.emergency.v1 in its own group (`<prefix>dispatch.emergency`) and opens the cases it asks for. As
 * on the alert path, the case commits before the offset does, so a crash only redelivers, and the request id's unique
 * key absorbs the redelivery; while PostgreSQL is unreachable the partitions are held, never dead-lettered.
 */
export function createEmergencyConsumer(options: {
  kafka: Kafka;
  topic: string;
  groupId: string;
  handle: HandleEmergencyCaseRequest;
  deadLetters: EventPublisher;
  logger: Logger;
  databaseReachable: () => Promise<boolean>;
  sessionTimeoutMs?: number;
}): EventConsumer {
  return createHandledConsumer({
    kafka: options.kafka,
    groupId: options.groupId,
    topic: options.topic,
    fromBeginning: true,
    deadLetters: options.deadLetters,
    logger: options.logger,
    ...(options.sessionTimeoutMs ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
    decode: toEmergencyCaseRequest,
    handle: (request) => options.handle(request),
    count: (outcome, attributes, request) => requestsIn.add(1, { outcome, ...attributes, ...(request?.drill ? { drill: 'true' } : {}) }),
    skippedOutcome: 'ignored',
    describe: (request) => `emergency request ${request.requestId}`,
    database: { unavailable: async (error) => looksLikeConnectionLoss(error) || !(await options.databaseReachable()) },
  });
}

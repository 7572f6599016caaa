import { TOPICS } from '@ecogrid/kafka';
import type { OutboxEvent } from '@ecogrid/outbox';
import { EmergencyCaseKind, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import type { WarningEvent } from '../../app/warnings';
import { evaluationMessage, LEVEL, obligationMessage, warningMessage } from './warning-wire';

/**
 * A warning event as its ecogrid.emergency.v1 record: keyed by the warning id (so an episode's events stay in
 * order), with a deterministic CloudEvents id, so a retried transaction cannot publish an event twice.
 */
export function encodeWarningEvent(emergencyTopic: string): (event: WarningEvent) => OutboxEvent {
  return (event) => {
    const base = { topic: emergencyTopic, type: TOPICS.emergency.payload, time: event.at };
    switch (event.kind) {
      case 'warning_changed':
        return {
          ...base,
          key: event.warning.warningId,
          id: `${event.warning.warningId}:${event.warning.sequence}`,
          payload: EmergencyEvent.encode({ drill: event.warning.drill, occurredAt: event.at, event: { $case: 'warningChanged', value: { warning: warningMessage(event.warning), change: event.change, previousLevel: event.previousLevel ? LEVEL[event.previousLevel] : 0 } } }).finish(),
        };
      case 'obligation_changed':
        return {
          ...base,
          key: event.obligation.warningId,
          id: `${event.obligation.obligationId}:${event.change}`,
          payload: EmergencyEvent.encode({ drill: event.drill, occurredAt: event.at, event: { $case: 'obligationChanged', value: { obligation: obligationMessage(event.obligation), change: event.change } } }).finish(),
        };
      case 'episode_evaluated':
        return {
          ...base,
          key: event.evaluation.warningId,
          id: `${event.evaluation.warningId}:evaluated`,
          payload: EmergencyEvent.encode({ drill: event.drill, occurredAt: event.at, event: { $case: 'episodeEvaluated', value: { evaluation: evaluationMessage(event.evaluation) } } }).finish(),
        };
      case 'case_requested': {
        const { request } = event;
        return {
          ...base,
          key: request.warningId,
          id: `case-requested:${request.requestId}`,
          payload: EmergencyEvent.encode({
            drill: event.drill,
            occurredAt: event.at,
            event: {
              $case: 'caseRequested',
              value: {
                requestId: request.requestId,
                kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_REDUCTION_BREACH,
                sourceId: request.warningId,
                title: request.title,
                description: request.description,
                cellId: request.place.cellId,
                townshipCode: request.place.townshipCode,
                lon: request.place.lon ?? 0,
                lat: request.place.lat ?? 0,
                enterpriseUscc: request.uscc,
                assigneeOfficerId: '',
                department: '',
                deadline: request.deadline,
                priority: request.priority,
              },
            },
          }).finish(),
        };
      }
    }
  };
}

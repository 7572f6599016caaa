import type { EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { EarlyWarningClearReason, earlyWarningClearReasonToJSON, EarlyWarningStatus } from '@ecogrid/proto/emergency/v1/early_warning';
import type { LiveEvent } from '../../domain/live-event';
import { earlyWarningView, incidentView, obligationView, warningLevelName, warningView } from './emergency-wire';

const iso = (date: Date | undefined): string | null => (date ? date.toISOString() : null);

/**
 * The live event an `EmergencyEvent` becomes in the browsers, or undefined for the parts the console does not push:
 * case requests (dispatch's; their cases arrive as cases), timeline rows (an incident change follows every step),
 * episode evaluations (read on the warning's page), and obligations other than breaches (a warning activates
 * thousands at once; the page reads them).
 */
export function emergencyLiveEvent(event: EmergencyEvent): LiveEvent | undefined {
  const part = event.event;
  const drill = event.drill;
  const occurredAt = iso(event.occurredAt);
  switch (part?.$case) {
    case 'warningChanged': {
      const warning = part.value.warning;
      if (!warning) return undefined;
      return { kind: 'warning', id: warning.warningId, data: { ...warningView(warning), change: part.value.change, previousLevel: warningLevelName(part.value.previousLevel), drill, occurredAt } };
    }
    case 'obligationChanged': {
      const obligation = part.value.obligation;
      if (!obligation || part.value.change !== 'breached') return undefined;
      return { kind: 'obligation', id: obligation.obligationId, data: { ...obligationView(obligation), change: part.value.change, drill, occurredAt } };
    }
    case 'incidentChanged': {
      const incident = part.value.incident;
      if (!incident) return undefined;
      return { kind: 'incident', id: incident.id, townshipCode: incident.townshipCode, data: { ...incidentView(incident), step: part.value.step, occurredAt } };
    }
    case 'earlyWarningRaised': {
      const raised = part.value;
      const view = earlyWarningView({
        warningId: raised.warningId,
        status: EarlyWarningStatus.EARLY_WARNING_STATUS_ACTIVE,
        evidence: raised.forecast,
        raisedAt: event.occurredAt,
        clearedAt: undefined,
        clearReason: EarlyWarningClearReason.EARLY_WARNING_CLEAR_REASON_UNSPECIFIED,
        cellId: raised.cellId,
        townshipCode: raised.townshipCode,
        messageZh: raised.messageZh,
        messageEn: raised.messageEn,
      });
      return { kind: 'early_warning', id: raised.warningId, townshipCode: raised.townshipCode, data: { ...view, change: 'raised', occurredAt } };
    }
    case 'earlyWarningCleared': {
      const cleared = part.value;
      // Placed like the raised one, so a supervisor who was shown the warning sees it end; the page drops it by id.
      const reason = earlyWarningClearReasonToJSON(cleared.reason).replace('EARLY_WARNING_CLEAR_REASON_', '').toLowerCase();
      return { kind: 'early_warning', id: cleared.warningId, townshipCode: cleared.townshipCode, data: { warningId: cleared.warningId, seriesId: cleared.seriesId, status: 'cleared', clearReason: reason, clearedAt: iso(cleared.clearedAt), change: 'cleared', occurredAt } };
    }
    default:
      return undefined;
  }
}

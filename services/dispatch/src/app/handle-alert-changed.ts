import { SYSTEM_ACTOR, type CaseState } from '../domain/case';
import { caseTypeOfAlert, maxPriority, decidePriority, type AlertSeverity } from '../domain/priority';
import { snapshotOf, type JsonObject } from '../domain/history-chain';
import { stepTimers } from '../domain/deadline-policy';
import { openCase } from './open-case';
import type { CaseTransaction } from './ports';
import { recordChange, recordFact, type DispatchRuntime } from './runtime';

/** An `ecogrid.alerting.v1.AlertChanged`, in dispatch's words. */
export interface AlertInput {
  /** The event's `ce_id`, for idempotency of redelivery. */
  eventId: string;
  alertId: string;
  state: 'raised' | 'updated' | 'cleared';
  severity: AlertSeverity;
  deviceMn: string;
  factorCode: string;
  enterpriseUscc?: string;
  cellId?: string;
  townshipCode?: string;
  value: number;
  limit: number;
  unit?: string;
  summary?: string;
  ruleId?: string;
  openedAt?: Date;
  changedAt?: Date;
  observationIds: string[];
  nearbyTargetIds: string[];
}

export type AlertOutcome = 'duplicate' | 'opened' | 'joined' | 'updated' | 'cleared' | 'ignored';

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, minor: 1, major: 2, critical: 3 };

function alertFacts(alert: AlertInput): JsonObject {
  return {
    alertId: alert.alertId,
    severity: alert.severity,
    deviceMn: alert.deviceMn,
    factorCode: alert.factorCode,
    value: alert.value,
    limit: alert.limit,
    ...(alert.unit ? { unit: alert.unit } : {}),
    ...(alert.ruleId ? { ruleId: alert.ruleId } : {}),
    ...(alert.summary ? { summary: alert.summary } : {}),
    observationIds: alert.observationIds,
  };
}

/**
 * Alerts become cases without a storm: a raised alert opens a case, or joins the open case of the same
 * device and factor; an update that worsens the severity raises the priority; a cleared alert is noted on
 * its case. Everything happens in one transaction with the event id recorded, and the open-case key and
 * the alert id are unique in the database, so a redelivered alert can never open a second case.
 */
export function createHandleAlertChanged(runtime: DispatchRuntime) {
  const link = (tx: CaseTransaction, caseId: string, alert: AlertInput, at: Date): Promise<void> =>
    tx.linkAlert(alert.alertId, caseId, alert.severity, { id: `alert:${alert.alertId}`, caseId, kind: 'alert', addedBy: SYSTEM_ACTOR.subject, addedAt: at, referenceId: alert.alertId });

  const raise = async (tx: CaseTransaction, alert: AlertInput): Promise<AlertOutcome> => {
    const now = runtime.clock.now();
    const open = await tx.findOpenAlertCase(alert.deviceMn, alert.factorCode);
    if (open) {
      await link(tx, open.id, alert, now);
      await recordFact(tx, open, 'alert_joined', SYSTEM_ACTOR, now, alertFacts(alert), { alertId: alert.alertId });
      await raisePriority(tx, open, alert, now);
      return 'joined';
    }
    const device = runtime.grid.device(alert.deviceMn);
    const enterpriseUscc = alert.enterpriseUscc || device?.enterpriseUscc;
    const cellId = alert.cellId || device?.cellId;
    const townshipCode = alert.townshipCode || device?.townshipCode;
    const caseType = caseTypeOfAlert(alert.factorCode, enterpriseUscc);
    const label = runtime.policy.caseTypes[caseType]?.label ?? caseType;
    const state = await openCase(tx, runtime, {
      source: 'alert',
      caseType,
      title: `${label}: ${alert.deviceMn} ${alert.factorCode}`,
      description: alert.summary || `${alert.factorCode} ${alert.value}${alert.unit ? ` ${alert.unit}` : ''} > ${alert.limit}`,
      ...(device?.location ? { location: { lon: device.location.lon, lat: device.location.lat } } : {}),
      ...(cellId ? { cellId } : {}),
      ...(townshipCode ? { townshipCode } : {}),
      ...(enterpriseUscc ? { enterpriseUscc } : {}),
      deviceMn: alert.deviceMn,
      factorCode: alert.factorCode,
      severity: alert.severity,
      knownNearbyTargetIds: alert.nearbyTargetIds,
      actor: SYSTEM_ACTOR,
      registration: alertFacts(alert),
      alertId: alert.alertId,
    });
    await link(tx, state.id, alert, now);
    return 'opened';
  };

  /** A worse severity raises the case's priority (never lowers it) and restarts the clock at the tighter limits. */
  const raisePriority = async (tx: CaseTransaction, state: CaseState, alert: AlertInput, now: Date): Promise<void> => {
    const wanted = decidePriority({ caseType: state.caseType, severity: alert.severity, nearbySensitiveTargets: [] }, runtime.policy).priority;
    const priority = maxPriority(state.priority, wanted);
    if (priority === state.priority) return;
    const next: CaseState = { ...state, priority, version: state.version + 1, updatedAt: now };
    if (next.step && next.stepStartedAt && next.stepDeadline && state.status !== 'suspended') {
      const tighter = stepTimers(runtime.policy, next.caseType, priority, next.step, next.stepStartedAt, runtime.timeScale).deadline;
      if (tighter.getTime() < next.stepDeadline.getTime()) next.stepDeadline = tighter;
    }
    await recordChange(tx, runtime, state, next, {
      action: 'reprioritised',
      actor: SYSTEM_ACTOR.subject,
      occurredAt: now,
      fromStatus: state.status,
      toStatus: state.status,
      details: { from: state.priority, to: priority, reason: `alert ${alert.alertId} is now ${alert.severity}`, state: snapshotOf(next) },
    }, { alertId: alert.alertId });
  };

  return async function handleAlertChanged(alert: AlertInput): Promise<AlertOutcome> {
    return runtime.store.transaction(async (tx) => {
      const { fresh, linked } = await tx.markAlertEventProcessed(alert.eventId, alert.alertId);
      if (!fresh) return 'duplicate';
      const now = runtime.clock.now();
      if (alert.state === 'cleared') {
        if (!linked) return 'ignored';
        const state = await tx.lockCase(linked.caseId);
        if (!state) return 'ignored';
        await recordFact(tx, state, 'alert_cleared', SYSTEM_ACTOR, now, alertFacts(alert), { alertId: alert.alertId });
        return 'cleared';
      }
      if (!linked) return raise(tx, alert);
      if (alert.state === 'raised') return 'duplicate';
      // Updated: only a change of severity is worth a history entry; the readings stream carries the rest.
      if (linked.severity === alert.severity) return 'ignored';
      const state = await tx.lockCase(linked.caseId);
      if (!state) return 'ignored';
      await tx.updateAlertSeverity(alert.alertId, alert.severity);
      await recordFact(tx, state, 'alert_updated', SYSTEM_ACTOR, now, { ...alertFacts(alert), previousSeverity: linked.severity }, { alertId: alert.alertId });
      if (SEVERITY_RANK[alert.severity] > SEVERITY_RANK[linked.severity as AlertSeverity] && state.status !== 'closed' && state.status !== 'merged') {
        const fresh = (await tx.lockCase(state.id)) ?? state;
        await raisePriority(tx, fresh, alert, now);
      }
      return 'updated';
    });
  };
}

export type HandleAlertChanged = ReturnType<typeof createHandleAlertChanged>;

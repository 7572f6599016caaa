import { facts } from '../domain/evidence';
import type { CreditRuntime } from './runtime';
import { appendAndRate } from './runtime';

/** An `ecogrid.alerting.v1.AlertChanged` of kind emission limit, in credit's words. */
export interface AlertInput {
  eventId: string;
  alertId: string;
  sequence: number;
  state: 'raised' | 'updated' | 'cleared';
  deviceMn: string;
  factorCode: string;
  enterpriseUscc?: string;
  /** 超标倍数 at the worst reading so far. */
  multiple: number;
  openedAt: Date;
  changedAt: Date;
}

export type AlertOutcome = 'recorded' | 'duplicate' | 'unattributed';

/**
 * An exceedance becomes evidence against the enterprise that owns the device (the alert's own USCC, else the
 * registry's device or outlet link). Every event of the episode is recorded; the engine counts the episode once.
 */
export function createHandleAlertChanged(runtime: CreditRuntime) {
  return async (alert: AlertInput): Promise<AlertOutcome> => {
    const owner = runtime.directory.ownerOfDevice(alert.deviceMn);
    const uscc = alert.enterpriseUscc || owner?.uscc;
    if (!uscc) return 'unattributed';
    const outcome = await appendAndRate(runtime, [
      {
        uscc,
        kind: 'exceedance',
        sourceEventId: alert.eventId,
        occurredAt: alert.changedAt,
        actor: 'alerting',
        facts: facts.exceedance({
          alertId: alert.alertId,
          alertSequence: alert.sequence,
          state: alert.state,
          deviceMn: alert.deviceMn,
          factorCode: alert.factorCode,
          ...(owner?.outletId ? { outletId: owner.outletId } : {}),
          multiple: alert.multiple,
          openedAt: alert.openedAt.toISOString(),
          changedAt: alert.changedAt.toISOString(),
        }),
      },
    ]);
    return outcome.duplicate ? 'duplicate' : 'recorded';
  };
}

export type HandleAlertChanged = ReturnType<typeof createHandleAlertChanged>;

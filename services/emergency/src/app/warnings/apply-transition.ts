import { activateObligations, endObligation, type Obligation } from '../../domain/warnings/obligation';
import type { Warning, WarningTransition } from '../../domain/warnings/warning';
import type { Actor, EnterpriseDirectory, WarningEvent, WarningTransaction } from './ports';

/**
 * Writes one change of an episode with everything it implies, in the caller's transaction: the open obligations
 * end, the new level's obligations start for every enterprise on the warning's reduction list, and every change
 * goes out as an event. All or nothing: a warning is never active without its measures.
 */
export async function applyTransition(input: { tx: WarningTransaction; directory: EnterpriseDirectory; transition: WarningTransition; actor: Actor; reason: string; now: Date }): Promise<Warning> {
  const { tx, transition, now } = input;
  let warning = transition.warning;
  const drill = warning.drill;
  const events: WarningEvent[] = [];
  if (transition.activate || transition.change === 'lifted') {
    const ended = (await tx.openObligations(warning.warningId)).map((obligation) => endObligation(obligation, now));
    await tx.updateObligations(ended);
    for (const obligation of ended) events.push({ kind: 'obligation_changed', obligation, change: obligation.status === 'carried_out' ? 'carried_out' : 'ended', drill, at: now });
  }
  let activated: Obligation[] = [];
  if (transition.activate) {
    const list = warning.listVersion > 0 ? await tx.reductionList(warning.listYear, warning.listVersion) : undefined;
    // An issued warning's measures start when it does (possibly later, or already passed); a level change's at once.
    const windowStart = transition.change === 'issued' ? warning.startsAt : now;
    activated = activateObligations({ warningId: warning.warningId, activation: warning.sequence, level: transition.activate, windowStart, entries: list?.entries ?? [], placeOf: (uscc) => input.directory.placeOf(uscc) });
    await tx.insertObligations(activated);
    warning = { ...warning, obligationCount: warning.obligationCount + activated.length };
  }
  await tx.saveWarning(warning, { change: transition.change, ...(transition.previousLevel ? { previousLevel: transition.previousLevel } : {}), actor: input.actor.subject, reason: input.reason, at: now });
  await tx.publish([
    { kind: 'warning_changed', warning, change: transition.change, ...(transition.previousLevel ? { previousLevel: transition.previousLevel } : {}), at: now },
    ...events,
    ...activated.map((obligation): WarningEvent => ({ kind: 'obligation_changed', obligation, change: 'activated', drill, at: now })),
  ]);
  return warning;
}

/** The China Standard Time calendar day of an instant, YYYY-MM-DD. */
export function chinaDay(at: Date | number): string {
  return new Date(new Date(at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}

/** The reduction list year an instant falls in (China Standard Time). */
export function chinaYear(at: Date | number): number {
  return Number(chinaDay(at).slice(0, 4));
}

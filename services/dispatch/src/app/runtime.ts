import { DomainError } from '@ecogrid/domain-errors';
import { inScope, type Actor, type CaseState } from '../domain/case';
import type { DeadlinePolicy } from '../domain/deadline-policy';
import { stepLimitMinutes } from '../domain/deadline-policy';
import type { HistoryDraft } from '../domain/case-machine';
import type { ChainKeyring, HistoryEntry, JsonObject } from '../domain/history-chain';
import { snapshotOf } from '../domain/history-chain';
import type { CaseStore, CaseTransaction, Clock, GridDirectory, TimerDraft } from './ports';

/** What every use case needs: the ports plus the policy. */
export interface DispatchRuntime {
  store: CaseStore;
  grid: GridDirectory;
  clock: Clock;
  policy: DeadlinePolicy;
  /** Multiplies every time limit; 1 in production, small in tests. */
  timeScale: number;
  caseIdPrefix: string;
  /** Radius in which sensitive targets raise a case's priority. */
  sensitiveRadiusM: number;
  /** The keys the history chain is verified with (HMAC; kept outside the database). */
  historyKeys: ChainKeyring;
}

/** The timers a case needs in its current state: reminder, overdue and second escalation of its step, or the end of a suspension. */
export function timersFor(state: CaseState, runtime: Pick<DispatchRuntime, 'policy' | 'timeScale'>, now: Date): TimerDraft[] {
  if (state.status === 'suspended') return state.suspendedUntil ? [{ kind: 'resume', dueAt: state.suspendedUntil }] : [];
  if (!state.step || !state.stepDeadline) return [];
  const limitMs = stepLimitMinutes(runtime.policy, state.caseType, state.priority, state.step) * 60_000 * runtime.timeScale;
  const deadline = state.stepDeadline.getTime();
  const timers: TimerDraft[] = [];
  const remindAt = deadline - limitMs * (1 - runtime.policy.remindAtFraction);
  if (remindAt > now.getTime()) timers.push({ kind: 'remind', dueAt: new Date(remindAt), step: state.step });
  timers.push({ kind: 'overdue', dueAt: state.stepDeadline, step: state.step });
  if (state.escalationLevel < 2) {
    timers.push({ kind: 'escalate_again', dueAt: new Date(deadline + limitMs * runtime.policy.secondEscalationAfterFraction), step: state.step });
  }
  return timers;
}

const clockChanged = (before: CaseState | undefined, after: CaseState): boolean =>
  before === undefined ||
  before.status !== after.status ||
  before.step !== after.step ||
  before.stepDeadline?.getTime() !== after.stepDeadline?.getTime() ||
  before.priority !== after.priority;

/** One change of a case: the state after it and its history entry. */
export interface ChangeStep {
  next: CaseState;
  draft: HistoryDraft;
}

/**
 * Persists state changes in the caller's transaction: the case row once, in its final state (checked
 * against the version it was read at), one hash-chained history entry and outbox event per step, and, when
 * the clock changed, the timers.
 */
export async function recordChanges(
  tx: CaseTransaction,
  runtime: Pick<DispatchRuntime, 'policy' | 'timeScale'>,
  before: CaseState | undefined,
  steps: readonly ChangeStep[],
  extras: { alertId?: string; evidenceSha256?: string } = {},
): Promise<HistoryEntry[]> {
  const last = steps[steps.length - 1];
  if (!last) return [];
  const next = last.next;
  if (before === undefined) await tx.insertCase(next);
  else if (next.version !== before.version) {
    const written = await tx.updateCase(next, before.version);
    if (!written) throw new DomainError('ABORTED', `case ${next.id} changed meanwhile; reload it and try again`, { reason: 'stale_version' });
  }
  const entries = await tx.appendHistory(
    next.id,
    steps.map((step) => ({ draft: step.draft, event: { state: step.next, ...extras } })),
  );
  if (clockChanged(before, next)) {
    const timers = timersFor(next, runtime, last.draft.occurredAt);
    if (before !== undefined || timers.length > 0) await tx.replaceTimers(next.id, timers);
  }
  return entries;
}

export async function recordChange(
  tx: CaseTransaction,
  runtime: Pick<DispatchRuntime, 'policy' | 'timeScale'>,
  before: CaseState | undefined,
  next: CaseState,
  draft: HistoryDraft,
  extras: { alertId?: string; evidenceSha256?: string } = {},
): Promise<HistoryEntry> {
  const [entry] = await recordChanges(tx, runtime, before, [{ next, draft }], extras);
  return entry as HistoryEntry;
}

/** Appends an entry that changes nothing in the case (a reminder, a joined alert, evidence) and publishes it. */
export async function recordFact(
  tx: CaseTransaction,
  state: CaseState,
  action: string,
  actor: Actor,
  at: Date,
  details: JsonObject,
  extras: { alertId?: string; evidenceSha256?: string } = {},
): Promise<HistoryEntry> {
  const [entry] = await tx.appendHistory(state.id, [
    {
      draft: { action, actor: actor.subject, occurredAt: at, fromStatus: state.status, toStatus: state.status, details: { ...details, state: snapshotOf(state) } },
      event: { state, ...extras },
    },
  ]);
  return entry as HistoryEntry;
}

/**
 * Whether the actor may see the case: officers their own, supervisors their township unit's (`inScope`). A case out of
 * scope is answered as not found, the same as a case that does not exist, so ids of other units' cases leak nothing.
 */
export function canSee(actor: Actor, state: CaseState): boolean {
  return inScope(actor, state);
}

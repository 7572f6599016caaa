import { DISTRICT_COMMAND_CENTER, SYSTEM_ACTOR } from '../domain/case';
import { applyAction } from '../domain/case-machine';
import type { DueTimer } from './ports';
import { supervisorAt } from './act-on-case';
import { recordChange, recordFact, type DispatchRuntime } from './runtime';

export type TimerOutcome = 'reminded' | 'escalated' | 'overdue_noted' | 'resumed' | 'stale';

/**
 * Fires the timers that are due, one transaction each: the timer is claimed with its case locked
 * (`FOR UPDATE SKIP LOCKED`), deleted and acted on in the same transaction, so with any number of dispatch
 * instances each reminder and escalation happens exactly once, and none is lost across restarts.
 */
export function createFireDueTimers(runtime: DispatchRuntime) {
  const fireOne = async (): Promise<{ timer: DueTimer; outcome: TimerOutcome } | undefined> =>
    runtime.store.transaction(async (tx) => {
      const now = runtime.clock.now();
      const timer = await tx.claimDueTimer(now);
      if (!timer) return undefined;
      if (!(await tx.deleteTimer(timer.id))) return { timer, outcome: 'stale' as const };
      const state = await tx.lockCase(timer.caseId);
      if (!state) return { timer, outcome: 'stale' as const };
      const context = { now, policy: runtime.policy, timeScale: runtime.timeScale };
      if (timer.kind === 'resume') {
        if (state.status !== 'suspended') return { timer, outcome: 'stale' as const };
        const transition = applyAction(state, { action: 'resume', actor: SYSTEM_ACTOR, note: 'the approved extension ended' }, context);
        await recordChange(tx, runtime, state, transition.next, transition.entry);
        return { timer, outcome: 'resumed' as const };
      }
      if (state.status === 'suspended' || state.step !== timer.step) return { timer, outcome: 'stale' as const };
      const facts = { step: timer.step ?? '', deadline: state.stepDeadline?.toISOString() ?? '' };
      if (timer.kind === 'remind') {
        await recordFact(tx, state, 'reminded', SYSTEM_ACTOR, now, { ...facts, remindedOfficer: state.assigneeOfficerId ?? '' });
        return { timer, outcome: 'reminded' as const };
      }
      const level = timer.kind === 'overdue' ? 1 : 2;
      if (state.escalationLevel >= level) {
        await recordFact(tx, state, 'overdue', SYSTEM_ACTOR, now, { ...facts, level: state.escalationLevel });
        return { timer, outcome: 'overdue_noted' as const };
      }
      const supervisor = level === 2 ? DISTRICT_COMMAND_CENTER : supervisorAt(runtime, state, level);
      const transition = applyAction(
        state,
        {
          action: 'escalate',
          actor: SYSTEM_ACTOR,
          escalation: { level, supervisorOfficerId: supervisor, reason: `${timer.step} step overdue since ${facts.deadline}` },
        },
        context,
      );
      await recordChange(tx, runtime, state, transition.next, { ...transition.entry, details: { ...transition.entry.details, overdue: true, step: facts.step, deadline: facts.deadline } });
      return { timer, outcome: 'escalated' as const };
    });

  /** Fires due timers until none is due or `max` have fired; returns what happened. */
  return async function fireDueTimers(max = 100): Promise<Array<{ timer: DueTimer; outcome: TimerOutcome }>> {
    const fired: Array<{ timer: DueTimer; outcome: TimerOutcome }> = [];
    while (fired.length < max) {
      const result = await fireOne();
      if (!result) break;
      fired.push(result);
    }
    return fired;
  };
}

export type FireDueTimers = ReturnType<typeof createFireDueTimers>;

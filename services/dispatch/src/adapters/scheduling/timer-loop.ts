import type { Logger } from '@ecogrid/telemetry';
import { metrics } from '@opentelemetry/api';
import type { FireDueTimers } from '../../app/fire-due-timers';

const meter = metrics.getMeter('@ecogrid/dispatch');
const firedCounter = meter.createCounter('dispatch_timers_fired_total', { description: 'Deadline timers fired, by kind and outcome' });

/** Polls for due deadline timers every `pollMs`; several instances may run it, each timer fires once. */
export function startTimerLoop(options: { fire: FireDueTimers; pollMs: number; logger: Logger }): { stop(): Promise<void> } {
  const logger = options.logger.child({ module: 'timer-loop' });
  let running = true;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    while (running) {
      try {
        const fired = await options.fire(200);
        for (const { timer, outcome } of fired) {
          firedCounter.add(1, { kind: timer.kind, outcome });
          if (outcome !== 'stale') logger.info({ caseId: timer.caseId, kind: timer.kind, outcome }, 'deadline timer fired');
        }
      } catch (error) {
        logger.warn({ err: error }, 'firing due timers failed; will retry');
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}

import type { Logger } from '@ecogrid/telemetry';
import type { RecordSignal } from '../../app/ports';

/**
 * Runs webhook delivery rounds: at once when records were stored, else every `pollMs`; a round that found work is
 * followed by another straight away. `leaseMs` (webhookLeaseMs) is several rounds long and renewed event by event, so
 * a stopped instance's subscriptions move on after it and a working one keeps them.
 */
export function startWebhookLoop(options: { deliver: (leaseMs: number) => Promise<number>; signal: RecordSignal; pollMs: number; leaseMs: number; logger: Logger }): { stop(): Promise<void> } {
  const abort = new AbortController();
  const { leaseMs } = options;
  const running = (async () => {
    while (!abort.signal.aborted) {
      let handled = 0;
      const seen = options.signal.version();
      try {
        handled = await options.deliver(leaseMs);
      } catch (error) {
        options.logger.warn({ err: error }, 'webhook round failed');
      }
      if (handled === 0) await options.signal.next(options.pollMs, abort.signal, seen);
    }
  })();
  return {
    stop: async () => {
      abort.abort();
      await running;
    },
  };
}

import type { Logger } from './logger';

/** One step of a service's shutdown, run after the previous one settled. */
export interface StopStep {
  /** Named in the log when the step fails or runs out of time. */
  name: string;
  run: () => unknown;
  /** A step that may hang (a consumer still joining its group) is given up after this long. */
  timeoutMs?: number;
}

export interface StopOnSignalsOptions {
  logger: Logger;
  /** How long the steps may take in all; past it (plus a margin) the process exits with 1 whatever is pending. */
  graceMs: number;
  steps: StopStep[];
  signals?: NodeJS.Signals[];
  /** For tests; the process's own by default. */
  exit?: (code: number) => void;
  process?: Pick<NodeJS.Process, 'on'>;
}

const FORCE_MARGIN_MS = 5_000;

/**
 * The shutdown every service shares: on the first SIGTERM or SIGINT, stop taking work, drain, close the clients
 * and flush telemetry, step by step in the order given. A failing step is logged and the rest still run, so one
 * broken client cannot keep the others (and the exported spans) from closing; the exit code says whether all
 * went well. A second signal while stopping changes nothing.
 */
export function stopOnSignals(options: StopOnSignalsOptions): { stop(reason: string): Promise<void> } {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping: Promise<void> | undefined;

  const runStep = async (step: StopStep): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      const work = Promise.resolve().then(step.run);
      const limit =
        step.timeoutMs === undefined
          ? undefined
          : new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no end within ${step.timeoutMs} ms`)), step.timeoutMs);
              timer.unref();
            });
      await (limit ? Promise.race([work, limit]) : work);
      return true;
    } catch (error) {
      options.logger.warn({ err: error, step: step.name }, 'shutdown step failed; carrying on');
      return false;
    } finally {
      if (timer) clearTimeout(timer);
    }
  };

  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      options.logger.info({ signal: reason }, 'shutting down');
      const force = setTimeout(() => exit(1), options.graceMs + FORCE_MARGIN_MS);
      force.unref();
      let allWell = true;
      for (const step of options.steps) allWell = (await runStep(step)) && allWell;
      clearTimeout(force);
      exit(allWell ? 0 : 1);
    })();
    return stopping;
  };

  const target = options.process ?? process;
  for (const signal of options.signals ?? ['SIGTERM', 'SIGINT']) target.on(signal, () => void stop(signal));
  return { stop };
}

/** For `main().catch(...)`: the reason a service could not start, on stderr (the logger may not exist yet), then exit 1. */
export function exitOnStartFailure(service: string): (error: unknown) => void {
  return (error) => {
    process.stderr.write(`${service} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  };
}

import type { Logger } from '@ecogrid/telemetry';

/**
 * A dependency that is down for a reason worth naming (`not_caught_up`, `not_in_group`). Any other failure of a
 * check is reported as `unreachable`, or `timeout`: raw error text can carry addresses, user names or SQL, so it
 * goes to the log, never to a probe's answer.
 */
export class DependencyDown extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'DependencyDown';
  }
}

/** One dependency's state, as /readyz and grpc.health.v1 report it. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ready' | 'not_ready';
  checks: Record<string, { ok: true } | { ok: false; reason: string }>;
}

export interface DependencyHealth {
  report(): Promise<HealthReport>;
}

/**
 * Checks dependencies at most once per `cacheMs`, so probes stay cheap however often a load balancer asks. Any
 * failing dependency makes the service not ready, never silently healthy. A failure is logged once when it starts
 * and once when it ends, with its error, not on every probe.
 */
export function createDependencyHealth(checks: DependencyCheck[], options: { logger: Logger; timeoutMs?: number; cacheMs?: number }): DependencyHealth {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 1_000;
  const logger = options.logger.child({ module: 'dependency-health' });
  const down = new Set<string>();
  let cached: { at: number; report: Promise<HealthReport> } | undefined;

  const probe = async (dependency: DependencyCheck): Promise<[string, HealthReport['checks'][string]]> => {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        dependency.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new DependencyDown('timeout', `no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (down.delete(dependency.name)) logger.info({ dependency: dependency.name }, 'dependency is back');
      return [dependency.name, { ok: true }];
    } catch (error) {
      const reason = error instanceof DependencyDown ? error.reason : 'unreachable';
      if (!down.has(dependency.name)) {
        down.add(dependency.name);
        logger.warn({ dependency: dependency.name, reason, err: error }, 'dependency is down');
      }
      return [dependency.name, { ok: false, reason }];
    } finally {
      clearTimeout(timer);
    }
  };

  const run = async (): Promise<HealthReport> => {
    const result: HealthReport['checks'] = Object.fromEntries(await Promise.all(checks.map(probe)));
    return { status: Object.values(result).every((entry) => entry.ok) ? 'ready' : 'not_ready', checks: result };
  };

  return {
    report: () => {
      const now = Date.now();
      if (!cached || now - cached.at > cacheMs) cached = { at: now, report: run() };
      return cached.report;
    },
  };
}

/** A check that fails with `reason` unless `condition()` holds (a view caught up, a consumer in its group). */
export function conditionCheck(name: string, reason: string, condition: () => boolean, message: string): DependencyCheck {
  return {
    name,
    check: async () => {
      if (!condition()) throw new DependencyDown(reason, message);
    },
  };
}

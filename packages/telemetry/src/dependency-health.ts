/** One dependency's state, as /readyz and grpc.health.v1 report it. */
export interface DependencyCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'healthy' | 'degraded';
  checks: Record<string, { ok: boolean; error?: string }>;
}

export interface DependencyHealth {
  report(): Promise<HealthReport>;
}

/**
 * Checks dependencies at most once per `cacheMs`: probes stay cheap however often a load balancer asks.
 * Any failing dependency makes the service degraded, never silently healthy.
 */
export function createDependencyHealth(checks: DependencyCheck[], options: { timeoutMs?: number; cacheMs?: number } = {}): DependencyHealth {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cacheMs = options.cacheMs ?? 1_000;
  let cached: { at: number; report: Promise<HealthReport> } | undefined;

  const run = async (): Promise<HealthReport> => {
    const entries = await Promise.all(
      checks.map(async (dependency) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            dependency.check(),
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
            }),
          ]);
          return [dependency.name, { ok: true }] as const;
        } catch (error) {
          return [dependency.name, { ok: false, error: error instanceof Error ? error.message : String(error) }] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    const result: HealthReport['checks'] = Object.fromEntries(entries);
    return { status: Object.values(result).every((entry) => entry.ok) ? 'healthy' : 'degraded', checks: result };
  };

  return {
    report: () => {
      const now = Date.now();
      if (!cached || now - cached.at > cacheMs) cached = { at: now, report: run() };
      return cached.report;
    },
  };
}

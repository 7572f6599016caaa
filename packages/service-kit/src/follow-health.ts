import type { DependencyHealth } from './dependency-health';

export interface HealthFollower {
  stop(): void;
}

/**
 * Keeps a serving flag — grpc.health.v1 of the service's gRPC server — on the same dependency report as `/readyz`:
 * NOT_SERVING while PostgreSQL, Kafka or Redis is down, SERVING once they are back. Checks at once, then every
 * `intervalMs`; `setServing` is called whenever the answer changes.
 */
export function followHealth(health: DependencyHealth, setServing: (serving: boolean) => void, intervalMs = 2_000): HealthFollower {
  let serving: boolean | undefined;
  let stopped = false;
  const check = (): void => {
    void health.report().then(
      (report) => {
        const now = report.status === 'ready';
        if (stopped || now === serving) return;
        serving = now;
        setServing(now);
      },
      () => {
        if (stopped || serving === false) return;
        serving = false;
        setServing(false);
      },
    );
  };
  check();
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return {
    stop: () => {
      stopped = true;
      clearInterval(timer);
    },
  };
}

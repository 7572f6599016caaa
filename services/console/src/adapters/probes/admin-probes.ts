import type { ServiceProbes, ServiceStatus } from '../../app/ports';
import { parsePrometheusText, watchedSamples } from '../../domain/prometheus-text';

/** `@ecogrid/service-kit`'s readiness report. */
interface ReadinessReport {
  status?: string;
  checks?: Record<string, { ok: boolean; reason?: string }>;
}

/**
 * Reads each service's admin listener: /readyz (200 ready, 503 naming what is not) and /metrics. A listener that
 * does not answer within the timeout is reported unreachable; one slow service does not hold up the others.
 */
export function createAdminProbes(options: { targets: ReadonlyArray<{ service: string; url: string }>; timeoutMs?: number }): ServiceProbes {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const probe = async (service: string, url: string): Promise<ServiceStatus> => {
    try {
      const [readiness, metrics] = await Promise.all([
        fetch(`${url}/readyz`, { signal: AbortSignal.timeout(timeoutMs) }),
        fetch(`${url}/metrics`, { signal: AbortSignal.timeout(timeoutMs) }).then((response) => (response.ok ? response.text() : '')),
      ]);
      const report = (await readiness.json().catch(() => ({}))) as ReadinessReport;
      const problems = Object.entries(report.checks ?? {})
        .filter(([, check]) => !check.ok)
        .map(([name, check]) => ({ name, reason: check.reason ?? 'not_ready' }));
      return { service, ready: readiness.status === 200, problems, samples: watchedSamples(parsePrometheusText(metrics)) };
    } catch {
      return { service, ready: false, problems: [{ name: 'admin listener', reason: 'unreachable' }], samples: [], unreachable: true };
    }
  };
  return { statuses: () => Promise.all(options.targets.map(({ service, url }) => probe(service, url))) };
}

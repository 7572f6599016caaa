import type { RequestListener, ServerResponse } from 'node:http';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void> | void;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

/**
 * The admin port: `/healthz` (the process answers), `/readyz` (503 naming every failing check: registry view
 * not caught up, consumer not in its group, Kafka or PostgreSQL unreachable), `/metrics` (Prometheus).
 * Checks run at most once a second however often a probe asks.
 */
export function createAdminHttp(deps: { checks: ReadinessCheck[]; handleMetrics: RequestListener; timeoutMs?: number }): RequestListener {
  const timeoutMs = deps.timeoutMs ?? 2_000;
  let cached: { at: number; report: Promise<{ ready: boolean; checks: Record<string, { ok: boolean; error?: string }> }> } | undefined;
  const run = async () => {
    const entries = await Promise.all(
      deps.checks.map(async (dependency) => {
        let timer: NodeJS.Timeout | undefined;
        try {
          await Promise.race([
            Promise.resolve().then(() => dependency.check()),
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
    return { ready: entries.every(([, result]) => result.ok), checks: Object.fromEntries(entries) };
  };
  return (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/healthz') return send(response, 200, { status: 'alive' });
    if (request.method === 'GET' && path === '/metrics') return deps.handleMetrics(request, response);
    if (request.method === 'GET' && path === '/readyz') {
      const now = Date.now();
      if (!cached || now - cached.at > 1_000) cached = { at: now, report: run() };
      void cached.report.then((report) => send(response, report.ready ? 200 : 503, report));
      return;
    }
    send(response, 404, { error: { reason: 'not_found', message: `no route ${request.method} ${path}` } });
  };
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { createLogger } from '@ecogrid/telemetry';
import { closeHttp, createAdminHttp, createDependencyHealth, listenHttp } from '../src';

describe('admin listener', () => {
  let server: Server;
  let base: string;
  let kafkaUp = true;

  beforeAll(async () => {
    const logger = createLogger({ service: 'admin-test', level: 'silent' });
    const health = createDependencyHealth(
      [
        {
          name: 'kafka',
          check: async () => {
            if (!kafkaUp) throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
          },
        },
      ],
      { logger, cacheMs: 0 },
    );
    server = createAdminHttp({ health, logger, handleMetrics: (_request, response) => response.end('# HELP up 1\nup 1\n') });
    base = `http://127.0.0.1:${await listenHttp(server, '127.0.0.1:0')}`;
  });

  afterAll(async () => {
    await closeHttp(server);
  });

  it('answers liveness, readiness that names the dependency down without its error, and metrics', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'alive' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    kafkaUp = false;
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    const text = await notReady.text();
    expect(JSON.parse(text)).toEqual({ status: 'not_ready', checks: { kafka: { ok: false, reason: 'unreachable' } } });
    expect(text).not.toContain('ECONNREFUSED');
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('up 1');
  });

  it('answers anything else with a coded error', async () => {
    const missing = await fetch(`${base}/v1/cases`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
    const post = await fetch(`${base}/readyz`, { method: 'POST' });
    expect(post.status).toBe(405);
  });
});

import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AlertChanged, AlertKind, AlertState, Severity } from '@ecogrid/proto/alerting/v1/events';
import { createEventPublisher, TOPICS } from '@ecogrid/kafka';
import { waitFor } from '@ecogrid/testkit';
import { startConsoleProcess, startPlatform, type ConsoleProcess, type ConsoleUser } from '@ecogrid/e2e';
import type { BenchMetrics, BenchModule } from './bench-types';

const PAGE_LOADS = 5;
const EVENTS = 200;
const EVENT_RATE_PER_S = 5;
const SSE_SESSIONS = 50;
const DISPATCHER: ConsoleUser = { username: 'dispatcher', password: 'bench-dispatcher-pass', displayName: '调度员', role: 'dispatcher' };

const percentileOf = (sorted: number[], p: number): number => (sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number));
const median = (values: number[]): number => percentileOf([...values].sort((a, b) => a - b), 0.5);
const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN) / 1024;

async function logIn(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name=username]', DISPATCHER.username);
  await page.fill('input[name=password]', DISPATCHER.password);
  await page.click('button[type=submit]');
  await page.locator('[data-testid=who]').waitFor();
}

async function sessionCookie(baseUrl: string): Promise<string> {
  const answer = await fetch(`${baseUrl}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: DISPATCHER.username, password: DISPATCHER.password }) });
  if (answer.status !== 200) throw new Error(`login answered ${answer.status}`);
  return (answer.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

/**
 * The console in Debian's Chromium, against the real registry, ingest, alerting and dispatch: (1) first contentful
 * paint of the case board for a logged-in dispatcher (median of 5 fresh loads); (2) the map's 1,237 cells and 21
 * township outlines from the layers in hand to their first paint (the fetch excluded), median of 5; (3) an alert
 * published to Kafka until its row is in the alerts page's DOM (a MutationObserver reports it to the bench), 200
 * alerts at 5/s, p50/p99; (4) the console's resident memory with 50 logged-in sessions each holding an open
 * Server-Sent Events stream while those alerts flow.
 */
const bench: BenchModule = {
  title: 'Console: first paint, cell layer, event to screen, memory with 50 SSE sessions',
  needs: ['kafka', 'postgres', 'redis'],
  async run(): Promise<BenchMetrics> {
    const platform = await startPlatform('bench_console');
    let consoleProcess: ConsoleProcess | undefined;
    let browser: Browser | undefined;
    const streams: AbortController[] = [];
    try {
      consoleProcess = await startConsoleProcess(platform, [DISPATCHER]);
      const { baseUrl } = consoleProcess;
      browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await logIn(page, baseUrl);

      const paints: number[] = [];
      for (let load = 0; load < PAGE_LOADS; load += 1) {
        const fresh = await context.newPage();
        await fresh.goto(`${baseUrl}/#/`);
        await fresh.locator('.column[data-status=dispatched]').waitFor();
        paints.push(await waitFor(() => fresh.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime), { description: 'first contentful paint' }));
        await fresh.close();
      }

      const renders: number[] = [];
      for (let load = 0; load < PAGE_LOADS; load += 1) {
        const map = await context.newPage();
        await map.goto(`${baseUrl}/#/map`);
        const drawn = map.locator('[data-testid=map][data-render-ms]');
        await drawn.waitFor({ timeout: 60_000 });
        if ((await drawn.getAttribute('data-cells-drawn')) !== '1237') throw new Error('the map did not draw 1,237 cells');
        renders.push(Number(await drawn.getAttribute('data-render-ms')));
        await map.close();
      }

      for (let session = 0; session < SSE_SESSIONS; session += 1) {
        const cookie = await sessionCookie(baseUrl);
        const controller = new AbortController();
        streams.push(controller);
        const response = await fetch(`${baseUrl}/api/events`, { headers: { cookie }, signal: controller.signal });
        if (response.status !== 200 || !response.body) throw new Error(`event stream answered ${response.status}`);
        // Read and drop, as a browser would: a stream nobody reads would only fill buffers.
        void response.body.pipeTo(new WritableStream()).catch(() => undefined);
      }

      const seen = new Map<string, number>();
      await page.exposeBinding('__alertShown', (_source, alertId: string) => void (seen.has(alertId) || seen.set(alertId, performance.now())));
      await page.goto(`${baseUrl}/#/alerts`);
      await page.locator('.alerts .filters').waitFor();
      // Page code as text: this package is typed for Node, not the DOM.
      await page.evaluate(`new MutationObserver((changes) => {
        for (const change of changes) for (const node of change.addedNodes) if (node.dataset && node.dataset.alertId) window.__alertShown(node.dataset.alertId);
      }).observe(document.body, { childList: true, subtree: true })`);
      const publisher = createEventPublisher({ kafka: platform.kafka, source: '/ecogrid/bench' });
      await publisher.connect();
      const sentAt = new Map<string, number>();
      const started = performance.now();
      let peakRss = 0;
      for (let index = 0; index < EVENTS; index += 1) {
        const due = started + (index * 1000) / EVENT_RATE_PER_S;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const alertId = `bench-console-${index}`;
        const alert = AlertChanged.fromPartial({
          alertId,
          state: AlertState.ALERT_STATE_RAISED,
          severity: Severity.SEVERITY_MINOR,
          kind: AlertKind.ALERT_KIND_UNSPECIFIED,
          deviceMn: `BENCHCONSOLE${String(index).padStart(6, '0')}`,
          factorCode: 'a21026',
          value: 50,
          limit: 35,
          summary: '基准测试告警',
          sequence: 1,
          changedAt: new Date(),
        });
        sentAt.set(alertId, due);
        void publisher.publish({ topic: platform.topics.alerts, key: alert.deviceMn, value: Buffer.from(AlertChanged.encode(alert).finish()), type: TOPICS.alerts.payload, id: `${alertId}:1` });
        if (index % 20 === 0) peakRss = Math.max(peakRss, rssMiB(consoleProcess.process.pid));
      }
      await waitFor(() => seen.size >= EVENTS || undefined, { timeoutMs: 30_000, description: `${EVENTS} alert rows` }).catch(() => undefined);
      peakRss = Math.max(peakRss, rssMiB(consoleProcess.process.pid));
      await publisher.disconnect();
      const latencies = [...sentAt].filter(([id]) => seen.has(id)).map(([id, at]) => (seen.get(id) as number) - at).sort((a, b) => a - b);
      const missed = EVENTS - latencies.length;
      return {
        console_first_contentful_paint_ms: { value: Math.round(median(paints)), unit: 'ms', target: '<= 1500', note: `case board for a logged-in dispatcher, median of ${PAGE_LOADS} fresh page loads in Chromium` },
        console_cell_layer_render_ms: { value: Math.round(median(renders)), unit: 'ms', target: '<= 300', note: `1,237 cells + 21 township outlines, from the layers in hand to their first paint, median of ${PAGE_LOADS}` },
        console_event_to_screen_p50_ms: { value: Math.round(percentileOf(latencies, 0.5)), unit: 'ms', note: `${EVENTS} alerts at ${EVENT_RATE_PER_S}/s from Kafka to their row in the alerts page, ${SSE_SESSIONS} other SSE sessions open` },
        console_event_to_screen_p99_ms: { value: Math.round(percentileOf(latencies, 0.99)), unit: 'ms', target: '<= 500', note: `same run; rows not shown within 30 s: ${missed}` },
        console_rss_50_sse_sessions_mib: { value: Math.round(peakRss), unit: 'MiB', target: '< 200', note: `peak VmRSS of the console process with ${SSE_SESSIONS} logged-in sessions streaming events and one browser` },
      };
    } finally {
      for (const stream of streams) stream.abort();
      await browser?.close();
      await consoleProcess?.process.stop();
      await platform.stop();
    }
  },
};

export default bench;

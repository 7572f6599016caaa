/**
 * The 应急 page in a real browser (Debian's Chromium through playwright-core) in front of the real platform — registry
 * with the Yanhu demo, ingest, alerting, dispatch and emergency (the demo's plans and reduction list), each the built
 * service in its own process: a dispatcher sees a warning issued through WarningService arrive live in its level's
 * colour with the obligations it put on enterprises; sees an incident proposed from a real HJ 212 frame at the
 * 东孙坞 water source arrive live among the proposals; opens it — targets and resources nearest first, the timeline
 * verified —, declares it and activates its plan, whose tasks become dispatch cases; a drill is marked 演练; an
 * analyst sees all of it with no command action, and is refused by the service when trying anyway; a timeline row
 * altered in PostgreSQL is named on the page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Hj212Frame } from '@ecogrid/standards';
import { createGrpcClient } from '@ecogrid/grpc';
import { IssueWarningRequest, WarningLevel, WarningServiceClient, type IssueWarningResponse } from '@ecogrid/proto/emergency/v1/warnings';
import { DeclareIncidentRequest, IncidentKind, IncidentLevel, IncidentServiceClient, type DeclareIncidentResponse } from '@ecogrid/proto/emergency/v1/incidents';
import { waitFor } from '@ecogrid/testkit';
import { ammoniaFrame, sendHj212Frames, startConsoleProcess, startPlatform, tamperIncidentTimeline, testStaffToken, type ConsoleProcess, type ConsoleUser, type Platform } from '@ecogrid/e2e';
import { launchChromium, watchPage, type PageWatch } from './support/browser';
import { colourOnlyMarks, scrollsSideways, seriousAxeViolations, walkWithTab } from './support/usability';

/** services/registry/data/yanhu/emergency-demo.ts: the 东孙坞 water-source station, NH3-N limit 1.0 mg/L (GB 3838 III). */
const STATION = { mn: '140802SZ0200000000000D01', password: 'D5W01A' };

/** One minute frame of the station over real TCP; resolves with ingest's 9014 (Kafka has the reading). */
async function sendAmmonia(port: number, at: Date, ammonia: number): Promise<Hj212Frame> {
  const [reply] = await sendHj212Frames(port, [ammoniaFrame(STATION, at, ammonia)]);
  if (!reply) throw new Error('no reply');
  return reply;
}

async function asDispatcher(): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await testStaffToken({ role: 'dispatcher', sub: 'console-emergency-test' })}`);
  return metadata;
}

describe('console 应急: warnings, incidents and their timeline for the command center', () => {
  let platform: Platform;
  let web: ConsoleProcess;
  let browser: Browser;
  let dispatcherContext: BrowserContext;
  let page: Page;
  let watch: PageWatch;
  let incidentId = '';
  const users: Record<'dispatcher' | 'analyst', ConsoleUser> = {
    dispatcher: { username: 'dispatcher', password: 'dispatcher-test-pass', displayName: '调度员 张伟', role: 'dispatcher' },
    analyst: { username: 'analyst', password: 'analyst-test-pass', displayName: '分析员 李娜', role: 'analyst' },
  };

  const logIn = async (target: Page, user: ConsoleUser): Promise<void> => {
    await target.goto(`${web.baseUrl}/`);
    await target.fill('input[name=username]', user.username);
    await target.fill('input[name=password]', user.password);
    await target.click('button[type=submit]');
    await target.locator('[data-testid=who]').waitFor();
  };

  beforeAll(async () => {
    platform = await startPlatform('console_emergency', { emergency: true });
    web = await startConsoleProcess(platform, Object.values(users));
    browser = await launchChromium();
  }, 420_000);

  afterAll(async () => {
    await browser?.close();
    await web?.process.stop();
    await platform?.stop();
  });

  it('answers 401 to the emergency routes without a session', async () => {
    for (const [method, path] of [
      ['GET', '/api/emergency/warnings'],
      ['GET', '/api/emergency/warnings/HPW-1'],
      ['POST', '/api/emergency/warnings'],
      ['POST', '/api/emergency/warnings/HPW-1/lift'],
      ['GET', '/api/emergency/incidents'],
      ['GET', '/api/emergency/incidents/INC-1'],
      ['POST', '/api/emergency/incidents/INC-1/actions'],
      ['GET', '/api/emergency/early-warnings'],
    ] as const) {
      const response = await fetch(`${web.baseUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(method === 'POST' ? { body: '{}' } : {}) });
      expect(`${method} ${path} ${response.status}`).toBe(`${method} ${path} 401`);
    }
  });

  it('shows the dispatcher a warning issued through WarningService live, in its colour, with the obligations it put on enterprises', async () => {
    dispatcherContext = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    page = await dispatcherContext.newPage();
    watch = await watchPage(page);
    // The live stream opens as soon as the user is logged in.
    const streaming = page.waitForResponse((response) => response.url().endsWith('/api/events'));
    await logIn(page, users.dispatcher);
    await streaming;
    await page.click('nav a[href="#/emergency"]');
    await page.locator('[data-testid=no-warning]').waitFor();
    // The dispatcher's role may issue: the form is there (the warning itself comes through the service's API here).
    await page.locator('button[data-action=issue-warning]').waitFor();

    const warnings = createGrpcClient(WarningServiceClient, platform.emergency?.grpcAddress ?? '');
    const metadata = await asDispatcher();
    const issued = await new Promise<IssueWarningResponse>((resolve, reject) =>
      warnings.issueWarning(
        IssueWarningRequest.fromPartial({ level: WarningLevel.WARNING_LEVEL_ORANGE, startsAt: new Date(), expectedEndAt: new Date(Date.now() + 72 * 3_600_000), reason: '运城市重污染天气应急指挥部办公室〔测试〕12号' }),
        metadata,
        (error: ServiceError | null, response: IssueWarningResponse) => (error ? reject(error) : resolve(response)),
      ),
    );
    warnings.close();
    const warningId = issued.warning?.warningId ?? '';
    expect(warningId).not.toBe('');

    // Live: the page was not reloaded.
    const banner = page.locator(`[data-testid=warning-banner][data-warning-id="${warningId}"]`);
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.getAttribute('data-level')).toBe('orange');
    expect(await banner.getAttribute('class')).toContain('level-orange');
    expect(await banner.textContent()).toContain('橙色（II级）预警生效中');
    expect(await banner.textContent()).toContain('〔测试〕12号');

    await banner.click();
    const obligations = page.locator('[data-testid=obligations] tbody tr');
    await obligations.first().waitFor();
    const count = await obligations.count();
    expect(count).toBe(issued.warning?.obligationCount);
    expect(count).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=compliance]').textContent()).toMatch(/执行中 \d+/);
    await page.locator('button[data-action=lift]').waitFor();
    report(`warning ${warningId}: ${count} obligations on the page`);
  });

  it('shows an incident proposed from a water-source exceedance live, then its targets and resources nearest first and the verified timeline', async () => {
    await page.goto(`${web.baseUrl}/#/emergency`);
    await page.locator('[data-testid=warning-banner]').first().waitFor();
    expect(await page.locator('[data-testid=proposed-incidents]').count()).toBe(0);

    expect((await sendAmmonia(platform.ingest.hj212Port, new Date(Date.now() - 60_000), 3.2)).cn).toBe('9014');
    const proposal = page.locator('[data-testid=proposed-incidents] tr[data-status=proposed]').first();
    await proposal.waitFor({ timeout: 60_000 });
    incidentId = (await proposal.getAttribute('data-incident-id')) ?? '';
    expect(incidentId).not.toBe('');

    await proposal.locator('a[data-link=incident]').click();
    await page.locator('[data-testid=incident-status]', { hasText: '待确认' }).waitFor();
    const distances = await page.locator('[data-testid=affected-targets] tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-distance-m'))));
    expect(distances.length).toBeGreaterThan(0);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(await page.locator('[data-testid=affected-targets] tbody tr').first().getAttribute('data-target-id')).toBe('DWS01-1');
    const travel = await page.locator('[data-testid=nearest-resources] tbody tr').evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-travel-m'))));
    expect(travel.length).toBeGreaterThan(0);
    expect(travel).toEqual([...travel].sort((a, b) => a - b));
    expect(await page.locator('[data-testid=plan]').textContent()).toContain('YH-DWS01-WATER');
    expect(await page.locator('[data-testid=timeline-check]').textContent()).toContain('链已验证');
    expect(await page.locator('[data-testid=incident-timeline] li[data-step=proposed]').count()).toBe(1);
    report(`incident ${incidentId}: targets at ${distances.map(Math.round).join(', ')} m; resources at ${travel.map(Math.round).join(', ')} m travel`);

    // Declared at level III; the page offers the plan next and the timeline still verifies.
    await page.selectOption('select[name=level]', 'iii');
    await page.click('button[data-action=declare]');
    await page.locator('[data-testid=incident-status]', { hasText: '已启动' }).waitFor();
    expect(await page.locator('[data-testid=incident-level]').textContent()).toContain('较大（III级）');
    await page.locator('[data-testid=incident-timeline] li[data-step=declared]').waitFor();
    expect(await page.locator('[data-testid=timeline-check]').textContent()).toContain('链已验证');
    expect(await page.locator('button[data-action=declare]').count()).toBe(0);

    // The plan's tasks become dispatch cases, which the page links as the timeline records them.
    await page.click('button[data-action=activate_plan]');
    await page.locator('[data-testid=incident-status]', { hasText: '预案响应中' }).waitFor();
    await waitFor(async () => (await page.locator('[data-testid=plan-tasks] tbody tr a[href^="#/cases/"]').count()) === 5 || undefined, { timeoutMs: 60_000, description: 'the five task cases linked on the page' });
    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], cspViolations: [] });
  });

  it('marks a drill 演练 in the list', async () => {
    const incidents = createGrpcClient(IncidentServiceClient, platform.emergency?.grpcAddress ?? '');
    const metadata = await asDispatcher();
    const drill = await new Promise<DeclareIncidentResponse>((resolve, reject) =>
      incidents.declareIncident(
        DeclareIncidentRequest.fromPartial({ level: IncidentLevel.INCIDENT_LEVEL_IV, kind: IncidentKind.INCIDENT_KIND_OTHER, title: '危化品运输车辆泄漏应急演练', location: { lon: 111.0, lat: 35.03 }, drill: true }),
        metadata,
        (error: ServiceError | null, response: DeclareIncidentResponse) => (error ? reject(error) : resolve(response)),
      ),
    );
    incidents.close();
    await page.goto(`${web.baseUrl}/#/emergency`);
    const row = page.locator(`[data-testid=incidents] tr[data-incident-id="${drill.incident?.id ?? ''}"]`);
    await row.waitFor();
    expect(await row.locator('[data-testid=drill]').textContent()).toBe('【演练】');
    expect(await page.locator(`[data-testid=incidents] tr[data-incident-id="${incidentId}"] [data-testid=drill]`).count()).toBe(0);
  });

  it('lets the keyboard reach every control with a visible focus, marks nothing by colour alone, fits 1366×768 and passes axe', async () => {
    const pages: Array<[string, string, string]> = [
      ['emergency', '#/emergency', '[data-testid=warning-banner]'],
      ['incident', `#/emergency/incidents/${encodeURIComponent(incidentId)}`, '[data-testid=timeline-check]'],
    ];
    for (const [name, hash, ready] of pages) {
      await page.goto(`${web.baseUrl}/${hash}`);
      await page.locator(ready).first().waitFor();
      const walk = await walkWithTab(page);
      expect(walk.interactive).toBeGreaterThan(3);
      expect({ name, unreached: walk.unreached, noVisibleFocus: walk.noVisibleFocus }).toEqual({ name, unreached: [], noVisibleFocus: [] });
      expect({ name, colourOnly: await colourOnlyMarks(page) }).toEqual({ name, colourOnly: [] });
      expect({ name, sideways: await scrollsSideways(page) }).toEqual({ name, sideways: false });
    }
    expect(watch).toEqual({ consoleErrors: [], pageErrors: [], dialogs: [], cspViolations: [] });
    // axe-core is injected as a script, which the console's CSP rightly refuses: this context alone bypasses it.
    const audit = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', bypassCSP: true });
    const auditPage = await audit.newPage();
    await logIn(auditPage, users.dispatcher);
    for (const [name, hash, ready] of pages) {
      await auditPage.goto(`${web.baseUrl}/${hash}`);
      await auditPage.locator(ready).first().waitFor();
      expect({ name, violations: await seriousAxeViolations(auditPage) }).toEqual({ name, violations: [] });
    }
    await audit.close();
  });

  it('gives an analyst the page without any command action, and the service refuses one sent anyway', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const analystPage = await context.newPage();
    await logIn(analystPage, users.analyst);
    await analystPage.goto(`${web.baseUrl}/#/emergency`);
    await analystPage.locator('[data-testid=warning-banner]').first().waitFor();
    await analystPage.locator(`tr[data-incident-id="${incidentId}"]`).waitFor();
    expect(await analystPage.locator('button[data-action=issue-warning]').count()).toBe(0);
    await analystPage.locator('[data-testid=warning-banner]').first().click();
    await analystPage.locator('[data-testid=obligations]').waitFor();
    expect(await analystPage.locator('button[data-action]').count()).toBe(0);

    await analystPage.goto(`${web.baseUrl}/#/emergency/incidents/${encodeURIComponent(incidentId)}`);
    await analystPage.locator('[data-testid=timeline-check]').waitFor();
    expect(await analystPage.locator('[data-testid=affected-targets] tbody tr').count()).toBeGreaterThan(0);
    expect(await analystPage.locator('button[data-action]').count()).toBe(0);

    const refused = await analystPage.evaluate(async (id) => {
      const session = (await (await fetch('/api/session')).json()) as { csrfToken: string };
      const response = await fetch(`/api/emergency/incidents/${encodeURIComponent(id)}/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ action: 'close' }),
      });
      return response.status;
    }, incidentId);
    expect(refused).toBe(403);
    await context.close();
  });

  it('lets the dispatcher lift the warning on the city\'s notice; its page then shows the episode evaluation and the banner goes live', async () => {
    const overview = await dispatcherContext.newPage();
    await overview.goto(`${web.baseUrl}/#/emergency`);
    const banner = overview.locator('[data-testid=warning-banner]').first();
    await banner.waitFor();
    const warningId = (await banner.getAttribute('data-warning-id')) ?? '';
    await page.goto(`${web.baseUrl}/#/emergency/warnings/${encodeURIComponent(warningId)}`);
    await page.fill('input[name=reason]', '运城市重污染天气应急指挥部办公室〔测试〕13号（解除）');
    await page.click('button[data-action=lift]');
    await page.locator('[data-testid=warning-status]', { hasText: '已解除' }).waitFor();
    const evaluation = page.locator('[data-testid=evaluation]');
    await evaluation.waitFor();
    expect(await evaluation.textContent()).toContain('下达措施');
    expect(await page.locator('button[data-action=lift]').count()).toBe(0);
    // The other page, left open, hears the lift and drops the banner.
    await overview.locator('[data-testid=no-warning]').waitFor({ timeout: 15_000 });
    expect(await overview.locator('[data-testid=warning-banner]').count()).toBe(0);
    await overview.close();
  });

  it('names the timeline row altered in the database', async () => {
    await tamperIncidentTimeline(platform, incidentId, 3);
    await page.goto(`${web.baseUrl}/#/emergency/incidents/${encodeURIComponent(incidentId)}`);
    // The page may be showing the incident already (a hash change alone loads nothing): read it afresh.
    await page.reload();
    const check = page.locator('[data-testid=timeline-check].broken');
    await check.waitFor();
    expect(await check.textContent()).toContain('第 3 条被改动');
    expect(await page.locator('[data-testid=incident-timeline] li.altered').getAttribute('data-sequence')).toBe('3');
  });
});

function report(line: string): void {
  console.log(`[console emergency] ${line}`);
}

import { connect } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import type { Page } from 'playwright-core';
import { encodeFlag, encodeFrameToString } from '@ecogrid/standards';
import { RegistryServiceClient, type LocateCellRequest, type LocateCellResponse } from '@ecogrid/proto/registry/v1/registry';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { ROOT, startConsoleProcess, startPlatform, testStaffToken, type ConsoleUser } from '@ecogrid/e2e';
import { IssueWarningRequest, WarningLevel, WarningServiceClient, type IssueWarningResponse } from '@ecogrid/proto/emergency/v1/warnings';
import { launchChromium } from '../test/support/browser';
import { solidPng } from '../test/support/png';

/**
 * `pnpm --filter @ecogrid/console screenshots`: runs the platform as the story test does, plays an exceedance, a
 * day of national-station hours, an officer's visit, a heavy-pollution warning and a water-source incident, and saves the zh-CN pages into docs/screenshots/.
 */
const OUT = resolve(ROOT, 'docs/screenshots');
const CEMS = { mn: '91140802001DA0011249E9CB', password: 'D71807', lon: 111.137905, lat: 34.998518 };
const STATIONS = [
  { mn: '140802AQ01EE8D16FEFF37F5', password: 'F7D8C7', base: 60 },
  { mn: '140802AQ021FED30F4C19751', password: 'F68DC8', base: 85 },
  { mn: '140802AQ034BE5CFA329C850', password: '51E40C', base: 110 },
  { mn: '140802AQ047F61BCF89C8ADF', password: 'C3A89D', base: 40 },
];

/** The demo's 东孙坞 water-source station (NH3-N limit 1.0 mg/L): an exceedance there proposes an incident. */
const WATER_SOURCE = { mn: '140802SZ0200000000000D01', password: 'D5W01A' };

const chinaDigits = (instant: Date): string => new Date(instant.getTime() + 8 * 3_600_000).toISOString().replace(/[-:T]/g, '').slice(0, 14);

async function sendFrames(port: number, frames: string[]): Promise<void> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((done, fail) => {
    socket.once('connect', done);
    socket.once('error', fail);
  });
  for (const frame of frames) socket.write(frame);
  await new Promise((done) => setTimeout(done, 1_000));
  socket.end();
}

async function logIn(page: Page, baseUrl: string, user: ConsoleUser): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.locator('[data-testid=who]').waitFor();
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const platform = await startPlatform('console_shots', { credit: true, emergency: true });
  const registry = createGrpcClient(RegistryServiceClient, platform.registry.grpcAddress, { bearerToken: () => testStaffToken({ role: 'dispatcher' }) });
  const located = await callUnary<LocateCellRequest, LocateCellResponse>((request, options, callback) => registry.locateCell(request, new Metadata(), options, callback), { point: { lon: CEMS.lon, lat: CEMS.lat } });
  registry.close();
  const users = {
    dispatcher: { username: 'dispatcher', password: 'dispatcher-dev', displayName: '调度员 张伟', role: 'dispatcher' },
    officer: { username: 'officer1', password: 'officer1-dev', displayName: '网格员', role: 'officer', officerId: located.onDutyOfficer?.id ?? 'GO-YH0001' },
    operator: { username: 'operator', password: 'operator-dev', displayName: '运维 赵磊', role: 'operator' },
  } satisfies Record<string, ConsoleUser>;
  const consoleProcess = await startConsoleProcess(platform, Object.values(users));
  const browser = await launchChromium();
  try {
    // A day of hourly means from the four national stations (2061), the last hour a little worse.
    const now = Date.now();
    for (const station of STATIONS) {
      const frames = Array.from({ length: 24 }, (_, index) => {
        const hour = new Date(Math.floor(now / 3_600_000) * 3_600_000 - (24 - index) * 3_600_000);
        const pm25 = Math.round(station.base * (0.6 + 0.4 * Math.sin(index / 4)) + index);
        const dataTime = chinaDigits(hour);
        return encodeFrameToString({
          qn: `${dataTime}${String(index).padStart(3, '0')}`,
          st: '22',
          cn: '2061',
          pw: station.password,
          mn: station.mn,
          flag: encodeFlag({ version: '2017', needsAck: false }),
          cp: { text: `DataTime=${dataTime};a34004-Avg=${pm25},a34004-Flag=N;a34002-Avg=${pm25 * 1.6},a34002-Flag=N;a21026-Avg=9,a21026-Flag=N;a21004-Avg=31,a21004-Flag=N;a05024-Avg=70,a05024-Flag=N;a21005-Avg=0.8,a21005-Flag=N` },
        });
      });
      await sendFrames(platform.ingest.hj212Port, frames);
    }
    const dataTime = chinaDigits(new Date(now - 60_000));
    await sendFrames(platform.ingest.hj212Port, [
      encodeFrameToString({ qn: `${dataTime}001`, st: '31', cn: '2011', pw: CEMS.password, mn: CEMS.mn, flag: encodeFlag({ version: '2017', needsAck: true }), cp: { text: `DataTime=${dataTime};a21026-Rtd=96.4,a21026-ZsRtd=118.2,a21026-Flag=N` } }),
    ]);

    const desk = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const page = await desk.newPage();
    await logIn(page, consoleProcess.baseUrl, users.dispatcher);
    const card = page.locator(`.case-card[data-device="${CEMS.mn}"]`).first();
    await card.waitFor({ timeout: 30_000 });
    const caseId = (await card.getAttribute('data-case-id')) ?? '';
    await page.screenshot({ path: resolve(OUT, 'case-board.png') });
    await page.goto(`${consoleProcess.baseUrl}/#/alerts`);
    await page.locator(`tr[data-device="${CEMS.mn}"]`).first().waitFor();
    await page.screenshot({ path: resolve(OUT, 'alerts.png') });
    await page.goto(`${consoleProcess.baseUrl}/#/map`);
    await page.locator('[data-testid=map][data-cells-drawn]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=alerting-cells] button').first().click();
    await page.locator('[data-testid=cell-panel]').waitFor();
    await page.screenshot({ path: resolve(OUT, 'map.png') });
    await page.goto(`${consoleProcess.baseUrl}/#/aqi`);
    await page.locator('[data-testid=district-aqi]').waitFor();
    await page.waitForTimeout(500);
    await page.screenshot({ path: resolve(OUT, 'aqi.png'), fullPage: true });

    await page.goto(`${consoleProcess.baseUrl}/#/credit`);
    await page.locator('tr[data-uscc] button').first().click();
    await page.locator('[data-testid=credit-explanation]').waitFor();
    await page.screenshot({ path: resolve(OUT, 'credit.png'), fullPage: true });

    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, geolocation: { longitude: CEMS.lon, latitude: CEMS.lat }, permissions: ['geolocation'], locale: 'zh-CN' });
    const mobile = await phone.newPage();
    await logIn(mobile, consoleProcess.baseUrl, users.officer);
    await mobile.locator(`.case-card[data-case-id="${caseId}"]`).waitFor();
    await mobile.screenshot({ path: resolve(OUT, 'officer-phone-cases.png') });
    await mobile.goto(`${consoleProcess.baseUrl}/#/cases/${caseId}`);
    for (const [action, status] of [['accept', '已签收'], ['arrive', '已到场']] as const) {
      await mobile.click(`button[data-action=${action}]`);
      await mobile.locator('[data-testid=case-status]', { hasText: status }).waitFor();
    }
    await mobile.setInputFiles('input[name=photo]', { name: 'stack.png', mimeType: 'image/png', buffer: solidPng(160, 120, [70, 110, 90]) });
    await mobile.locator('.evidence li img').waitFor();
    await mobile.screenshot({ path: resolve(OUT, 'officer-phone-case.png'), fullPage: true });

    await page.goto(`${consoleProcess.baseUrl}/#/cases/${caseId}`);
    await page.locator('.evidence li img').waitFor();
    await page.screenshot({ path: resolve(OUT, 'case-page.png'), fullPage: true });
    await page.goto(`${consoleProcess.baseUrl}/#/kpis`);
    await page.locator('[data-testid=backlog-chart] canvas').waitFor();
    await page.screenshot({ path: resolve(OUT, 'kpis.png'), fullPage: true });

    // 应急: an orange warning entered from the city's notice, and an ammonia exceedance at the water source.
    const warnings = createGrpcClient(WarningServiceClient, platform.emergency?.grpcAddress ?? '', { bearerToken: () => testStaffToken({ role: 'dispatcher', sub: 'dispatcher' }) });
    await callUnary<IssueWarningRequest, IssueWarningResponse>((request, options, callback) => warnings.issueWarning(request, new Metadata(), options, callback), IssueWarningRequest.fromPartial({
      level: WarningLevel.WARNING_LEVEL_ORANGE,
      startsAt: new Date(),
      expectedEndAt: new Date(Date.now() + 72 * 3_600_000),
      reason: '运城市重污染天气应急指挥部办公室〔2026〕12号',
    }));
    warnings.close();
    const waterTime = chinaDigits(new Date(Date.now() - 60_000));
    await sendFrames(platform.ingest.hj212Port, [
      encodeFrameToString({ qn: `${waterTime}001`, st: '21', cn: '2011', pw: WATER_SOURCE.password, mn: WATER_SOURCE.mn, flag: encodeFlag({ version: '2017', needsAck: true }), cp: { text: `DataTime=${waterTime};w21003-Rtd=3.2,w21003-Flag=N;w01018-Rtd=12.0,w01018-Flag=N` } }),
    ]);
    await page.goto(`${consoleProcess.baseUrl}/#/emergency`);
    const proposal = page.locator('[data-testid=proposed-incidents] tr[data-status=proposed] a[data-link=incident]').first();
    await proposal.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: resolve(OUT, 'emergency.png'), fullPage: true });
    await proposal.click();
    await page.selectOption('select[name=level]', 'iii');
    await page.click('button[data-action=declare]');
    await page.click('button[data-action=activate_plan]');
    await page.locator('[data-testid=plan-tasks] tbody tr a[href^="#/cases/"]').nth(4).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: resolve(OUT, 'incident.png'), fullPage: true });

    const ops = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
    const opsPage = await ops.newPage();
    await logIn(opsPage, consoleProcess.baseUrl, users.operator);
    await opsPage.locator('.service.ready[data-service=ingest]').waitFor();
    await opsPage.locator('[data-testid=devices-online]').waitFor();
    await opsPage.waitForTimeout(5_500);
    await opsPage.screenshot({ path: resolve(OUT, 'operator-view.png') });
    process.stdout.write(`screenshots of case ${caseId} written to ${OUT}\n`);
  } finally {
    await browser.close();
    await consoleProcess.process.stop();
    await platform.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

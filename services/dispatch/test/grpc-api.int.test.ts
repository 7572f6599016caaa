import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { CasePriority, CaseSource, CaseStatus, CaseStep } from '@ecogrid/proto/dispatch/v1/events';
import type { Case, DispatchServiceClient } from '@ecogrid/proto/dispatch/v1/dispatch';
import { waitFor } from '@ecogrid/testkit';
import { createTokenMinter } from '@ecogrid/staff-auth';
import { createWorld, startDispatch, token, TOKEN_SECRET, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';
import { dispatchClient, withToken } from './support/grpc-client';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('dispatch: the gRPC API and the side paths of the loop', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let grpc: DispatchServiceClient;

  beforeAll(async () => {
    world = await createWorld('dispatch-grpc');
    service = await startDispatch(world, { DEADLINE_TIME_SCALE: '0.01', TIMER_POLL_MS: '50' });
    grpc = dispatchClient(service.grpcAddress);
  });

  afterAll(async () => {
    grpc?.close();
    await service?.process.stop();
    await world?.close();
  });

  const code = async (call: Promise<unknown>): Promise<number | undefined> => {
    try {
      await call;
      return undefined;
    } catch (error) {
      return (error as ServiceError).code;
    }
  };

  const act = async (who: string, caseId: string, action: string, extra: Record<string, unknown> = {}): Promise<Case> => {
    const current = (await withToken(grpc, grpc.getCase, { caseId }, await token('dispatcher'))).case as Case;
    const response = await withToken(grpc, grpc.actOnCase, { caseId, action, expectedVersion: current.version, note: '', targetOfficerId: '', mergeIntoCaseId: '', ...extra }, who);
    return response.case as Case;
  };

  it('refuses calls without a valid token, and analysts who try to act', async () => {
    const request = { caseId: 'YH-20261129-000001' };
    expect(await code(withToken(grpc, grpc.getCase, request, 'forged'))).toBe(GrpcStatus.UNAUTHENTICATED);
    const foreign = await createTokenMinter({ secret: `${TOKEN_SECRET}-other` }).mint({ sub: 'x', role: 'dispatcher' });
    expect(await code(withToken(grpc, grpc.getCase, request, foreign))).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await code(withToken(grpc, grpc.actOnCase, { ...request, action: 'close', expectedVersion: 1, note: '', targetOfficerId: '', mergeIntoCaseId: '' }, await token('analyst')))).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
  });

  it('takes a patrol report from an officer, who returns it as not theirs; the dispatcher reassigns it', async () => {
    const officer = await token('officer', 'O-001');
    const created = await withToken(
      grpc,
      grpc.createCase,
      { source: CaseSource.CASE_SOURCE_PATROL, caseType: 'solid_waste', title: '河道旁建筑垃圾倾倒', description: '约 5 方', location: { lon: 111.025, lat: 35.005, address: '' }, priority: 0, enterpriseUscc: '', assigneeOfficerId: '' },
      officer,
    );
    const patrol = created.case as Case;
    // C-03 has nobody on duty and its unit no supervisor: the case waits for a dispatcher.
    expect(patrol).toMatchObject({ source: CaseSource.CASE_SOURCE_PATROL, status: CaseStatus.CASE_STATUS_REGISTERED, cellId: 'C-03', priority: CasePriority.CASE_PRIORITY_NORMAL, assigneeOfficerId: '' });
    const dispatcher = await token('dispatcher');
    const dispatched = await act(dispatcher, patrol.id, 'dispatch', { targetOfficerId: 'O-002' });
    expect(dispatched).toMatchObject({ status: CaseStatus.CASE_STATUS_DISPATCHED, assigneeOfficerId: 'O-002', step: CaseStep.CASE_STEP_ACCEPT });
    expect(await code(act(officer, patrol.id, 'accept'))).toBe(GrpcStatus.NOT_FOUND);
    const o2 = await token('officer', 'O-002');
    expect(await code(act(o2, patrol.id, 'return'))).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect((await act(o2, patrol.id, 'return', { note: '不属本网格' })).status).toBe(CaseStatus.CASE_STATUS_RETURNED);
    expect(await code(act(dispatcher, patrol.id, 'reassign', { targetOfficerId: 'O-009' }))).toBe(GrpcStatus.FAILED_PRECONDITION);
    expect((await act(dispatcher, patrol.id, 'reassign', { targetOfficerId: 'O-001' })).assigneeOfficerId).toBe('O-001');
    const listed = await withToken(grpc, grpc.listCases, { pageSize: 10, pageToken: '', statuses: [CaseStatus.CASE_STATUS_DISPATCHED], townshipCode: '', cellId: 'C-03', officerId: '', overdueOnly: false, query: '建筑垃圾', priority: 0, source: 0 }, dispatcher);
    expect(listed.cases.map((item) => item.id)).toEqual([patrol.id]);
  });

  it('pauses the clock for an approved extension and resumes it when the extension ends', async () => {
    const dispatcher = await token('dispatcher');
    const created = (await withToken(grpc, grpc.createCase, { source: 0, caseType: 'odour', title: '化工园区异味', description: '', location: { lon: 111.005, lat: 35.005, address: '' }, priority: 0, enterpriseUscc: '', assigneeOfficerId: '' }, dispatcher)).case as Case;
    const until = new Date(Date.now() + 1_500);
    const suspended = await act(await token('supervisor', 'S-001'), created.id, 'suspend', { note: '等待第三方检测', extendUntil: until });
    expect(suspended.status).toBe(CaseStatus.CASE_STATUS_SUSPENDED);
    const resumed = await waitFor(async () => {
      const current = (await withToken(grpc, grpc.getCase, { caseId: created.id }, dispatcher)).case as Case;
      return current.status === CaseStatus.CASE_STATUS_DISPATCHED ? current : undefined;
    }, { timeoutMs: 10_000, description: 'the automatic resume' });
    expect(resumed.suspendedUntil).toBeUndefined();
    // The step kept what it had left: the deadline moved by exactly as long as the case was suspended,
    // measured between the history entries (not by the test's own clock, which a busy machine delays).
    const entries = (await withToken(grpc, grpc.getCase, { caseId: created.id }, dispatcher)).history;
    const at = (action: string): number => (entries.find((entry) => entry.action === action)?.occurredAt as Date).getTime();
    const paused = at('resumed') - at('suspended');
    expect(paused).toBeGreaterThanOrEqual(until.getTime() - at('suspended') - 50);
    const moved = (resumed.deadline as Date).getTime() - (created.deadline as Date).getTime();
    expect(Math.abs(moved - paused)).toBeLessThan(250);
    const history = (await withToken(grpc, grpc.getCase, { caseId: created.id }, dispatcher)).history.map((entry) => [entry.action, entry.actor]);
    expect(history).toContainEqual(['resumed', 'system:dispatch']);
  });

  it('merges a duplicate, attaches and links evidence, reopens a closed case, and reports KPIs', async () => {
    const dispatcher = await token('dispatcher');
    const make = async (title: string) =>
      (await withToken(grpc, grpc.createCase, { source: 0, caseType: 'noise', title, description: '', location: { lon: 111.005, lat: 35.005, address: '' }, priority: 0, enterpriseUscc: '', assigneeOfficerId: 'O-001' }, dispatcher)).case as Case;
    const original = await make('KTV 夜间噪声');
    const duplicate = await make('KTV 噪声（重复）');
    expect((await act(dispatcher, duplicate.id, 'merge', { mergeIntoCaseId: original.id })).mergedIntoCaseId).toBe(original.id);
    const target = await withToken(grpc, grpc.getCase, { caseId: original.id }, dispatcher);
    expect(target.history.at(-1)).toMatchObject({ action: 'duplicate_merged' });
    expect(JSON.parse(target.history.at(-1)?.detailsJson ?? '{}')).toMatchObject({ duplicate: duplicate.id });

    const officer = await token('officer', 'O-001');
    const attached = await withToken(grpc, grpc.attachEvidence, { caseId: original.id, fileName: '监测报告.pdf', mediaType: 'application/pdf', content: PDF, takenAt: { lon: 111.005, lat: 35.005, address: '' } }, officer);
    expect(attached.sizeBytes).toBe(PDF.length);
    expect(await code(withToken(grpc, grpc.attachEvidence, { caseId: original.id, fileName: 'big.pdf', mediaType: 'application/pdf', content: Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024)]) }, officer))).toBe(
      GrpcStatus.INVALID_ARGUMENT,
    );
    await withToken(grpc, grpc.linkEvidence, { caseId: original.id, kind: 'observation', referenceId: 'MN-0001:2011:2026-11-29T03:00:00.000Z', note: '同期噪声读数' }, officer);
    const evidence = (await withToken(grpc, grpc.getCase, { caseId: original.id }, dispatcher)).evidence;
    expect(evidence.map((item) => [item.kind, item.sha256 || item.referenceId])).toEqual([
      ['attachment', attached.sha256],
      ['observation', 'MN-0001:2011:2026-11-29T03:00:00.000Z'],
    ]);

    for (const [who, action] of [
      [officer, 'accept'],
      [officer, 'arrive'],
      [officer, 'resolve'],
      [dispatcher, 'verify'],
      [dispatcher, 'close'],
    ] as const) {
      await act(who, original.id, action);
    }
    const reopened = await act(await token('supervisor', 'S-001'), original.id, 'reopen', { note: '群众反映仍有噪声' });
    expect(reopened).toMatchObject({ status: CaseStatus.CASE_STATUS_DISPATCHED, assigneeOfficerId: 'O-001' });

    const kpis = await withToken(grpc, grpc.getKpis, { townshipCode: '140802001', officerId: '' }, await token('analyst'));
    expect(kpis.closed).toBe(0);
    expect(kpis.backlog).toBeGreaterThanOrEqual(2);
    expect(kpis.steps.find((step) => step.step === CaseStep.CASE_STEP_ACCEPT)?.completed).toBeGreaterThanOrEqual(1);
  });

  it('mints tokens with `pnpm run token`: capped lifetime, and no officer token unless the registry knows the officer', async () => {
    const cli = (args: string[]) =>
      promisify(execFile)(process.execPath, [resolve(__dirname, '../dist/cli/mint-token.js'), ...args], {
        // Nothing listens on port 9 (discard): the registry cannot be reached.
        env: { ...process.env, STAFF_TOKEN_SECRET: TOKEN_SECRET, REGISTRY_GRPC_ADDRESS: '127.0.0.1:9' },
      }).then(
        ({ stdout }) => ({ ok: true as const, out: stdout.trim() }),
        (error: { stderr: string }) => ({ ok: false as const, out: error.stderr.trim() }),
      );
    const analyst = await cli(['--role', 'analyst']);
    expect(analyst.ok).toBe(true);
    const [, payload] = analyst.out.split('.');
    const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8')) as { exp: number; iat: number; jti: string };
    expect(claims.exp - claims.iat).toBe(8 * 3600);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    const listed = await withToken(grpc, grpc.listCases, { pageSize: 5, pageToken: '', statuses: [], townshipCode: '', cellId: '', officerId: '', overdueOnly: false, query: '', priority: 0, source: 0 }, analyst.out);
    expect(listed.cases.length).toBeGreaterThan(0);
    expect(await cli(['--role', 'analyst', '--ttl', String(24 * 3600 + 1)])).toMatchObject({ ok: false, out: expect.stringContaining('24 h') });
    expect(await cli(['--role', 'officer'])).toMatchObject({ ok: false, out: expect.stringContaining('--officer-id') });
    expect(await cli(['--role', 'officer', '--officer-id', 'O-001'])).toMatchObject({ ok: false, out: expect.stringContaining('did not answer') });
  });
});

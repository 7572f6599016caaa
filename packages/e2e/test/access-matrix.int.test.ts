import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata, type ServiceDefinition } from '@grpc/grpc-js';
import { AlertingServiceService } from '@ecogrid/proto/alerting/v1/alerting';
import { DispatchServiceService, type GetKpisResponse, type ListCasesResponse } from '@ecogrid/proto/dispatch/v1/dispatch';
import { RegistryServiceService } from '@ecogrid/proto/registry/v1/registry';
import { isDenied, probeUnary, readAccessMatrix, ROOT, scopedOperation, startPlatform, SUBJECTS, testStaffToken, type Platform, type Subject } from '../src/index';

const SECURITY = readFileSync(resolve(ROOT, 'docs/security.md'), 'utf8');
/** A demo officer and the township unit they supervise (services/registry/data/yanhu/officers.csv). */
const OFFICER = { officerId: 'GO-YH0001', townshipCode: '140802001' };

async function metadataOf(subject: Subject): Promise<Metadata> {
  const metadata = new Metadata();
  if (subject === 'anonymous') return metadata;
  const token = await testStaffToken({ role: subject, ...(subject === 'officer' || subject === 'supervisor' ? { officerId: OFFICER.officerId } : {}), ...(subject === 'supervisor' ? { townshipCode: OFFICER.townshipCode } : {}) });
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/**
 * Every cell of the access matrices in docs/security.md, tried against the running services: each operation as
 * every role and as nobody. The documentation is the specification; the services must agree with it.
 */
describe('access matrix (docs/security.md) against the running services', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform('access');
  }, 420_000);

  afterAll(async () => {
    await platform?.stop();
  });

  const surfaces: Array<{ name: string; definition: ServiceDefinition; address: () => string }> = [
    { name: 'registry grpc', definition: RegistryServiceService as unknown as ServiceDefinition, address: () => platform.registry.grpcAddress },
    { name: 'alerting grpc', definition: AlertingServiceService as unknown as ServiceDefinition, address: () => platform.alerting.grpcAddress },
  ];

  // ---- dispatch: every role × every route/RPC × own/other township, on real cases -----------------------------
  /** The two places of the dispatch matrix (cell centres from services/registry/data/yanhu/cells.geojson). */
  const PLACES = {
    own: { township: '140802001', officer: 'GO-YH0693', lon: 110.9925, lat: 35.0345 },
    other: { township: '140802203', officer: 'GO-YH0001', lon: 110.9705, lat: 35.2145 },
  } as const;
  const SUPERVISOR = 'SV-140802001';
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
  type Scope = keyof typeof PLACES;
  interface DispatchWorld {
    tokens: Partial<Record<Subject, string>>;
    cases: Record<Scope, { id: string; evidenceId: string }>;
  }
  let world: DispatchWorld | undefined;

  const rest = async (method: string, path: string, token: string | undefined, body?: { json?: unknown; raw?: Buffer; type?: string }) => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | Buffer | undefined;
    if (body?.raw) {
      payload = body.raw;
      headers['content-type'] = body.type ?? 'application/octet-stream';
    } else if (body?.json !== undefined) {
      payload = JSON.stringify(body.json);
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(`${platform.dispatch.baseUrl}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload as RequestInit['body'] }) });
    const text = await response.text();
    // Evidence content comes back as the file itself.
    const json = (response.headers.get('content-type') ?? '').startsWith('application/json');
    return { status: response.status, body: (json && text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  /** Tokens minted by the real `pnpm run token`, which checks officers against the registry; cases made by a dispatcher. */
  const dispatchWorld = async (): Promise<DispatchWorld> => {
    if (world) return world;
    const tokens: Partial<Record<Subject, string>> = {};
    for (const subject of SUBJECTS) {
      if (subject === 'anonymous') continue;
      tokens[subject] =
        subject === 'supervisor' ? await platform.token('supervisor', SUPERVISOR, PLACES.own.township) : subject === 'officer' ? await platform.token('officer', PLACES.own.officer) : await platform.token(subject as 'dispatcher');
    }
    const cases = {} as DispatchWorld['cases'];
    for (const scope of ['own', 'other'] as const) {
      const place = PLACES[scope];
      const created = await rest('POST', '/v1/cases', tokens.dispatcher, { json: { case_type: 'dust', title: `权限矩阵 ${scope}`, location: { lon: place.lon, lat: place.lat }, assignee_officer_id: place.officer } });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const state = created.body.case as { id: string; township_code: string; assignee_officer_id: string };
      expect(state).toMatchObject({ township_code: place.township, assignee_officer_id: place.officer });
      const evidence = await rest('POST', `/v1/cases/${state.id}/evidence?file_name=matrix.pdf`, tokens.dispatcher, { raw: PDF, type: 'application/pdf' });
      expect(evidence.status, JSON.stringify(evidence.body)).toBe(201);
      cases[scope] = { id: state.id, evidenceId: (evidence.body.evidence as { id: string }).id };
    }
    world = { tokens, cases };
    return world;
  };

  /** How each REST route of the matrix is tried, per scope: a request that passes validation, so only access decides. */
  const REST_PROBES: Record<string, (scope: Scope, w: DispatchWorld) => { method: string; path: string; body?: { json?: unknown; raw?: Buffer; type?: string } }> = {
    'POST /v1/cases': (scope) => ({ method: 'POST', path: '/v1/cases', body: { json: { case_type: 'dust', title: '权限矩阵 新案', location: { lon: PLACES[scope].lon, lat: PLACES[scope].lat } } } }),
    'GET /v1/cases': (scope) => ({ method: 'GET', path: `/v1/cases?township=${PLACES[scope].township}&page_size=200` }),
    'GET /v1/cases/:id': (scope, w) => ({ method: 'GET', path: `/v1/cases/${w.cases[scope].id}` }),
    'POST /v1/cases/:id/actions': (scope, w) => ({ method: 'POST', path: `/v1/cases/${w.cases[scope].id}/actions`, body: { json: { action: 'note', expected_version: 1, note: '权限矩阵' } } }),
    'POST /v1/cases/:id/evidence': (scope, w) => ({ method: 'POST', path: `/v1/cases/${w.cases[scope].id}/evidence?file_name=m.pdf`, body: { raw: PDF, type: 'application/pdf' } }),
    'POST /v1/cases/:id/evidence-links': (scope, w) => ({ method: 'POST', path: `/v1/cases/${w.cases[scope].id}/evidence-links`, body: { json: { kind: 'observation', reference_id: 'matrix-observation' } } }),
    'GET /v1/cases/:id/evidence/:evidence': (scope, w) => ({ method: 'GET', path: `/v1/cases/${w.cases[scope].id}/evidence/${w.cases[scope].evidenceId}` }),
    'GET /v1/cases/:id/history/verify': (scope, w) => ({ method: 'GET', path: `/v1/cases/${w.cases[scope].id}/history/verify` }),
    'GET /v1/kpis': (scope) => ({ method: 'GET', path: `/v1/kpis?township=${PLACES[scope].township}` }),
  };
  const GRPC_PROBES: Record<string, (scope: Scope, w: DispatchWorld) => Record<string, unknown>> = {
    CreateCase: (scope) => ({ caseType: 'dust', title: '权限矩阵 新案', location: { lon: PLACES[scope].lon, lat: PLACES[scope].lat, address: '' } }),
    ListCases: (scope) => ({ townshipCode: PLACES[scope].township, pageSize: 200 }),
    GetCase: (scope, w) => ({ caseId: w.cases[scope].id }),
    ActOnCase: (scope, w) => ({ caseId: w.cases[scope].id, action: 'note', expectedVersion: 1, note: '权限矩阵' }),
    AttachEvidence: (scope, w) => ({ caseId: w.cases[scope].id, fileName: 'm.pdf', mediaType: 'application/pdf', content: PDF }),
    LinkEvidence: (scope, w) => ({ caseId: w.cases[scope].id, kind: 'observation', referenceId: 'matrix-observation' }),
    VerifyHistory: (scope, w) => ({ caseId: w.cases[scope].id }),
    GetKpis: (scope) => ({ townshipCode: PLACES[scope].township }),
  };
  const CASE_ROUTES = new Set(['GetCase', 'ActOnCase', 'AttachEvidence', 'LinkEvidence', 'VerifyHistory']);

  /** What a supervisor or an officer may find in a list: their unit's cases, their own cases. */
  const outOfScope = (subject: Subject, item: { township: string; assignee: string }): boolean =>
    (subject === 'supervisor' && item.township !== PLACES.own.township) || (subject === 'officer' && item.assignee !== PLACES.own.officer);

  it('dispatch rest: every role on every route, own and other township, as documented; lists hold nothing out of scope', async () => {
    const w = await dispatchWorld();
    const rows = readAccessMatrix(SECURITY, 'dispatch rest');
    expect([...new Set(rows.map((row) => scopedOperation(row.operation).operation))].sort()).toEqual(Object.keys(REST_PROBES).sort());
    const unexpected: string[] = [];
    let cells = 0;
    let allows = 0;
    let leaks = 0;
    let listed = 0;
    for (const row of rows) {
      const { operation, scope } = scopedOperation(row.operation);
      const probe = (REST_PROBES[operation] as NonNullable<(typeof REST_PROBES)[string]>)(scope ?? 'own', w);
      for (const subject of SUBJECTS) {
        const answer = await rest(probe.method, probe.path, w.tokens[subject], probe.body);
        // 404 on a case that exists is how scope refuses (the same answer as for no such case).
        const denied = answer.status === 401 || answer.status === 403 || (answer.status === 404 && operation.includes(':id'));
        const actual = denied ? 'deny' : 'allow';
        cells += 1;
        if (actual === 'allow') allows += 1;
        if (actual === 'allow' && answer.status >= 500) unexpected.push(`${row.operation} as ${subject}: ${answer.status}`);
        if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (${answer.status} ${JSON.stringify(answer.body).slice(0, 120)})`);
        if (actual === 'allow' && operation === 'GET /v1/cases') {
          for (const item of answer.body.cases as Array<{ township_code: string; assignee_officer_id: string }>) {
            listed += 1;
            if (outOfScope(subject, { township: item.township_code, assignee: item.assignee_officer_id })) leaks += 1;
          }
        }
        if (actual === 'allow' && operation === 'GET /v1/kpis' && subject === 'supervisor') {
          leaks += (answer.body.townships as Array<{ township_code: string }>).filter((group) => group.township_code !== PLACES.own.township).length;
        }
      }
    }
    // Without a filter, the supervisor minted with --township 140802001 lists their unit's cases and nothing else.
    const unfiltered = await rest('GET', '/v1/cases?page_size=200', w.tokens.supervisor);
    const ids = (unfiltered.body.cases as Array<{ id: string; township_code: string }>).map((item) => item.id);
    const foreign = (unfiltered.body.cases as Array<{ township_code: string }>).filter((item) => item.township_code !== PLACES.own.township).length;
    const unexpectedAllows = unexpected.filter((line) => line.includes('documented deny')).length;
    process.stdout.write(
      `access matrix dispatch rest: ${cells} cells (${allows} allowed), ${unexpectedAllows} unexpected allows, ${unexpected.length - unexpectedAllows} unexpected denies; ` +
        `${listed} listed cases checked, ${leaks} out of scope; the supervisor's unfiltered list: ${ids.length} cases, ${foreign} of other townships\n`,
    );
    expect(unexpected).toEqual([]);
    expect(leaks).toBe(0);
    expect(ids).toContain(w.cases.own.id);
    expect(ids).not.toContain(w.cases.other.id);
    expect(foreign).toBe(0);
  });

  it('dispatch grpc: every role on every RPC, own and other township, as documented; lists hold nothing out of scope', async () => {
    const w = await dispatchWorld();
    const rows = readAccessMatrix(SECURITY, 'dispatch grpc');
    const methods = Object.values(DispatchServiceService).map((method) => method.path.slice(method.path.lastIndexOf('/') + 1));
    expect([...new Set(rows.map((row) => scopedOperation(row.operation).operation))].sort()).toEqual([...methods].sort());
    const definition = DispatchServiceService as unknown as ServiceDefinition;
    const unexpected: string[] = [];
    let cells = 0;
    let allows = 0;
    let leaks = 0;
    let listed = 0;
    for (const row of rows) {
      const { operation, scope } = scopedOperation(row.operation);
      const fields = (GRPC_PROBES[operation] as NonNullable<(typeof GRPC_PROBES)[string]>)(scope ?? 'own', w);
      for (const subject of SUBJECTS) {
        const metadata = new Metadata();
        if (w.tokens[subject]) metadata.set('authorization', `Bearer ${w.tokens[subject]}`);
        const outcome = await probeUnary(platform.dispatch.grpcAddress, definition, operation, metadata, fields);
        const denied = isDenied(outcome) || (outcome.code === 5 && CASE_ROUTES.has(operation));
        const actual = denied ? 'deny' : 'allow';
        cells += 1;
        if (actual === 'allow') allows += 1;
        if (actual === 'allow' && outcome.code === 13) unexpected.push(`${row.operation} as ${subject}: INTERNAL`);
        if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (code ${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''})`);
        if (outcome.code === 0 && operation === 'ListCases') {
          for (const item of (outcome.response as ListCasesResponse).cases) {
            listed += 1;
            if (outOfScope(subject, { township: item.townshipCode, assignee: item.assigneeOfficerId })) leaks += 1;
          }
        }
        if (outcome.code === 0 && operation === 'GetKpis' && subject === 'supervisor') {
          leaks += (outcome.response as GetKpisResponse).townships.filter((group) => group.key !== PLACES.own.township).length;
        }
      }
    }
    const unexpectedAllows = unexpected.filter((line) => line.includes('documented deny')).length;
    process.stdout.write(`access matrix dispatch grpc: ${cells} cells (${allows} allowed), ${unexpectedAllows} unexpected allows, ${unexpected.length - unexpectedAllows} unexpected denies; ${listed} listed cases checked, ${leaks} out of scope\n`);
    expect(unexpected).toEqual([]);
    expect(leaks).toBe(0);
  });

  it('pnpm run token refuses an officer the registry does not know, and a supervisor token for another township', async () => {
    await expect(platform.token('officer', 'GO-NOBODY')).rejects.toThrow(/GO-NOBODY is not in the registry/);
    await expect(platform.token('supervisor', SUPERVISOR, PLACES.other.township)).rejects.toThrow(/answers for township 140802001/);
    await expect(platform.token('supervisor', PLACES.own.officer)).rejects.toThrow(/grid_officer in the registry/);
  });

  for (const surface of surfaces) {
    it(`${surface.name}: every role on every operation as documented`, async () => {
      const rows = readAccessMatrix(SECURITY, surface.name);
      const documented = new Set(rows.map((row) => row.operation));
      const methods = Object.values(surface.definition).map((method) => method.path.slice(method.path.lastIndexOf('/') + 1));
      // Every operation the service offers is in the matrix, and the matrix names nothing the service lacks.
      expect([...documented].sort()).toEqual([...methods].sort());
      const unexpected: string[] = [];
      let cells = 0;
      let allows = 0;
      for (const row of rows) {
        for (const subject of SUBJECTS) {
          const outcome = await probeUnary(surface.address(), surface.definition, row.operation, await metadataOf(subject));
          const actual = isDenied(outcome) ? 'deny' : 'allow';
          cells += 1;
          if (actual === 'allow') allows += 1;
          if (actual !== row.cells[subject]) unexpected.push(`${row.operation} as ${subject}: documented ${row.cells[subject]}, got ${actual} (code ${outcome.code}${outcome.reason ? ` ${outcome.reason}` : ''})`);
        }
      }
      const unexpectedAllows = unexpected.filter((line) => line.includes('documented deny')).length;
      process.stdout.write(`access matrix ${surface.name}: ${cells} cells (${allows} allowed), ${unexpectedAllows} unexpected allows, ${unexpected.length - unexpectedAllows} unexpected denies\n`);
      expect(unexpected).toEqual([]);
    });
  }
});

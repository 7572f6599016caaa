import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import type { DispatchServiceClient } from '@ecogrid/proto/dispatch/v1/dispatch';
import { DEV_OPEN311_API_KEY } from '../src/config';
import { api, createWorld, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';
import { dispatchClient } from './support/grpc-client';

/**
 * Property-based fuzzing of every way in: staff REST bodies, query strings and path ids, the Open311 form, and the
 * gRPC requests, against the running service. Whatever arrives, the answer is never a 5xx / INTERNAL, the service
 * never falls over, and every refusal carries a specific code (the platform's `error.code`, Open311's status code,
 * gRPC's `ecogrid-reason` trailer).
 */
describe('dispatch under fuzzed input: no 500, no crash, every refusal with a specific code', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let grpc: DispatchServiceClient;
  let caseId = '';
  let evidenceId = '';
  const tokens: Record<string, string> = {};
  const tally = { http: 0, open311: 0, grpc: 0, refusals: 0, accepted: 0 };
  const statuses = new Map<string, number>();
  const count = (label: string): void => void statuses.set(label, (statuses.get(label) ?? 0) + 1);

  beforeAll(async () => {
    world = await createWorld('dispatch-fuzz');
    service = await startDispatch(world);
    grpc = dispatchClient(service.grpcAddress);
    for (const role of ['dispatcher', 'command_center', 'analyst'] as const) tokens[role] = await token(role);
    tokens.officer = await token('officer', 'O-001');
    tokens.supervisor = await token('supervisor', 'S-001');
    const created = await api<{ case: { id: string } }>(service.baseUrl, 'POST', '/v1/cases', {
      token: tokens.dispatcher,
      body: { case_type: 'dust', title: '模糊测试', location: { lon: 111.005, lat: 35.005 } },
    });
    caseId = created.body.case.id;
    const evidence = await api<{ evidence: { id: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/evidence?file_name=a.pdf`, { token: tokens.dispatcher, raw: Buffer.from('%PDF-1.4\n%%EOF\n'), contentType: 'application/pdf' });
    evidenceId = evidence.body.evidence.id;
  });

  afterAll(async () => {
    grpc?.close();
    await service?.process.stop();
    await world?.close();
  });

  // ---- arbitraries -------------------------------------------------------------------------------------------
  const nasty = fc.constantFrom('\u0000', 'a\u0000b', '%00', '../../etc/passwd', "' OR 1=1 --", '\uD800', '\uFFFF', '😀', 'ＡＢＣ', '', ' ', '-1', '1e309', 'NaN', 'null', '[]', '{}', 'x'.repeat(5_000));
  const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), nasty);
  const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1));
  const dateText = fc.oneof(text, fc.date({ noInvalidDate: true }).map((date) => date.toISOString()), fc.constantFrom('2026-11-29T00:00:00', '2026-13-45T99:99:99Z', '0000-01-01T00:00:00Z', '+275760-09-13T00:00:00Z'));
  const scalar = fc.oneof(text, number, fc.boolean(), fc.constant(null));
  const field = (...valid: string[]) => (valid.length > 0 ? fc.oneof(fc.constantFrom(...valid), scalar) : scalar);
  const location = fc.oneof(fc.record({ lon: fc.oneof(number, text), lat: fc.oneof(number, text), address: field() }, { requiredKeys: [] }), scalar, fc.array(number, { maxLength: 3 }));
  const caseBody = fc.record(
    {
      case_type: field('dust', 'noise', 'water'),
      title: field('扬尘'),
      description: field(),
      location,
      cell_id: field('C-01', 'C-03'),
      priority: field('low', 'urgent'),
      enterprise_uscc: field(),
      assignee_officer_id: field('O-001', 'O-009'),
    },
    { requiredKeys: [] },
  );
  const actionBody = fc.record(
    {
      action: field('note', 'accept', 'close', 'escalate', 'merge', 'suspend', 'reassign', 'reopen'),
      expected_version: fc.oneof(number, text),
      note: field('ok'),
      target_officer_id: field('O-001', 'O-002'),
      merge_into_case_id: field(),
      extend_until: dateText,
    },
    { requiredKeys: [] },
  );
  /** A JSON body: well-formed objects of the route, any JSON at all, or not JSON. */
  const jsonBody = (object: fc.Arbitrary<unknown>) => fc.oneof({ weight: 3, arbitrary: object.map((value) => JSON.stringify(value)) }, fc.jsonValue().map((value) => JSON.stringify(value)), text);
  const query = (names: string[]) =>
    fc.dictionary(fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 })), fc.oneof(text, dateText), { maxKeys: 6 }).map((entries) => new URLSearchParams(entries as Record<string, string>).toString());
  // Every byte percent-encoded (encodeURIComponent throws on a lone surrogate).
  const encode = (value: string): string => [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
  const pathId = fc.oneof(fc.constant('CASE'), text.map(encode), fc.constantFrom('%00', '%ZZ', '..%2F..', 'YH-20261129-000001'));
  const role = fc.constantFrom('dispatcher', 'command_center', 'analyst', 'officer', 'supervisor', 'none', 'garbage');

  // ---- checks ------------------------------------------------------------------------------------------------
  const send = async (method: string, path: string, who: string, body?: string | Buffer, contentType = 'application/json') => {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (who === 'garbage') headers.authorization = 'Bearer not.a.token';
    else if (tokens[who]) headers.authorization = `Bearer ${tokens[who]}`;
    const response = await fetch(`${service.baseUrl}${path.replace('CASE', caseId)}`, { method, headers, ...(body === undefined ? {} : { body: body as RequestInit['body'] }) });
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  const checkPlatform = (label: string, answer: { status: number; type: string; text: string }): void => {
    tally.http += 1;
    count(`${label} ${answer.status}`);
    if (answer.status >= 500) throw new Error(`${label}: ${answer.status} ${answer.text.slice(0, 200)}`);
    if (answer.status < 400) {
      tally.accepted += 1;
      return;
    }
    tally.refusals += 1;
    // Node's HTTP parser refuses an oversized request head (431) before any route sees it: its status is the code.
    if (answer.status === 431) return;
    const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
    if (typeof body.error?.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(body.error.code) || typeof body.error.message !== 'string') {
      throw new Error(`${label}: refusal ${answer.status} without a specific code: ${answer.text.slice(0, 200)}`);
    }
  };

  const checkOpen311 = (label: string, answer: { status: number; text: string }): void => {
    tally.open311 += 1;
    count(`${label} ${answer.status}`);
    if (answer.status >= 500) throw new Error(`${label}: ${answer.status} ${answer.text.slice(0, 200)}`);
    if (answer.status < 400) {
      tally.accepted += 1;
      return;
    }
    tally.refusals += 1;
    if (answer.status === 431) return;
    const body = JSON.parse(answer.text) as Array<{ code?: unknown; description?: unknown }>;
    if (!Array.isArray(body) || body[0]?.code !== answer.status || typeof body[0]?.description !== 'string') throw new Error(`${label}: refusal not in the GeoReport v2 shape: ${answer.text.slice(0, 200)}`);
  };

  const RUNS = 250;

  it('staff REST: bodies, query strings and ids of every route', async () => {
    const routes: Array<[string, fc.Arbitrary<{ method: string; path: string; who: string; body?: string | Buffer; type?: string }>]> = [
      ['POST /v1/cases', fc.record({ who: role, body: jsonBody(caseBody) }).map((x) => ({ method: 'POST', path: '/v1/cases', ...x }))],
      ['GET /v1/cases', fc.record({ who: role, q: query(['status', 'township', 'cell', 'officer', 'overdue', 'from', 'to', 'q', 'priority', 'source', 'page_size', 'page_token']) }).map((x) => ({ method: 'GET', path: `/v1/cases?${x.q}`, who: x.who }))],
      ['GET /v1/cases/:id', fc.record({ who: role, id: pathId }).map((x) => ({ method: 'GET', path: `/v1/cases/${x.id}`, who: x.who }))],
      ['POST /v1/cases/:id/actions', fc.record({ who: role, id: pathId, body: jsonBody(actionBody) }).map((x) => ({ method: 'POST', path: `/v1/cases/${x.id}/actions`, who: x.who, body: x.body }))],
      [
        'POST /v1/cases/:id/evidence',
        fc
          .record({ who: role, id: pathId, q: query(['file_name', 'lon', 'lat', 'taken_time']), body: fc.uint8Array({ maxLength: 256 }), type: fc.constantFrom('image/jpeg', 'image/png', 'application/pdf', 'text/html', '', 'image/jpeg; charset=x') })
          .map((x) => ({ method: 'POST', path: `/v1/cases/${x.id}/evidence?${x.q}`, who: x.who, body: Buffer.from(x.body), type: x.type })),
      ],
      [
        'POST /v1/cases/:id/evidence-links',
        fc.record({ who: role, id: pathId, body: jsonBody(fc.record({ kind: field('alert', 'observation'), reference_id: field('A-1'), note: field() }, { requiredKeys: [] })) }).map((x) => ({ method: 'POST', path: `/v1/cases/${x.id}/evidence-links`, who: x.who, body: x.body })),
      ],
      ['GET /v1/cases/:id/evidence/:evidence', fc.record({ who: role, id: pathId, e: fc.oneof(fc.constant('EVIDENCE'), pathId) }).map((x) => ({ method: 'GET', path: `/v1/cases/${x.id}/evidence/${x.e}`, who: x.who }))],
      ['GET /v1/cases/:id/history/verify', fc.record({ who: role, id: pathId }).map((x) => ({ method: 'GET', path: `/v1/cases/${x.id}/history/verify`, who: x.who }))],
      ['GET /v1/kpis', fc.record({ who: role, q: query(['from', 'to', 'township', 'officer']) }).map((x) => ({ method: 'GET', path: `/v1/kpis?${x.q}`, who: x.who }))],
    ];
    for (const [label, arbitrary] of routes) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          const answer = await send(request.method, request.path.replace('EVIDENCE', evidenceId), request.who, request.body, request.type);
          if (request.path.includes('/evidence/') && answer.status === 200) {
            tally.http += 1;
            tally.accepted += 1;
            return;
          }
          checkPlatform(label, answer);
        }),
        { numRuns: RUNS },
      );
    }
    expect((await fetch(`${service.adminUrl}/healthz`)).status).toBe(200);
  }, 600_000);

  it('Open311: the form (urlencoded and JSON), the request list and single requests', async () => {
    const form = fc.record(
      {
        api_key: fc.oneof({ weight: 4, arbitrary: fc.constant(DEV_OPEN311_API_KEY) }, text),
        service_code: field('noise', 'dust', 'water'),
        lat: fc.oneof(number.map(String), text),
        long: fc.oneof(number.map(String), text),
        address_string: text,
        description: text,
        email: text,
        phone: text,
        first_name: text,
        last_name: text,
        device_id: text,
        account_id: text,
        media_url: text,
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(form, fc.boolean(), async (fields, asJson) => {
        const body = asJson ? JSON.stringify(fields) : new URLSearchParams(fields as Record<string, string>).toString();
        checkOpen311('POST requests.json', await send('POST', '/open311/v2/requests.json', 'none', body, asJson ? 'application/json' : 'application/x-www-form-urlencoded'));
      }),
      { numRuns: RUNS * 2 },
    );
    await fc.assert(
      fc.asyncProperty(query(['service_request_id', 'service_code', 'start_date', 'end_date', 'status']), async (q) => {
        checkOpen311('GET requests.json', await send('GET', `/open311/v2/requests.json?${q}`, 'none'));
      }),
      { numRuns: RUNS },
    );
    await fc.assert(
      fc.asyncProperty(pathId, async (id) => {
        checkOpen311('GET requests/:id.json', await send('GET', `/open311/v2/requests/${id}.json`, 'none'));
      }),
      { numRuns: RUNS },
    );
    expect((await fetch(`${service.adminUrl}/healthz`)).status).toBe(200);
  }, 600_000);

  it('gRPC: every RPC with fuzzed requests', async () => {
    const timestamp = fc.option(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), { nil: undefined });
    const str = fc.oneof(text, fc.constantFrom(caseId, 'O-001', 'C-01', 'dust', 'note'));
    const enumValue = fc.integer({ min: -2, max: 12 });
    const place = fc.option(fc.record({ lon: fc.double(), lat: fc.double(), address: str }), { nil: undefined });
    const calls: Array<[string, fc.Arbitrary<Record<string, unknown>>]> = [
      ['createCase', fc.record({ source: enumValue, caseType: str, title: str, description: str, location: place, priority: enumValue, enterpriseUscc: str, assigneeOfficerId: str })],
      ['getCase', fc.record({ caseId: str })],
      [
        'listCases',
        fc.record({ pageSize: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), pageToken: str, statuses: fc.array(enumValue, { maxLength: 4 }), townshipCode: str, cellId: str, officerId: str, overdueOnly: fc.boolean(), createdFrom: timestamp, createdTo: timestamp, query: str, priority: enumValue, source: enumValue }),
      ],
      ['actOnCase', fc.record({ caseId: str, action: str, expectedVersion: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }), note: str, targetOfficerId: str, mergeIntoCaseId: str, extendUntil: timestamp })],
      ['attachEvidence', fc.record({ caseId: str, fileName: str, mediaType: fc.oneof(str, fc.constantFrom('image/png', 'application/pdf')), content: fc.uint8Array({ maxLength: 128 }).map((bytes) => Buffer.from(bytes)), takenAt: place, takenTime: timestamp })],
      ['linkEvidence', fc.record({ caseId: str, kind: fc.oneof(str, fc.constantFrom('alert', 'observation')), referenceId: str, note: str })],
      ['verifyHistory', fc.record({ caseId: str })],
      ['getKpis', fc.record({ from: timestamp, to: timestamp, townshipCode: str, officerId: str })],
    ];
    const call = (method: string, request: Record<string, unknown>, who: string): Promise<{ code: number; reason?: string }> => {
      const metadata = new Metadata();
      if (tokens[who]) metadata.set('authorization', `Bearer ${tokens[who]}`);
      const defined = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));
      const invoke = (grpc as unknown as Record<string, (request: unknown, metadata: Metadata, options: object, callback: (error: ServiceError | null) => void) => void>)[method] as (
        request: unknown,
        metadata: Metadata,
        options: object,
        callback: (error: ServiceError | null) => void,
      ) => void;
      return new Promise((resolve) => {
        invoke.call(grpc, defined, metadata, { deadline: Date.now() + 10_000 }, (error) => {
          if (!error) return resolve({ code: 0 });
          const reason = error.metadata?.get('ecogrid-reason')[0];
          resolve({ code: error.code, ...(typeof reason === 'string' ? { reason } : {}) });
        });
      });
    };
    for (const [method, arbitrary] of calls) {
      await fc.assert(
        fc.asyncProperty(arbitrary, role, async (request, who) => {
          const outcome = await call(method, request, who);
          tally.grpc += 1;
          count(`grpc ${method} ${outcome.code}`);
          if (outcome.code === 0) {
            tally.accepted += 1;
            return;
          }
          tally.refusals += 1;
          // INTERNAL, UNKNOWN, UNAVAILABLE or DEADLINE_EXCEEDED would be the service failing, not refusing.
          if ([2, 4, 13, 14].includes(outcome.code) || !outcome.reason) throw new Error(`${method}: code ${outcome.code} without a specific reason (${outcome.reason ?? 'none'})`);
        }),
        { numRuns: Math.round(RUNS * 0.6) },
      );
    }
    expect((await fetch(`${service.adminUrl}/healthz`)).status).toBe(200);
    process.stdout.write(
      `fuzzing: ${tally.http} staff REST + ${tally.open311} Open311 + ${tally.grpc} gRPC = ${tally.http + tally.open311 + tally.grpc} inputs; ${tally.accepted} accepted, ${tally.refusals} refused with a specific code, 0 5xx/INTERNAL, service alive\n` +
        `  answers: ${[...statuses.entries()].sort().map(([label, n]) => `${label}×${n}`).join(', ')}\n`,
    );
  }, 600_000);
});

import { Router, type Request, type Response } from 'express';
import { RequestError } from '@ecogrid/domain-errors';
import type { Logger } from '@ecogrid/telemetry';
import type { DispatchApp } from '../../app';
import type { ApiKeyStore } from '../../app/ports';
import { assertPartner } from '../../app/submit-complaint';
import type { CaseState, CaseStatus } from '../../domain/case';
import { answerErrors, noRoute, refuseOtherMethods } from './error-answers';
import { readBody } from './request-body';
import { idempotencyClaimOf, markReplayed, optionalClaim } from './idempotency-key';
import { optionalDate, paramOf, queryOf, refuseNul, refuseNulInUrl } from './request-fields';

const AGENCY = '运城市盐湖区生态环境局 网格化指挥中心';
/** A GeoReport v2 request is a handful of short fields. */
const OPEN311_BODY_LIMIT = 64 * 1024;

const STATUS_NOTES: Record<CaseStatus, string> = {
  registered: '已立案，等待派遣',
  dispatched: '已派遣至网格员',
  accepted: '网格员已签收',
  on_site: '网格员已到场处置',
  handled: '已处置，等待核查',
  verified: '已核查，等待结案',
  closed: '已结案',
  returned: '已退回指挥中心重新派遣',
  suspended: '已批准延期处理',
  merged: '与已受理的同一问题合并处理',
};

function requestJson(state: CaseState, labels: Readonly<Record<string, string>>): Record<string, unknown> {
  const closed = state.status === 'closed' || state.status === 'merged';
  const code = state.serviceCode ?? state.caseType;
  return {
    service_request_id: state.id,
    status: closed ? 'closed' : 'open',
    status_notes: state.mergedInto ? `${STATUS_NOTES.merged}（${state.mergedInto}）` : STATUS_NOTES[state.status],
    service_name: labels[code] ?? code,
    service_code: code,
    description: state.description,
    agency_responsible: AGENCY,
    service_notice: '',
    requested_datetime: state.createdAt.toISOString(),
    updated_datetime: state.updatedAt.toISOString(),
    expected_datetime: state.stepDeadline?.toISOString() ?? null,
    address: state.location?.address ?? '',
    address_id: '',
    zipcode: '',
    lat: state.location?.lat ?? null,
    long: state.location?.lon ?? null,
    media_url: '',
  };
}

/** The query, and for a POST the body's fields on top: the spec's form encoding, or JSON. */
async function readParams(request: Request, response: Response): Promise<URLSearchParams> {
  const params = queryOf(request);
  if (request.method !== 'POST') return params;
  const raw = (await readBody(request, response, OPEN311_BODY_LIMIT)).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    let body: Record<string, unknown>;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      throw new RequestError(400, 'invalid_json', 'the request body could not be read');
    }
    for (const [key, value] of Object.entries(body)) if (value !== undefined && value !== null) params.set(key, String(value));
  } else {
    // The spec's own encoding: application/x-www-form-urlencoded.
    for (const [key, value] of new URLSearchParams(raw)) params.set(key, value);
  }
  refuseNul([...params.keys(), ...params.values()]);
  return params;
}

/**
 * The Open311 GeoReport v2 routes (JSON format), mounted at `/open311/v2`: discovery of services, posting and reading
 * requests. Errors come from the platform's one mapping, in the spec's `[{ code, description }]` shape.
 */
export function open311Routes(app: DispatchApp, apiKeys: ApiKeyStore, logger: Logger): Router {
  const router = Router({ strict: true, caseSensitive: true });
  router.use(refuseNulInUrl);
  const catalogue = app.readOpen311Catalogue();
  const render = (state: CaseState): Record<string, unknown> => requestJson(state, catalogue.caseTypeLabels);

  router
    .route('/services.json')
    .get((_request, response) => {
      response.json(catalogue.services);
    })
    .all(refuseOtherMethods(['GET']));

  router
    .route('/services/:code.json')
    .get((request) => {
      const code = paramOf(request, 'code');
      const known = catalogue.services.some((service) => service.service_code === code);
      throw new RequestError(404, 'no_service_definition', known ? `service_code ${code} has no service definition (metadata is false)` : `service_code ${code} was not found`);
    })
    .all(refuseOtherMethods(['GET']));

  router
    .route('/requests.json')
    .post(async (request, response) => {
      const params = await readParams(request, response);
      const apiKey = params.get('api_key') ?? '';
      const partner = assertPartner(apiKey ? await apiKeys.partnerOfKey(apiKey) : undefined);
      const number = (name: string): number | undefined => (params.get(name) === null || params.get(name) === '' ? undefined : Number(params.get(name)));
      const text = (name: string): string | undefined => params.get(name) || undefined;
      const lat = number('lat');
      const long = number('long');
      // The partner's request as it was asked, minus the key that authenticated it.
      const fingerprint = Object.fromEntries([...params].filter(([name]) => name !== 'api_key').sort(([a], [b]) => a.localeCompare(b)));
      const { state, replayed } = await app.submitComplaint({
        partner,
        ...optionalClaim(idempotencyClaimOf(request, `open311:${partner}`, fingerprint)),
        serviceCode: params.get('service_code') ?? '',
        ...(lat !== undefined ? { lat } : {}),
        ...(long !== undefined ? { long } : {}),
        ...(text('address_string') ? { addressString: text('address_string') as string } : {}),
        ...(text('description') ? { description: text('description') as string } : {}),
        ...(text('media_url') ? { mediaUrl: text('media_url') as string } : {}),
        complainant: {
          ...(text('email') ? { email: text('email') as string } : {}),
          ...(text('phone') ? { phone: text('phone') as string } : {}),
          ...(text('first_name') ? { firstName: text('first_name') as string } : {}),
          ...(text('last_name') ? { lastName: text('last_name') as string } : {}),
          ...(text('device_id') ? { deviceId: text('device_id') as string } : {}),
          ...(text('account_id') ? { accountId: text('account_id') as string } : {}),
        },
      });
      markReplayed(response, replayed);
      response.status(201).json([{ service_request_id: state.id, service_notice: '您的举报已受理，可凭编号查询办理进度', account_id: null }]);
    })
    .get(async (request, response) => {
      const query = queryOf(request);
      const status = query.get('status');
      if (status && status !== 'open' && status !== 'closed') throw new RequestError(400, 'invalid_status', 'status is open or closed', { field: 'status' });
      const startDate = optionalDate(query.get('start_date') ?? undefined, 'start_date');
      const endDate = optionalDate(query.get('end_date') ?? undefined, 'end_date');
      const ids = query.get('service_request_id');
      const states = await app.readComplaints({
        ...(ids ? { ids: ids.split(',').map((value) => value.trim()).filter(Boolean) } : {}),
        ...(query.get('service_code') ? { serviceCode: query.get('service_code') as string } : {}),
        ...(startDate ? { startDate } : {}),
        ...(endDate ? { endDate } : {}),
        ...(status ? { status: status as 'open' | 'closed' } : {}),
      });
      response.json(states.map(render));
    })
    .all(refuseOtherMethods(['GET', 'POST']));

  router
    .route('/requests/:id.json')
    .get(async (request, response) => {
      const state = await app.readComplaint(paramOf(request, 'id'));
      response.json([render(state)]);
    })
    .all(refuseOtherMethods(['GET']));

  router.use(noRoute);
  router.use(answerErrors('open311', logger));
  return router;
}

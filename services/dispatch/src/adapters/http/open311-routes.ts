import type { IncomingMessage, ServerResponse } from 'node:http';
import { isDomainError } from '@ecogrid/domain-errors';
import type { DispatchApp } from '../../app';
import type { ApiKeyStore } from '../../app/ports';
import { assertPartner } from '../../app/submit-complaint';
import type { CaseState, CaseStatus } from '../../domain/case';
import { open311Services } from '../../domain/open311-services';
import { optionalDate, readBody, route, sendJson, type Route } from './http-kit';

const AGENCY = '运城市盐湖区生态环境局 网格化指挥中心';

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

/** Open311 GeoReport v2 errors: an array of `{ code, description }` with the same HTTP status. */
export function sendOpen311Error(response: ServerResponse, status: number, description: string): void {
  sendJson(response, status, [{ code: status, description }]);
}

export function open311Status(error: unknown): number {
  if (!isDomainError(error)) return 500;
  switch (error.code) {
    case 'PERMISSION_DENIED':
    case 'UNAUTHENTICATED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
      return 400;
    default:
      return 500;
  }
}

function requestJson(state: CaseState, policyLabel: (code: string) => string, mergedNote?: string): Record<string, unknown> {
  const closed = state.status === 'closed' || state.status === 'merged';
  return {
    service_request_id: state.id,
    status: closed ? 'closed' : 'open',
    status_notes: mergedNote ?? STATUS_NOTES[state.status],
    service_name: policyLabel(state.serviceCode ?? state.caseType),
    service_code: state.serviceCode ?? state.caseType,
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

async function readParams(request: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const params = new URLSearchParams(url.searchParams);
  if (request.method !== 'POST') return params;
  const raw = (await readBody(request, 64 * 1024)).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(body)) if (value !== undefined && value !== null) params.set(key, String(value));
  } else {
    // The spec's own encoding: application/x-www-form-urlencoded.
    for (const [key, value] of new URLSearchParams(raw)) params.set(key, value);
  }
  return params;
}

/** The Open311 GeoReport v2 routes (JSON format): discovery of services, posting and reading requests. */
export function open311Routes(app: DispatchApp, apiKeys: ApiKeyStore): Route[] {
  const label = (code: string): string => app.runtime.policy.caseTypes[code]?.label ?? code;
  const render = (state: CaseState): Record<string, unknown> => requestJson(state, label, state.mergedInto ? `${STATUS_NOTES.merged}（${state.mergedInto}）` : undefined);

  const guarded = (handle: Route['handle']): Route['handle'] => async (request, response, params, url) => {
    try {
      await handle(request, response, params, url);
    } catch (error) {
      const status = open311Status(error);
      if (status === 500) throw error;
      sendOpen311Error(response, status, (error as Error).message);
    }
  };

  return [
    route('GET', '/open311/v2/services.json', guarded(async (_request, response) => sendJson(response, 200, open311Services(app.runtime.policy)))),
    route(
      'GET',
      '/open311/v2/services/:code.json',
      guarded(async (_request, response, params) => {
        const code = decodeURIComponent(params[0] ?? '');
        const known = open311Services(app.runtime.policy).some((service) => service.service_code === code);
        sendOpen311Error(response, 404, known ? `service_code ${code} has no service definition (metadata is false)` : `service_code ${code} was not found`);
      }),
    ),
    route(
      'POST',
      '/open311/v2/requests.json',
      guarded(async (request, response, _params, url) => {
        let params: URLSearchParams;
        try {
          params = await readParams(request, url);
        } catch {
          sendOpen311Error(response, 400, 'the request body could not be read');
          return;
        }
        const apiKey = params.get('api_key') ?? '';
        const partner = assertPartner(apiKey ? await apiKeys.partnerOfKey(apiKey) : undefined);
        const number = (name: string): number | undefined => (params.get(name) === null || params.get(name) === '' ? undefined : Number(params.get(name)));
        const text = (name: string): string | undefined => params.get(name) || undefined;
        const lat = number('lat');
        const long = number('long');
        const state = await app.submitComplaint({
          partner,
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
        sendJson(response, 201, [{ service_request_id: state.id, service_notice: '您的举报已受理，可凭编号查询办理进度', account_id: null }]);
      }),
    ),
    route(
      'GET',
      '/open311/v2/requests.json',
      guarded(async (_request, response, _params, url) => {
        const query = url.searchParams;
        const status = query.get('status');
        if (status && status !== 'open' && status !== 'closed') {
          sendOpen311Error(response, 400, 'status is open or closed');
          return;
        }
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
        sendJson(response, 200, states.map(render));
      }),
    ),
    route(
      'GET',
      '/open311/v2/requests/:id.json',
      guarded(async (_request, response, params) => {
        const state = await app.readComplaint(decodeURIComponent(params[0] ?? ''));
        sendJson(response, 200, [render(state)]);
      }),
    ),
  ];
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OPEN311_API_KEY } from '../src/config';
import { api, createWorld, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

describe('dispatch: Open311 GeoReport v2 for 12369 complaints', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let requestId = '';

  beforeAll(async () => {
    world = await createWorld('dispatch-open311');
    service = await startDispatch(world, { LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    await service?.process.stop();
    await world?.close();
  });

  const post = (fields: Record<string, string>) =>
    api<unknown>(service.baseUrl, 'POST', '/open311/v2/requests.json', { body: form(fields), contentType: 'application/x-www-form-urlencoded' });

  it('lists its services with the spec field names', async () => {
    const { status, body } = await api<Array<Record<string, unknown>>>(service.baseUrl, 'GET', '/open311/v2/services.json');
    expect(status).toBe(200);
    expect(body.find((service) => service.service_code === 'noise')).toEqual({
      service_code: 'noise',
      service_name: '噪声扰民',
      description: expect.any(String),
      metadata: false,
      type: 'realtime',
      keywords: expect.any(String),
      group: '12369 环保举报',
    });
  });

  it('refuses a POST without or with a wrong api_key, and an unknown service code, in the spec error shape', async () => {
    const missing = await post({ service_code: 'noise', lat: '35.005', long: '111.005' });
    expect(missing).toEqual({ status: 403, body: [{ code: 403, description: expect.stringContaining('api_key') }] });
    const wrong = await post({ api_key: 'not-a-key', service_code: 'noise', lat: '35.005', long: '111.005' });
    expect(wrong.status).toBe(403);
    const unknown = await post({ api_key: DEV_OPEN311_API_KEY, service_code: 'potholes', lat: '35.005', long: '111.005' });
    expect(unknown).toEqual({ status: 400, body: [{ code: 400, description: 'service_code "potholes" was not found' }] });
    const nowhere = await post({ api_key: DEV_OPEN311_API_KEY, service_code: 'noise' });
    expect(nowhere).toEqual({ status: 400, body: [{ code: 400, description: expect.stringContaining('location is required') }] });
    expect(await api(service.baseUrl, 'GET', '/open311/v2/requests/YH-20990101-000001.json')).toEqual({ status: 404, body: [{ code: 404, description: expect.any(String) }] });
  });

  it('takes a request with lat/long and a service code, routes it, and keeps the contact private', async () => {
    const created = await post({
      api_key: DEV_OPEN311_API_KEY,
      service_code: 'noise',
      lat: '35.005',
      long: '111.015',
      description: '夜间施工噪声扰民',
      email: 'citizen@example.cn',
      phone: '13800138000',
      first_name: '明',
      last_name: '李',
    });
    expect(created.status).toBe(201);
    const [receipt] = created.body as Array<{ service_request_id: string; service_notice: string }>;
    requestId = receipt?.service_request_id ?? '';
    expect(requestId).toMatch(/^YH-\d{8}-\d{6}$/);

    const { body } = await api<Array<Record<string, unknown>>>(service.baseUrl, 'GET', `/open311/v2/requests/${requestId}.json`);
    expect(body).toHaveLength(1);
    expect(body[0]).toMatchObject({ service_request_id: requestId, status: 'open', service_code: 'noise', service_name: '噪声扰民', description: '夜间施工噪声扰民', lat: 35.005, long: 111.015 });
    const everything = JSON.stringify(body);
    expect(everything).not.toContain('13800138000');
    expect(everything).not.toContain('citizen@example.cn');

    const staff = await api<{ case: Record<string, unknown>; history: unknown[] }>(service.baseUrl, 'GET', `/v1/cases/${requestId}`, { token: await token('dispatcher') });
    // C-02's officer is inactive: the unit supervisor takes it, and says why.
    expect(staff.body.case).toMatchObject({ source: 'complaint', cell_id: 'C-02', assignee_officer_id: 'S-001', status: 'dispatched' });
    expect(staff.body.case.assignment_reason).toContain('no officer on duty in cell C-02');
    expect(JSON.stringify(staff.body)).not.toContain('13800138000');
    const { rows } = await world.db.query<{ contact: Record<string, string> }>('SELECT contact FROM complainants WHERE case_id = $1', [requestId]);
    expect(rows[0]?.contact).toMatchObject({ phone: '13800138000', email: 'citizen@example.cn' });
    expect(service.process.output()).not.toContain('13800138000');
  });

  it('shows the status change when the case closes', async () => {
    const dispatcher = await token('dispatcher');
    const supervisor = await token('supervisor', 'S-001');
    const otherSupervisor = await token('supervisor', 'S-002', '140802001');
    let version = 2;
    for (const [who, action] of [
      [supervisor, 'accept'],
      [supervisor, 'arrive'],
      [supervisor, 'resolve'],
      [otherSupervisor, 'verify'],
      [dispatcher, 'close'],
    ] as const) {
      const result = await api<{ case: { version: number } }>(service.baseUrl, 'POST', `/v1/cases/${requestId}/actions`, { token: who, body: { action, expected_version: version, note: action } });
      expect(result.status, `${action}: ${JSON.stringify(result.body)}`).toBe(200);
      version = result.body.case.version;
    }
    const { body } = await api<Array<Record<string, unknown>>>(service.baseUrl, 'GET', `/open311/v2/requests/${requestId}.json`);
    expect(body[0]).toMatchObject({ status: 'closed', status_notes: '已结案' });
    const closed = await api<Array<{ service_request_id: string }>>(service.baseUrl, 'GET', '/open311/v2/requests.json?status=closed&service_code=noise');
    expect(closed.body.map((request) => request.service_request_id)).toContain(requestId);
    const open = await api<Array<{ service_request_id: string }>>(service.baseUrl, 'GET', '/open311/v2/requests.json?status=open');
    expect(open.body.map((request) => request.service_request_id)).not.toContain(requestId);
    const byId = await api<Array<{ service_request_id: string }>>(service.baseUrl, 'GET', `/open311/v2/requests.json?service_request_id=${requestId}`);
    expect(byId.body).toHaveLength(1);
  });
});

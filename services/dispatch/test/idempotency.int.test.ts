import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_OPEN311_API_KEY } from '../src/config';
import { createWorld, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';

/**
 * Idempotency-Key on POST /v1/cases and the Open311 POST: a client retrying after a lost answer gets the first
 * result, never a second case, even when the retries race each other.
 */
describe('dispatch: Idempotency-Key on the two creating POSTs', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;

  beforeAll(async () => {
    world = await createWorld('dispatch-idempotency');
    service = await startDispatch(world);
  });

  afterAll(async () => {
    await service?.process.stop();
    await world?.close();
  });

  const post = async (path: string, options: { token?: string; key?: string; body: string; type: string }) => {
    const headers: Record<string, string> = { 'content-type': options.type };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.key !== undefined) headers['idempotency-key'] = options.key;
    const response = await fetch(`${service.baseUrl}${path}`, { method: 'POST', headers, body: options.body });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed') === 'true', body: (await response.json()) as Record<string, unknown> & Array<Record<string, unknown>> };
  };
  const caseCount = async (): Promise<number> => (await world.db.query<{ n: number }>('SELECT count(*)::int AS n FROM cases')).rows[0]?.n ?? 0;
  const newCase = (title: string, extra: Record<string, unknown> = {}) => JSON.stringify({ case_type: 'dust', title, location: { lon: 111.005, lat: 35.005 }, ...extra });

  it('answers a retry of POST /v1/cases with the first case and status, refuses the key for another body, and keeps keys per principal', async () => {
    const dispatcher = await token('dispatcher');
    const before = await caseCount();
    const first = await post('/v1/cases', { token: dispatcher, key: 'retry-1', body: newCase('扬尘 重试'), type: 'application/json' });
    // The same request, keys in another order: the same request.
    const retry = await post('/v1/cases', { token: dispatcher, key: 'retry-1', body: JSON.stringify({ title: '扬尘 重试', location: { lat: 35.005, lon: 111.005 }, case_type: 'dust' }), type: 'application/json' });
    const other = await post('/v1/cases', { token: dispatcher, key: 'retry-1', body: newCase('另一件事'), type: 'application/json' });
    const someoneElse = await post('/v1/cases', { token: await token('command_center'), key: 'retry-1', body: newCase('扬尘 重试'), type: 'application/json' });
    const bad = await post('/v1/cases', { token: dispatcher, key: 'has spaces', body: newCase('x'), type: 'application/json' });
    const created = (await caseCount()) - before;
    process.stdout.write(`POST /v1/cases: first ${first.status}, retry ${retry.status} (replayed ${retry.replayed}), other body ${other.status}, other principal ${someoneElse.status}; ${created} cases created\n`);
    expect(first.status).toBe(201);
    expect(first.replayed).toBe(false);
    expect(retry.status).toBe(201);
    expect(retry.replayed).toBe(true);
    expect((retry.body.case as { id: string }).id).toBe((first.body.case as { id: string }).id);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ error: { code: 'idempotency_key_reused', field: 'Idempotency-Key' } });
    expect(someoneElse.status).toBe(201);
    expect((someoneElse.body.case as { id: string }).id).not.toBe((first.body.case as { id: string }).id);
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_idempotency_key' } } });
    expect(created).toBe(2);
  });

  it('creates one case for ten concurrent retries with one key: the others get it, or are told the first is still running', async () => {
    const dispatcher = await token('dispatcher');
    const before = await caseCount();
    const send = () => post('/v1/cases', { token: dispatcher, key: 'burst-1', body: newCase('扬尘 并发重试'), type: 'application/json' });
    const answers = await Promise.all(Array.from({ length: 10 }, send));
    const ok = answers.filter((answer) => answer.status === 201);
    const inFlight = answers.filter((answer) => answer.status === 409 && (answer.body.error as { code?: string } | undefined)?.code === 'idempotency_key_in_flight');
    const ids = new Set(ok.map((answer) => (answer.body.case as { id: string }).id));
    const later = await send();
    const created = (await caseCount()) - before;
    process.stdout.write(
      `10 concurrent POST /v1/cases with one key: ${ok.length} × 201 (${ok.filter((answer) => answer.replayed).length} replayed), ${inFlight.length} × 409 in flight, ${ids.size} distinct case ids, ${created} cases created\n`,
    );
    expect(ok.length + inFlight.length).toBe(10);
    expect(ids.size).toBe(1);
    expect(later).toMatchObject({ status: 201, replayed: true });
    expect((later.body.case as { id: string }).id).toBe([...ids][0]);
    expect(created).toBe(1);
  });

  it('answers a retry of the Open311 POST with the first service_request_id, and refuses the key for another complaint', async () => {
    const form = (description: string) => new URLSearchParams({ api_key: DEV_OPEN311_API_KEY, service_code: 'noise', lat: '35.005', long: '111.005', description }).toString();
    const type = 'application/x-www-form-urlencoded';
    const before = await caseCount();
    const first = await post('/open311/v2/requests.json', { key: 'hotline-42', body: form('夜间施工噪声'), type });
    const retry = await post('/open311/v2/requests.json', { key: 'hotline-42', body: form('夜间施工噪声'), type });
    const other = await post('/open311/v2/requests.json', { key: 'hotline-42', body: form('另一起噪声'), type });
    const created = (await caseCount()) - before;
    process.stdout.write(`Open311 POST: first ${first.status}, retry ${retry.status} (replayed ${retry.replayed}), other complaint ${other.status}; ${created} cases created\n`);
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.replayed).toBe(true);
    // Open311's error shape has numeric codes only: a conflict is its 400, the description names the cause.
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body)).toContain('Idempotency-Key');
    expect(created).toBe(1);
  });

  it('forgets a key after it expires (24 h): the same key then creates anew', async () => {
    const dispatcher = await token('dispatcher');
    const first = await post('/v1/cases', { token: dispatcher, key: 'old-1', body: newCase('过期的键'), type: 'application/json' });
    await world.db.query("UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'old-1'");
    const again = await post('/v1/cases', { token: dispatcher, key: 'old-1', body: newCase('过期的键'), type: 'application/json' });
    expect(again.status).toBe(201);
    expect(again.replayed).toBe(false);
    expect((again.body.case as { id: string }).id).not.toBe((first.body.case as { id: string }).id);
    const { rows } = await world.db.query<{ hours: number }>("SELECT round(extract(epoch FROM expires_at - created_at) / 3600)::int AS hours FROM idempotency_keys WHERE key = 'old-1'");
    expect(rows[0]?.hours).toBe(24);
  });
});

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import { recordTopics, waitFor, type RecordedMessage, type TopicRecorder } from '@ecogrid/testkit';
import { createInMemoryGridDirectory } from './contracts/in-memory-grid-directory';
import { GRID } from './contracts/grid-fixture';
import { alertEvent, api, createWorld, decodeCase, HISTORY_KEYS, startDispatch, token, type DispatchWorld, type RunningDispatch } from './support/dispatch-harness';
import { linkHash, type ChainKey } from '@ecogrid/hash-chain';
import { historyFromRow } from '../src/adapters/postgres/pg-case-store';
import { canonicalEntry } from '../src/domain/history-chain';
import { dispatchClient, withToken } from './support/grpc-client';
import type { DispatchServiceClient } from '@ecogrid/proto/dispatch/v1/dispatch';

/**
 * How an exceedance reaches dispatch. Today the test publishes the `AlertChanged` that alerting would; once
 * ingest and alerting run, swap this for a front that sends a real HJ 212 frame to ingest — nothing after
 * `raise` changes.
 */
interface ExceedanceFront {
  raise(input: { alertId: string; deviceMn: string; factorCode: string }): Promise<void>;
}

const alertEventFront = (world: DispatchWorld): ExceedanceFront => ({
  raise: (input) => world.publisher.publish(alertEvent(world.topics, { ...input, severity: 'major', value: 412.5, limit: 200 })),
});

/** A tiny but real JPEG (SOI, APP0 JFIF, EOI) standing in for a site photo. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]);

describe('dispatch: an exceedance becomes a case and goes round the closed loop', () => {
  let world: DispatchWorld;
  let service: RunningDispatch;
  let recorder: TopicRecorder;
  let grpc: DispatchServiceClient;
  let front: ExceedanceFront;
  let caseId = '';
  const events = (id: string): RecordedMessage[] => {
    const seen = new Set<string>();
    return recorder.messages.filter((message) => message.key === id && !seen.has(message.headers.ce_id ?? '') && seen.add(message.headers.ce_id ?? ''));
  };

  beforeAll(async () => {
    world = await createWorld('dispatch-loop');
    recorder = await recordTopics(world.kafka, [world.topics.cases]);
    service = await startDispatch(world);
    grpc = dispatchClient(service.grpcAddress);
    front = alertEventFront(world);
  });

  afterAll(async () => {
    grpc?.close();
    await service?.process.stop();
    await recorder?.stop();
    await world?.close();
  });

  it('opens one case for the alert and dispatches it to the on-duty officer of the right cell', async () => {
    const expectedOfficer = createInMemoryGridDirectory(GRID).onDutyOfficer('C-01', new Date())?.officerId;
    await front.raise({ alertId: 'ALERT-SO2-1', deviceMn: 'MN-0001', factorCode: 'a21026' });
    const [dispatched] = await recorder.waitForCount(1, (message) => decodeCase(message.value).action === 'dispatched', 15_000);
    const event = decodeCase(dispatched?.value ?? null);
    caseId = event.caseId;
    expect(caseId).toMatch(/^YH-\d{8}-\d{6}$/);
    expect(dispatched?.key).toBe(caseId);
    expect(dispatched?.headers).toMatchObject({ ce_type: 'ecogrid.dispatch.v1.CaseChanged', ce_id: `${caseId}:2`, ce_source: '/ecogrid/dispatch' });
    expect(event).toMatchObject({
      status: CaseStatus.CASE_STATUS_DISPATCHED,
      cellId: 'C-01',
      townshipCode: '140802001',
      assigneeOfficerId: expectedOfficer,
      alertId: 'ALERT-SO2-1',
      deviceMn: 'MN-0001',
      factorCode: 'a21026',
      enterpriseUscc: '91140800MA0GRID01X',
      caseType: 'air_emission_exceedance',
    });
    expect(event.assignmentReason).toContain('C-01');
    const registered = events(caseId).map((message) => decodeCase(message.value)).find((candidate) => candidate.action === 'registered');
    expect(registered?.sequence).toBe(1);
    // Major severity is high; the school 140 m away makes it urgent: accept within 15 minutes.
    const { body } = await api<{ case: Record<string, unknown>; history: Array<{ details: { priorityReasons?: string[] } }> }>(service.baseUrl, 'GET', `/v1/cases/${caseId}`, {
      token: await token('dispatcher'),
    });
    expect(body.case).toMatchObject({ priority: 'urgent', step: 'accept', status: 'dispatched' });
    expect(Date.parse(body.case.step_deadline as string) - Date.parse(body.case.created_at as string)).toBe(15 * 60_000);
    expect(body.history[0]?.details.priorityReasons?.join(' ')).toContain('T-SCHOOL');
  });

  it('joins a second alert of the same device and factor, and absorbs a redelivered one', async () => {
    await front.raise({ alertId: 'ALERT-SO2-2', deviceMn: 'MN-0001', factorCode: 'a21026' });
    await world.publisher.publish(alertEvent(world.topics, { alertId: 'ALERT-SO2-1', severity: 'major' }));
    await recorder.waitForCount(1, (message) => message.key === caseId && decodeCase(message.value).action === 'alert_joined');
    // A marker alert for another device, published after the redelivery on the same partition key path.
    await front.raise({ alertId: 'ALERT-MARK', deviceMn: 'MN-0001', factorCode: 'a34013' });
    await recorder.waitForCount(1, (message) => decodeCase(message.value).alertId === 'ALERT-MARK' && decodeCase(message.value).action === 'dispatched');
    const { rows } = await world.db.query<{ n: string }>(`SELECT count(*) AS n FROM cases WHERE device_mn = 'MN-0001' AND factor_code = 'a21026'`);
    expect(Number(rows[0]?.n)).toBe(1);
    const { rows: links } = await world.db.query<{ alert_id: string }>('SELECT alert_id FROM case_alerts WHERE case_id = $1 ORDER BY alert_id', [caseId]);
    expect(links.map((row) => row.alert_id)).toEqual(['ALERT-SO2-1', 'ALERT-SO2-2']);
  });

  it('lets officers see only their own cases', async () => {
    const assignee = decodeCase(events(caseId).at(-1)?.value ?? null).assigneeOfficerId;
    const mine = await api<{ cases: Array<{ id: string }> }>(service.baseUrl, 'GET', '/v1/cases', { token: await token('officer', assignee) });
    expect(mine.body.cases.map((item) => item.id)).toContain(caseId);
    const stranger = assignee === 'O-001' ? 'O-002' : 'O-001';
    expect((await api(service.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: await token('officer', stranger) })).status).toBe(404);
    const theirs = await api<{ cases: Array<{ id: string }> }>(service.baseUrl, 'GET', '/v1/cases', { token: await token('officer', stranger) });
    expect(theirs.body.cases.map((item) => item.id)).not.toContain(caseId);
    expect((await api(service.baseUrl, 'GET', '/v1/cases')).status).toBe(401);
  });

  it('lets only one of two dispatchers acting on the same version win', async () => {
    const dispatcher = await token('dispatcher');
    const { body } = await api<{ case: { version: number } }>(service.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: dispatcher });
    const attempt = (note: string) => api<{ error?: { code: string; message: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/actions`, { token: dispatcher, body: { action: 'escalate', expected_version: body.case.version, note } });
    const results = await Promise.all([attempt('督办 A'), attempt('督办 B')]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const lost = results.find((result) => result.status === 409)?.body.error;
    expect(lost?.code).toBe('stale_version');
    expect(lost?.message).toContain('reload it');
  });

  it('goes accept → arrive → photo → resolve → verify → close, and refuses what is out of order', async () => {
    const dispatcher = await token('dispatcher');
    const supervisor = await token('supervisor', 'S-001');
    let current = (await api<{ case: { version: number; assignee_officer_id: string } }>(service.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: dispatcher })).body.case;
    const officer = await token('officer', current.assignee_officer_id);
    const act = async (who: string, action: string, extra: Record<string, unknown> = {}) => {
      const result = await api<{ case: { version: number; status: string }; error?: { code: string; message: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/actions`, {
        token: who,
        body: { action, expected_version: current.version, ...extra },
      });
      if (result.status === 200) current = { ...current, version: result.body.case.version };
      return result;
    };
    const early = await act(officer, 'resolve');
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'illegal_transition' });
    expect(early.body.error?.message).toContain('it is dispatched');
    expect((await act(officer, 'accept')).body.case.status).toBe('accepted');
    expect((await act(officer, 'arrive')).body.case.status).toBe('on_site');

    const upload = await api<{ evidence: { sha256: string; size_bytes: number; taken_at: unknown; added_by: string } }>(
      service.baseUrl,
      'POST',
      `/v1/cases/${caseId}/evidence?file_name=${encodeURIComponent('现场照片.jpg')}&lon=111.0051&lat=35.0049&taken_time=2026-11-29T12:00:00%2B08:00`,
      { token: officer, raw: PHOTO, contentType: 'image/jpeg' },
    );
    expect(upload.status).toBe(201);
    expect(upload.body.evidence).toMatchObject({ sha256: createHash('sha256').update(PHOTO).digest('hex'), size_bytes: PHOTO.length, taken_at: { lon: 111.0051, lat: 35.0049 } });
    const lying = await api<{ error: { code: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/evidence?file_name=x.png`, { token: officer, raw: PHOTO, contentType: 'image/png' });
    expect(lying).toMatchObject({ status: 400, body: { error: { code: 'content_type_mismatch' } } });
    const exe = await api<{ error: { code: string } }>(service.baseUrl, 'POST', `/v1/cases/${caseId}/evidence?file_name=x.exe`, { token: officer, raw: PHOTO, contentType: 'application/x-msdownload' });
    expect(exe).toMatchObject({ status: 400, body: { error: { code: 'unsupported_media_type' } } });

    expect((await act(officer, 'resolve', { note: '已责令停产整改，排放恢复正常' })).body.case.status).toBe('handled');
    expect((await act(officer, 'verify')).status).toBe(403);
    expect((await act(supervisor, 'verify', { note: '复测达标' })).body.case.status).toBe('verified');
    expect((await act(dispatcher, 'close')).body.case.status).toBe('closed');
  });

  it('notes a cleared alert on its case', async () => {
    await world.publisher.publish(alertEvent(world.topics, { alertId: 'ALERT-SO2-1', state: 'cleared' }));
    await recorder.waitForCount(1, (message) => message.key === caseId && decodeCase(message.value).action === 'alert_cleared');
  });

  it('published every history entry, once per ce_id, in order', async () => {
    const { body } = await api<{ history: Array<{ sequence: number; action: string; hash: string }> }>(service.baseUrl, 'GET', `/v1/cases/${caseId}`, { token: await token('analyst') });
    const published = await waitFor(() => {
      const list = events(caseId).map((message) => decodeCase(message.value));
      return list.length >= body.history.length ? list : undefined;
    });
    expect(published.map((event) => event.sequence)).toEqual(body.history.map((entry) => entry.sequence));
    expect(published.map((event) => event.action)).toEqual(body.history.map((entry) => entry.action));
    expect(published.map((event) => event.historyHash)).toEqual(body.history.map((entry) => entry.hash));
    expect(body.history.map((entry) => entry.action)).toEqual([
      'registered',
      'dispatched',
      'alert_joined',
      'escalated',
      'accepted',
      'arrived',
      'evidence_attached',
      'resolved',
      'verified',
      'closed',
      'alert_cleared',
    ]);
  });

  it('computes the KPIs from the history', async () => {
    const { status, body } = await api<Record<string, unknown>>(service.baseUrl, 'GET', '/v1/kpis', { token: await token('analyst') });
    expect(status).toBe(200);
    expect(body).toMatchObject({ closed: 1, closed_on_time: 1, on_time_rate: 1, backlog: 1 });
    expect(body.townships).toEqual([{ township_code: '140802001', closed: 1, closed_on_time: 1, on_time_rate: 1, backlog: 1 }]);
  });

  it('verifies the history, refuses edits, and names the row altered behind its back', async () => {
    const analyst = await token('analyst');
    const intact = await withToken(grpc, grpc.verifyHistory, { caseId }, analyst);
    expect(intact).toMatchObject({ intact: true, entries: 11, firstBrokenSequence: 0 });

    await expect(world.db.query(`UPDATE case_history SET actor = 'nobody' WHERE case_id = $1 AND sequence = 8`, [caseId])).rejects.toThrow(/append-only/);
    await expect(world.db.query('DELETE FROM case_history WHERE case_id = $1', [caseId])).rejects.toThrow(/append-only/);

    // A superuser can switch triggers off; the chain still tells.
    const client = await world.db.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL session_replication_role = replica');
      await client.query(`UPDATE case_history SET details = jsonb_set(details, '{note}', '"未发现问题"') WHERE case_id = $1 AND sequence = 8`, [caseId]);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const broken = await withToken(grpc, grpc.verifyHistory, { caseId }, analyst);
    expect(broken).toMatchObject({ intact: false, firstBrokenSequence: 8, firstBrokenReason: 'hash_mismatch', entries: 11 });
    const rest = await api<{ intact: boolean; first_broken: { sequence: number } }>(service.baseUrl, 'GET', `/v1/cases/${caseId}/history/verify`, { token: analyst });
    expect(rest.body).toMatchObject({ intact: false, first_broken: { sequence: 8, reason: 'hash_mismatch' } });
  });

  it('is keyed: a superuser who rewrites rows with a recomputed plain SHA-256 chain is caught; only the key outside the database could pass', async () => {
    const analyst = await token('analyst');
    const rewrite = async (key: ChainKey | undefined): Promise<void> => {
      const client = await world.db.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        const { rows } = await client.query('SELECT * FROM case_history WHERE case_id = $1 ORDER BY sequence', [caseId]);
        let previous = (rows[6] as { hash: string }).hash;
        // Rows 8 to 11, rewritten and re-linked: every previous_hash matches, as a careful forger would leave them.
        for (const row of rows.slice(7)) {
          const entry = historyFromRow(row);
          const details = entry.sequence === 8 ? { ...entry.details, note: '现场无异常（改写）' } : entry.details;
          const content = { ...entry, details };
          const hash = key ? linkHash(canonicalEntry(content), previous, key) : createHash('sha256').update(canonicalEntry(content)).update('\n').update(previous).digest('hex');
          await client.query('UPDATE case_history SET details = $3, previous_hash = $4, hash = $5, key_id = $6 WHERE case_id = $1 AND sequence = $2', [
            caseId,
            entry.sequence,
            JSON.stringify(details),
            previous,
            hash,
            key ? key.id : null,
          ]);
          previous = hash;
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };
    await rewrite(undefined);
    const plain = await withToken(grpc, grpc.verifyHistory, { caseId }, analyst);
    await rewrite(HISTORY_KEYS.current);
    const keyed = await withToken(grpc, grpc.verifyHistory, { caseId }, analyst);
    process.stdout.write(`history rewritten as a superuser: with plain SHA-256 → intact ${plain.intact} (first broken ${plain.firstBrokenSequence} ${plain.firstBrokenReason}); with the HMAC key → intact ${keyed.intact}\n`);
    expect(plain).toMatchObject({ intact: false, firstBrokenSequence: 8, firstBrokenReason: 'hash_mismatch', entries: 11 });
    // The control: with the key, which lives only in the service's configuration, the forgery would pass.
    expect(keyed).toMatchObject({ intact: true, entries: 11 });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Metadata } from '@grpc/grpc-js';
import { Client } from 'pg';
import { encodeFlag, encodeFrameToString } from '@ecogrid/standards';
import { AlertChanged, AlertState } from '@ecogrid/proto/alerting/v1/events';
import { CaseChanged } from '@ecogrid/proto/dispatch/v1/events';
import { CreditServiceClient, type ExplainRatingRequest, type ExplainRatingResponse, type GetRatingRequest, type GetRatingResponse } from '@ecogrid/proto/credit/v1/credit';
import { CreditRatingChanged } from '@ecogrid/proto/credit/v1/events';
import { ReadingRejected } from '@ecogrid/proto/ingest/v1/events';
import { RegistryServiceClient, type LocateCellRequest, type LocateCellResponse } from '@ecogrid/proto/registry/v1/registry';
import { callUnary, createGrpcClient } from '@ecogrid/grpc';
import { recordTopics, startOtlpReceiver, waitFor, type OtlpReceiver, type ReceivedSpan, type TopicRecorder } from '@ecogrid/testkit';
import { chinaDigits, sendHj212Frames, startPlatform, testStaffToken, type Platform } from '../src/index';

/** A demo CEMS of the Yanhu dataset (services/registry/data/yanhu/devices.csv): 运城关铝热电 unit 1 stack, SO2 limit 35 mg/m3 on the converted value. */
const CEMS = { mn: '91140802001DA0011249E9CB', password: 'D71807', uscc: '911408027100020781', lon: 111.137905, lat: 34.998518, so2Limit: 35 };

/** A tiny but real JPEG (SOI, JFIF APP0, EOI) standing in for the officer's site photo. */
const PHOTO = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), Buffer.alloc(64, 7), Buffer.from([0xff, 0xd9])]);

describe('end to end: an HJ 212 exceedance becomes an alert, then a case that is handled, verified and closed', () => {
  let platform: Platform;
  let otlp: OtlpReceiver;
  let recorder: TopicRecorder;
  let located: LocateCellResponse;
  let alert: AlertChanged;
  let caseId = '';

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    platform = await startPlatform('e2e', { otlpEndpoint: otlp.endpoint, credit: true });
    recorder = await recordTopics(platform.kafka, [platform.topics.alerts, platform.topics.cases, platform.topics.readingsRejected, platform.topics.credit]);
    const dispatcherToken = await testStaffToken({ role: 'dispatcher' });
    const registry = createGrpcClient(RegistryServiceClient, platform.registry.grpcAddress, { bearerToken: () => dispatcherToken });
    located = await callUnary<LocateCellRequest, LocateCellResponse>((request, options, callback) => registry.locateCell(request, new Metadata(), options, callback), {
      point: { lon: CEMS.lon, lat: CEMS.lat },
    });
    registry.close();
  }, 420_000);

  afterAll(async () => {
    await recorder?.stop();
    await platform?.stop();
    await otlp?.close();
  });

  it('answers a real frame with SO2 above the permit limit with 9014 and raises an alert naming the enterprise, cell and limit', async () => {
    const dataTime = chinaDigits(new Date(Date.now() - 60_000));
    const qn = `${dataTime}001`;
    const frame = encodeFrameToString({
      qn,
      st: '31',
      cn: '2011',
      pw: CEMS.password,
      mn: CEMS.mn,
      flag: encodeFlag({ version: '2017', needsAck: true }),
      cp: { text: `DataTime=${dataTime};a21026-Rtd=96.4,a21026-ZsRtd=118.2,a21026-Flag=N;a19001-Rtd=8.9,a19001-Flag=N` },
    });
    const [reply] = await sendHj212Frames(platform.ingest.hj212Port, [frame], 1);
    expect(reply).toMatchObject({ cn: '9014', qn });

    const [record] = await recorder.waitForCount(1, (message) => message.topic === platform.topics.alerts && message.key === CEMS.mn, 30_000);
    alert = AlertChanged.decode(record?.value ?? Buffer.alloc(0));
    expect(alert).toMatchObject({
      state: AlertState.ALERT_STATE_RAISED,
      deviceMn: CEMS.mn,
      enterpriseUscc: CEMS.uscc,
      cellId: located.cell?.id,
      townshipCode: located.township?.code,
      factorCode: 'a21026',
      value: 118.2,
      limit: CEMS.so2Limit,
    });
    expect(located.cell?.id).toBeTruthy();
  });

  it('gives a frame with a bad CRC no 9014 and publishes it as rejected with reason bad_crc', async () => {
    const dataTime = chinaDigits(new Date(Date.now() - 30_000));
    const good = encodeFrameToString({ qn: `${dataTime}002`, st: '31', cn: '2011', pw: CEMS.password, mn: CEMS.mn, flag: 5, cp: { text: `DataTime=${dataTime};a21026-Rtd=20.0,a21026-Flag=N` } });
    const corrupted = good.replace('a21026-Rtd=20.0', 'a21026-Rtd=21.0');
    const following = encodeFrameToString({ qn: `${dataTime}003`, st: '31', cn: '2011', pw: CEMS.password, mn: CEMS.mn, flag: 5, cp: { text: `DataTime=${chinaDigits(new Date(Date.now() - 20_000))};a21026-Rtd=20.0,a21026-Flag=N` } });
    const replies = await sendHj212Frames(platform.ingest.hj212Port, [corrupted, following], 1);
    expect(replies.map((reply) => reply.qn)).toEqual([`${dataTime}003`]);
    const [rejected] = await recorder.waitForCount(1, (message) => message.topic === platform.topics.readingsRejected);
    expect(ReadingRejected.decode(rejected?.value ?? Buffer.alloc(0))).toMatchObject({ reasonCode: 'bad_crc', deviceMn: CEMS.mn });
  });

  it('opens a case for the alert and dispatches it to the on-duty officer of the right cell', async () => {
    const [dispatched] = await recorder.waitForCount(
      1,
      (message) => message.topic === platform.topics.cases && CaseChanged.decode(message.value ?? Buffer.alloc(0)).action === 'dispatched',
      30_000,
    );
    const event = CaseChanged.decode(dispatched?.value ?? Buffer.alloc(0));
    caseId = event.caseId;
    expect(event).toMatchObject({ alertId: alert.alertId, cellId: located.cell?.id, assigneeOfficerId: located.onDutyOfficer?.id, enterpriseUscc: CEMS.uscc });
    expect(located.onDutyOfficer?.id).toBeTruthy();
  });

  it('follows the frame to the case in one trace: ingest, readings, alerting, alerts, dispatch, cases', async () => {
    const [dispatched] = await recorder.waitForCount(1, (message) => message.topic === platform.topics.cases && message.key === caseId);
    const traceId = /^00-([0-9a-f]{32})-/.exec(dispatched?.headers.traceparent ?? '')?.[1];
    expect(traceId, 'the case event carries a trace context').toBeTruthy();
    const { readings, alerts, cases } = platform.topics;
    // Frame → PRODUCER readings → CONSUMER readings → PRODUCER alerts → CONSUMER alerts → PRODUCER cases, each the parent of the next.
    const chain: Array<[service: string, name: string]> = [
      ['ingest', 'HJ212 2011'],
      ['ingest', `send ${readings}`],
      ['alerting', `process ${readings}`],
      ['alerting', `send ${alerts}`],
      ['dispatch', `process ${alerts}`],
      ['dispatch', `send ${cases}`],
    ];
    const spans = await waitFor(
      () => {
        const inTrace = otlp.spans.filter((span) => span.traceId === traceId);
        const found = chain.map(([service, name]) => inTrace.find((span) => span.serviceName === service && span.name === name));
        return found.every(Boolean) ? (found as ReceivedSpan[]) : undefined;
      },
      { timeoutMs: 20_000, description: `every hop of trace ${traceId}` },
    );
    for (let hop = 1; hop < spans.length; hop += 1) {
      expect(spans[hop]?.parentSpanId, `${chain[hop]?.[1]} is a child of ${chain[hop - 1]?.[1]}`).toBe(spans[hop - 1]?.spanId);
    }
    expect(spans[0]?.parentSpanId).toBeUndefined();
    expect(spans[0]?.attributes['ecogrid.device.mn']).toBe(CEMS.mn);
  });

  it('is accepted, handled with a photo, verified and closed, and its history verifies until a row is altered in PostgreSQL', async () => {
    const base = platform.dispatch.baseUrl;
    const call = async (token: string, method: string, path: string, body?: unknown, raw?: { bytes: Buffer; type: string }) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': raw?.type ?? 'application/json' },
        ...(raw ? { body: raw.bytes } : body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> & { case?: { version: number; status: string } } };
    };
    const dispatcher = await platform.token('dispatcher');
    const officer = await platform.token('officer', located.onDutyOfficer?.id);
    const supervisor = await platform.token('supervisor', located.supervisor?.id);
    let version = ((await call(dispatcher, 'GET', `/v1/cases/${caseId}`)).body.case?.version ?? 0) as number;
    const act = async (token: string, action: string, note?: string): Promise<string> => {
      const result = await call(token, 'POST', `/v1/cases/${caseId}/actions`, { action, expected_version: version, ...(note ? { note } : {}) });
      expect(result.status, JSON.stringify(result.body)).toBe(200);
      version = result.body.case?.version ?? version;
      return result.body.case?.status ?? '';
    };
    expect(await act(officer, 'accept')).toBe('accepted');
    expect(await act(officer, 'arrive')).toBe('on_site');
    const photo = await call(officer, 'POST', `/v1/cases/${caseId}/evidence?file_name=stack.jpg&lon=${CEMS.lon}&lat=${CEMS.lat}`, undefined, { bytes: PHOTO, type: 'image/jpeg' });
    expect(photo.status).toBe(201);
    expect(photo.body).toMatchObject({ evidence: { sha256: (await import('node:crypto')).createHash('sha256').update(PHOTO).digest('hex') } });
    version = ((await call(dispatcher, 'GET', `/v1/cases/${caseId}`)).body.case?.version ?? version) as number;
    expect(await act(officer, 'resolve', '已责令调整脱硫系统，二氧化硫恢复达标')).toBe('handled');
    expect(await act(supervisor, 'verify', '复测达标')).toBe('verified');
    expect(await act(dispatcher, 'close')).toBe('closed');

    const intact = await call(dispatcher, 'GET', `/v1/cases/${caseId}/history/verify`);
    expect(intact.body).toMatchObject({ intact: true });

    const db = new Client({ connectionString: platform.databaseUrl });
    await db.connect();
    try {
      await db.query('BEGIN');
      // A superuser can switch the append-only triggers off; the hash chain still tells.
      await db.query('SET LOCAL session_replication_role = replica');
      await db.query(`UPDATE "${platform.schemas.dispatch.name}".case_history SET actor = 'someone-else' WHERE case_id = $1 AND sequence = 3`, [caseId]);
      await db.query('COMMIT');
    } finally {
      await db.end();
    }
    const broken = await call(dispatcher, 'GET', `/v1/cases/${caseId}/history/verify`);
    expect(broken.body).toMatchObject({ intact: false, first_broken: { sequence: 3 } });
  });

  it('credit rates the enterprise from the real alert, explains it by that alert, and records the verified case', async () => {
    const credit = platform.credit;
    if (!credit) throw new Error('the platform was started without credit');
    const first = await waitFor(
      () => recorder.messages.filter((message) => message.topic === platform.topics.credit && message.key === CEMS.uscc && message.value).map((message) => CreditRatingChanged.decode(message.value as Buffer))[0],
      { timeoutMs: 30_000, description: `a CreditRatingChanged for ${CEMS.uscc}` },
    );
    expect(first).toMatchObject({ enterpriseUscc: CEMS.uscc, rulesetVersion: 'cn-2013.1' });
    expect(first.score).toBeLessThan(100);
    const analyst = await testStaffToken({ role: 'analyst' });
    const client = createGrpcClient(CreditServiceClient, credit.grpcAddress, { bearerToken: () => analyst });
    try {
      const explained = await callUnary<ExplainRatingRequest, ExplainRatingResponse>((request, options, callback) => client.explainRating(request, new Metadata(), options, callback), { enterpriseUscc: CEMS.uscc });
      const emission = explained.indicators.find((indicator) => indicator.indicator === 'emission_compliance');
      expect(emission?.deductions[0]?.ruleId).toMatch(/^cn2013\.exceedance\./);
      // The case was verified and closed above: dispatch's events about it are in the ledger too.
      const rated = await waitFor(
        async () => {
          const answer = await callUnary<GetRatingRequest, GetRatingResponse>((request, options, callback) => client.getRating(request, new Metadata(), options, callback), { enterpriseUscc: CEMS.uscc });
          return (answer.rating?.evidenceCount ?? 0) > first.evidenceCount ? answer.rating : undefined;
        },
        { timeoutMs: 30_000, description: 'the case events in the ledger' },
      );
      process.stdout.write(`credit: ${CEMS.uscc} ${rated?.level} ${rated?.score} from ${rated?.evidenceCount} ledger records (alert ${alert.alertId}, case ${caseId})\n`);
    } finally {
      client.close();
    }
  });
});

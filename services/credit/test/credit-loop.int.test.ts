/**
 * The credit loop on real Kafka and PostgreSQL: alert and case events drive a demo enterprise down to yellow, the
 * rating is explained, an objection suspends a record, a restoration is applied for and approved by a second
 * officer, and every change is seen on ecogrid.credit.v1. Then the ratings are rebuilt from the ledger, and a row
 * altered in PostgreSQL is named by the verifier. The service's clock is pinned to 2026-06-15.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceError } from '@grpc/grpc-js';
import type { CreditServiceClient } from '@ecogrid/proto/credit/v1/credit';
import { CreditColour, RatingChangeKind } from '@ecogrid/proto/credit/v1/events';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { createCreditApp } from '../src/app';
import { createPgCreditStore } from '../src/adapters/postgres/pg-credit-store';
import { encodeRating } from '../src/adapters/kafka/rating-event';
import { createRulesetCatalogue } from '../src/domain/ruleset-catalogue';
import { SHIPPED_RULESETS } from '../src/domain/rulesets';
import { alertEvent, call, caseEvent, createWorld, ratingsOf, startCredit, testUscc, type CreditWorld, type RunningCredit } from './support/credit-world';

const NOW = '2026-06-15T04:00:00.000Z';
const E = testUscc(1);
const OTHER = testUscc(2);
const MN = 'CR-MN-0001';
const at = (iso: string): Date => new Date(iso);
const OFFICER_A = { role: 'credit_officer' as const, sub: 'officer-a' };
const OFFICER_B = { role: 'credit_officer' as const, sub: 'officer-b' };

describe('credit loop', () => {
  let world: CreditWorld;
  let credit: RunningCredit;
  let recorder: TopicRecorder;
  let client: CreditServiceClient;

  beforeAll(async () => {
    world = await createWorld('credit-loop', [
      { uscc: E, name: '盐湖区示范热电有限公司', outletDevices: [MN] },
      { uscc: OTHER, name: '盐湖区另一家企业', outletDevices: [] },
    ]);
    recorder = await recordTopics(world.kafka, [world.topics.credit]);
    credit = await startCredit(world, NOW);
    client = credit.client;
  });

  afterAll(async () => {
    await recorder?.stop();
    await credit?.service.stop();
    await world?.close();
  });

  const colours = (): CreditColour[] => ratingsOf(recorder.messages, world.topics.credit, E).map((rating) => rating.colour);
  const latest = () => ratingsOf(recorder.messages, world.topics.credit, E).at(-1);
  const ledgerCount = async (): Promise<number> => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM ledger WHERE uscc = $1', [E])).rows[0]?.count);

  it('alert events attributed through the outlet, then case events, drive the enterprise to yellow, each change published', async () => {
    // Three exceedances at 1.25× over the limit (raised and cleared: one episode each), in February.
    const alerts = [1, 2, 3].flatMap((n) => {
      const openedAt = at(`2026-02-0${n}T02:00:00Z`);
      return [
        alertEvent(world.topics, { alertId: `AL-${n}`, sequence: 1, state: 'raised', deviceMn: MN, value: 450, limit: 200, openedAt, changedAt: openedAt }),
        alertEvent(world.topics, { alertId: `AL-${n}`, sequence: 2, state: 'cleared', deviceMn: MN, value: 450, limit: 200, openedAt, changedAt: at(`2026-02-0${n}T05:00:00Z`) }),
      ];
    });
    await world.publisher.publishAll(alerts);
    const afterAlerts = await waitFor(() => (latest()?.score === 85 ? latest() : undefined), { timeoutMs: 30_000, description: 'score 85 after three exceedances' });
    expect(afterAlerts?.colour).toBe(CreditColour.CREDIT_COLOUR_BLUE);

    // Four verified public complaints and a patrol finding rectified only after 35 days.
    const cases = [1, 2, 3, 4].flatMap((n) => [
      caseEvent(world.topics, { caseId: `YH-C${n}`, sequence: 1, status: 'registered', source: 'complaint', uscc: E, createdAt: at('2026-02-20T01:00:00Z'), occurredAt: at('2026-02-20T01:00:00Z') }),
      caseEvent(world.topics, { caseId: `YH-C${n}`, sequence: 2, status: 'verified', source: 'complaint', uscc: E, createdAt: at('2026-02-20T01:00:00Z'), occurredAt: at('2026-02-25T01:00:00Z') }),
    ]);
    cases.push(
      caseEvent(world.topics, { caseId: 'YH-R1', sequence: 1, status: 'registered', source: 'patrol', uscc: E, createdAt: at('2026-03-01T01:00:00Z'), occurredAt: at('2026-03-01T01:00:00Z') }),
      caseEvent(world.topics, { caseId: 'YH-R1', sequence: 2, status: 'verified', source: 'patrol', uscc: E, createdAt: at('2026-03-01T01:00:00Z'), occurredAt: at('2026-04-05T01:00:00Z') }),
    );
    await world.publisher.publishAll(cases);
    const yellow = await waitFor(() => (latest()?.colour === CreditColour.CREDIT_COLOUR_YELLOW && latest()?.evidenceCount === 16 ? latest() : undefined), { timeoutMs: 30_000, description: 'yellow' });
    expect(yellow).toMatchObject({ score: 78, level: 'yellow', rulesetVersion: 'cn-2013.1', period: '2026', jointPunishment: true, enterpriseName: '盐湖区示范热电有限公司' });
    expect(yellow?.jointMeasures.length).toBeGreaterThan(0);
    const seen = colours();
    console.log(`ecogrid.credit.v1 for ${E}: ${seen.length} ratings, colours ${seen.map((colour) => CreditColour[colour]).join(' → ')}`);
    expect(seen).toContain(CreditColour.CREDIT_COLOUR_BLUE);
    expect(await ledgerCount()).toBe(16);
  });

  it('a redelivered event changes nothing', async () => {
    const before = recorder.messages.length;
    const openedAt = at('2026-02-01T02:00:00Z');
    await world.publisher.publishAll([alertEvent(world.topics, { alertId: 'AL-1', sequence: 1, state: 'raised', deviceMn: MN, value: 450, limit: 200, openedAt, changedAt: openedAt })]);
    // A marker event behind it on another key shows the consumer got past the duplicate.
    await world.publisher.publishAll([caseEvent(world.topics, { caseId: 'YH-OTHER', sequence: 1, status: 'registered', source: 'patrol', uscc: OTHER, createdAt: openedAt, occurredAt: openedAt })]);
    await waitFor(async () => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM ledger WHERE uscc = $1', [OTHER])).rows[0]?.count) === 1, { timeoutMs: 20_000, description: 'the marker recorded' });
    expect(await ledgerCount()).toBe(16);
    expect(ratingsOf(recorder.messages.slice(before), world.topics.credit, E)).toHaveLength(0);
  });

  it('ExplainRating names every indicator, the rule and the records behind its points', async () => {
    const answer = await call(client, 'explainRating', { enterpriseUscc: E }, { role: 'analyst' });
    expect(answer.rating).toMatchObject({ score: 78, level: 'yellow', reason: '得分 78', reasonEn: 'Score 78' });
    const byId = new Map(answer.indicators.map((indicator) => [indicator.indicator, indicator]));
    expect(byId.size).toBe(20);
    expect(byId.get('emission_compliance')).toMatchObject({ points: 0, weight: 15, band: 3 });
    expect(byId.get('emission_compliance')?.deductions).toEqual([expect.objectContaining({ ruleId: 'cn2013.exceedance.severe', points: 120 })]);
    expect(byId.get('complaints')?.deductions[0]).toMatchObject({ ruleId: 'cn2013.case.verified-complaint', points: 100 });
    expect(byId.get('penalties_orders')?.deductions[0]).toMatchObject({ ruleId: 'cn2013.case.late-rectification', points: 20 });
    expect(byId.get('penalties_orders')?.deductions[0]?.ruleText).toContain('30 天');
    console.log(`explained: ${answer.indicators.filter((indicator) => indicator.deductions.length > 0).map((indicator) => `${indicator.indicator}=${indicator.points}`).join(', ')}`);
  });

  it('an objection suspends a record until a second officer resolves it', async () => {
    const complaintRecord = (await world.db.query<{ sequence: number }>("SELECT sequence FROM ledger WHERE uscc = $1 AND facts->>'caseId' = 'YH-C1' ORDER BY sequence LIMIT 1", [E])).rows[0]?.sequence;
    const filed = await call(client, 'fileObjection', { recordId: `${E}/${complaintRecord}`, reason: '企业称该投诉与其无关' }, OFFICER_A);
    expect(filed.rating?.score).toBeGreaterThan(78);
    const denied = await call(client, 'resolveObjection', { objectionId: filed.objectionId, upheld: false, note: '' }, OFFICER_A).catch((error: ServiceError) => error);
    expect((denied as ServiceError).code).toBe(7);
    const resolved = await call(client, 'resolveObjection', { objectionId: filed.objectionId, upheld: false, note: '核实属实，异议不成立' }, OFFICER_B);
    expect(resolved.rating).toMatchObject({ score: 78, level: 'yellow' });
    await waitFor(() => latest()?.score === 78 && ratingsOf(recorder.messages, world.topics.credit, E).some((rating) => rating.score === filed.rating?.score), { timeoutMs: 20_000, description: 'objection changes published' });
  });

  it('restoration: applied for by one officer, refused to the same officer, approved by another; green again and published', async () => {
    const refused = await call(client, 'restoreRating', { enterpriseUscc: E, rectificationCaseId: 'YH-C1', rectificationEvidence: '' }, OFFICER_A).catch((error: ServiceError) => error);
    expect((refused as ServiceError).code).toBe(9);
    const applied = await call(client, 'restoreRating', { enterpriseUscc: E, rectificationCaseId: 'YH-R1', rectificationEvidence: '整改验收报告 YH-R1' }, OFFICER_A);
    expect(applied.conditions.every((condition) => condition.met)).toBe(true);
    console.log(`restoration conditions: ${applied.conditions.map((condition) => `${condition.condition}=${condition.met}`).join(', ')}`);
    const ownReview = await call(client, 'reviewRestoration', { applicationId: applied.applicationId, approve: true, note: '' }, OFFICER_A).catch((error: ServiceError) => error);
    expect((ownReview as ServiceError).code).toBe(7);
    const approved = await call(client, 'reviewRestoration', { applicationId: applied.applicationId, approve: true, note: '同意修复' }, OFFICER_B);
    expect(approved.rating).toMatchObject({ score: 100, level: 'green', changeKind: RatingChangeKind.RATING_CHANGE_KIND_RESTORATION, previousColour: CreditColour.CREDIT_COLOUR_YELLOW });
    await waitFor(() => (latest()?.changeKind === RatingChangeKind.RATING_CHANGE_KIND_RESTORATION ? latest() : undefined), { timeoutMs: 20_000, description: 'the restoration published' });
    const explained = await call(client, 'explainRating', { enterpriseUscc: E }, { role: 'analyst' });
    expect(explained.excludedRecordIds.length).toBeGreaterThan(0);
  });

  it('the public list carries USCC, name and level only, to callers without a token', async () => {
    const list = await call(client, 'listPublicRatings', { period: '', pageSize: 10, pageToken: '' });
    expect(list).toMatchObject({ period: '2026', closed: false });
    expect(list.ratings.find((rating) => rating.enterpriseUscc === E)).toEqual({ enterpriseUscc: E, enterpriseName: '盐湖区示范热电有限公司', level: 'green', colour: CreditColour.CREDIT_COLOUR_GREEN });
    const denied = await call(client, 'getRating', { enterpriseUscc: E }).catch((error: ServiceError) => error);
    expect((denied as ServiceError).code).toBe(16);
    const badUscc = await call(client, 'recordPenalty', { enterpriseUscc: '91140802MA0K0001XX', indicator: '', decisionNumber: 'x', decidedAt: new Date(NOW), amountYuan: 1, legalBasis: 'x', summary: '' }, OFFICER_A).catch((error: ServiceError) => error);
    expect((badUscc as ServiceError).code).toBe(3);
  });

  it('rebuilding every rating from the ledger reproduces the stored ratings exactly', async () => {
    const app = createCreditApp({
      store: createPgCreditStore({ pool: world.db, creditTopic: world.topics.credit, encodeRating, onEventsCommitted: () => undefined, notifyRelays: () => false }),
      directory: { ownerOfDevice: () => undefined, nameOf: () => undefined, enterprises: () => [] },
      catalogue: createRulesetCatalogue(SHIPPED_RULESETS),
      jurisdiction: 'CN',
      clock: { now: () => new Date(NOW) },
    });
    const report = await app.rebuildRatings();
    console.log(`rebuild: ${report.enterprises} enterprises, ${report.records} records, ${report.matched} matched, ${report.mismatched.length} mismatched in ${report.elapsedMs} ms`);
    expect(report.mismatched).toEqual([]);
    expect(report.matched).toBe(2);
  });

  it('a ledger row altered in PostgreSQL is named by the verifier', async () => {
    const intact = await call(client, 'verifyLedger', { enterpriseUscc: '' }, { role: 'admin' });
    expect(intact).toMatchObject({ intact: true, broken: [] });
    // The trigger refuses the service's own role; whoever alters the row has to switch it off first.
    await expect(world.db.query('UPDATE ledger SET actor = actor WHERE uscc = $1 AND sequence = 2', [E])).rejects.toThrow(/append-only/);
    await world.db.query('ALTER TABLE ledger DISABLE TRIGGER ledger_append_only');
    await world.db.query(`UPDATE ledger SET facts = jsonb_set(facts, '{multiple}', '0.1') WHERE uscc = $1 AND sequence = 2`, [E]);
    await world.db.query('ALTER TABLE ledger ENABLE TRIGGER ledger_append_only');
    const broken = await call(client, 'verifyLedger', { enterpriseUscc: '' }, { role: 'admin' });
    console.log(`verifier after the alteration: intact=${broken.intact}, ${broken.records} records, broken ${broken.broken.map((link) => `${link.recordId} (${link.reason})`).join(', ')}`);
    expect(broken.intact).toBe(false);
    expect(broken.broken).toEqual([{ enterpriseUscc: E, sequence: 2, recordId: `${E}/2`, reason: 'hash_mismatch' }]);
  });
});

/**
 * kill -9 in the middle of a burst of evidence: every alert and case event is in the ledger exactly once (the unique
 * source event id absorbs redelivery), every enterprise's rating counts exactly its events, and the ratings rebuilt
 * from the ledger match the stored ones. The counts are printed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTopics, waitFor, type TopicRecorder } from '@ecogrid/testkit';
import { createCreditApp } from '../src/app';
import { createPgCreditStore } from '../src/adapters/postgres/pg-credit-store';
import { encodeRating } from '../src/adapters/kafka/rating-event';
import { createRulesetCatalogue } from '../src/domain/ruleset-catalogue';
import { SHIPPED_RULESETS } from '../src/domain/rulesets';
import { alertEvent, caseEvent, createWorld, ratingsOf, startCredit, testUscc, type CreditWorld } from './support/credit-world';

const NOW = '2026-06-15T04:00:00.000Z';
const ENTERPRISES = 20;
const ALERTS_PER_ENTERPRISE = 20;
const CASES_PER_ENTERPRISE = 5;
const usccs = Array.from({ length: ENTERPRISES }, (_, index) => testUscc(100 + index));
const mnOf = (index: number): string => `BURST-MN-${String(index).padStart(3, '0')}`;

describe('credit: kill -9 during an evidence burst', () => {
  let world: CreditWorld;
  let recorder: TopicRecorder;

  beforeAll(async () => {
    world = await createWorld('credit-burst', usccs.map((uscc, index) => ({ uscc, name: `压测企业${index}`, outletDevices: [mnOf(index)] })));
    recorder = await recordTopics(world.kafka, [world.topics.credit]);
  });
  afterAll(async () => {
    await recorder?.stop();
    await world?.close();
  });

  const ledgerRows = async (): Promise<number> => Number((await world.db.query<{ count: string }>('SELECT count(*) FROM ledger')).rows[0]?.count ?? 0);

  it('nothing counted twice, nothing missed', async () => {
    const events = usccs.flatMap((uscc, index) => [
      ...Array.from({ length: ALERTS_PER_ENTERPRISE }, (_, n) => {
        const openedAt = new Date(Date.UTC(2026, 1, 1 + (n % 27), n % 24));
        return alertEvent(world.topics, { alertId: `B-${index}-${n}`, sequence: 1, state: 'raised', deviceMn: mnOf(index), value: 200 + n * 10, limit: 200, openedAt, changedAt: openedAt });
      }),
      ...Array.from({ length: CASES_PER_ENTERPRISE }, (_, n) => {
        const createdAt = new Date(Date.UTC(2026, 2, 1 + n));
        return caseEvent(world.topics, { caseId: `BC-${index}-${n}`, sequence: 1, status: 'registered', source: 'complaint', uscc, createdAt, occurredAt: createdAt });
      }),
    ]);
    await world.publisher.publishAll(events);
    let service = await startCredit(world, NOW);
    // Kill it while it is part-way through the burst.
    const atKill = await waitFor(async () => {
      const rows = await ledgerRows();
      return rows >= events.length / 4 ? rows : undefined;
    }, { timeoutMs: 60_000, intervalMs: 20, description: 'a quarter of the burst recorded' });
    await service.service.kill9();
    const rowsAfterKill = await ledgerRows();
    service = await startCredit(world, NOW);
    try {
      await waitFor(async () => (await ledgerRows()) === events.length, { timeoutMs: 90_000, intervalMs: 200, description: `${events.length} ledger rows` });
      const duplicates = Number((await world.db.query<{ count: string }>('SELECT count(*) - count(DISTINCT source_event_id) AS count FROM ledger')).rows[0]?.count);
      const perEnterprise = (await world.db.query<{ uscc: string; evidence_count: number; score: number; level: string }>('SELECT uscc, evidence_count, score, level FROM ratings ORDER BY uscc')).rows;
      const counted = perEnterprise.reduce((sum, row) => sum + row.evidence_count, 0);
      // Every rating change reached Kafka; a relay cut off by the kill may send one again, with the same ce_id.
      await waitFor(() => {
        // Evidence that moves nothing (a complaint not yet verified) is stored but not published: compare what was published last.
        const last = new Map(ratingsOf(recorder.messages, world.topics.credit).map((rating) => [rating.enterpriseUscc, `${rating.level} ${rating.score}`]));
        return perEnterprise.every((row) => last.get(row.uscc) === `${row.level} ${row.score}`) || undefined;
      }, { timeoutMs: 30_000, description: 'the last rating of every enterprise on ecogrid.credit.v1' });
      const published = ratingsOf(recorder.messages, world.topics.credit);
      const distinctPublished = new Set(published.map((rating) => rating.ceId)).size;
      const app = createCreditApp({
        store: createPgCreditStore({ pool: world.db, creditTopic: world.topics.credit, encodeRating, onEventsCommitted: () => undefined, notifyRelays: () => false }),
        directory: { ownerOfDevice: () => undefined, nameOf: () => undefined, enterprises: () => [] },
        catalogue: createRulesetCatalogue(SHIPPED_RULESETS),
        jurisdiction: 'CN',
        clock: { now: () => new Date(NOW) },
      });
      const rebuild = await app.rebuildRatings();
      const verdict = await app.verifyLedger();
      console.log(
        [
          `credit kill -9 burst: ${events.length} events (${ENTERPRISES} enterprises × (${ALERTS_PER_ENTERPRISE} alerts + ${CASES_PER_ENTERPRISE} cases))`,
          `  killed with ${atKill}–${rowsAfterKill} ledger rows written`,
          `  after restart: ${await ledgerRows()} ledger rows, ${duplicates} duplicate source events, ${counted} records counted by ${perEnterprise.length} ratings`,
          `  ecogrid.credit.v1: ${published.length} rating events, ${distinctPublished} distinct ids (${published.length - distinctPublished} re-sent by the relay after the crash)`,
          `  rebuild: ${rebuild.matched}/${rebuild.enterprises} match; ledger chains intact: ${verdict.intact} (${verdict.records} records)`,
        ].join('\n'),
      );
      expect(duplicates).toBe(0);
      expect(perEnterprise).toHaveLength(ENTERPRISES);
      for (const row of perEnterprise) expect(row.evidence_count).toBe(ALERTS_PER_ENTERPRISE + CASES_PER_ENTERPRISE);
      expect(counted).toBe(events.length);
      expect(rebuild.mismatched).toEqual([]);
      expect(verdict.intact).toBe(true);
    } finally {
      await service.service.stop();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '@ecogrid/hash-chain';
import { facts } from './evidence';
import { sealRecord, verifyChain, type LedgerRecord, type RecordDraft } from './ledger';
import { periodById, periodOf } from './period';
import { rateEnterprise } from './rate-enterprise';
import { createRulesetCatalogue } from './ruleset-catalogue';
import { NATIONAL_2013, SHANXI_PILOT_2023, SHIPPED_RULESETS } from './rulesets';

const USCC = '91140802MA0K0001XY';
const PERIOD = periodById('2026');
const T0 = new Date('2026-03-01T00:00:00Z');

function chain(drafts: Array<Omit<RecordDraft, 'uscc' | 'actor'>>): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  for (const draft of drafts) records.push(sealRecord({ uscc: USCC, actor: 'test', ...draft }, records.at(-1), draft.occurredAt, GENESIS_HASH));
  return records;
}

const alertEvent = (alertId: string, alertSequence: number, state: 'raised' | 'updated' | 'cleared', multiple: number, hours: number) => ({
  kind: 'exceedance' as const,
  sourceEventId: `${alertId}:${alertSequence}`,
  occurredAt: new Date(T0.getTime() + hours * 3_600_000),
  facts: facts.exceedance({ alertId, alertSequence, state, deviceMn: 'MN1', factorCode: 'a21026', multiple, openedAt: T0.toISOString(), changedAt: new Date(T0.getTime() + hours * 3_600_000).toISOString() }),
});
const penalty = (id: string, amountYuan: number, at = T0) => ({
  kind: 'penalty' as const,
  sourceEventId: id,
  occurredAt: at,
  facts: facts.penalty({ decisionNumber: id, amountYuan, legalBasis: '大气污染防治法', summary: '' }),
});

describe('rateEnterprise', () => {
  it('counts an alert episode once, at its worst multiple and full duration', () => {
    const rating = rateEnterprise(NATIONAL_2013, USCC, chain([alertEvent('A1', 1, 'raised', 0.2, 0), alertEvent('A1', 2, 'updated', 0.3, 10), alertEvent('A1', 3, 'cleared', 0.3, 30)]), PERIOD);
    const emission = rating.indicators.find((indicator) => indicator.id === 'emission_compliance')!;
    expect(emission.deductions).toEqual([expect.objectContaining({ ruleId: 'cn2013.exceedance.lasting', points: 20, recordIds: [`${USCC}/1`, `${USCC}/2`, `${USCC}/3`] })]);
    expect(emission.points).toBe(80);
    expect(rating.score).toBe(97);
    expect(rating.evidenceCount).toBe(3);
  });

  it('weights indicators exactly: a ¥200,000 penalty costs 70 % of the 15 % penalty weight', () => {
    const rating = rateEnterprise(NATIONAL_2013, USCC, chain([penalty('P1', 200_000)]), PERIOD);
    expect(rating.score).toBe(89.5);
    expect(rating.level).toBe('blue');
    expect(rating.indicators.find((indicator) => indicator.id === 'penalties_orders')?.band).toBe(3);
  });

  it('deducts from 100 in the Shanxi points profile and never goes below 0', () => {
    const many = Array.from({ length: 8 }, (_, index) => penalty(`P${index}`, 200_000));
    expect(rateEnterprise(SHANXI_PILOT_2023, USCC, chain(many.slice(0, 1)), PERIOD)).toMatchObject({ score: 80, level: 'B', colour: 'blue' });
    expect(rateEnterprise(SHANXI_PILOT_2023, USCC, chain(many), PERIOD)).toMatchObject({ score: 0, level: 'D', colour: 'black', jointPunishment: true });
  });

  it('an objection suspends the record; rejected it counts again, upheld it is void', () => {
    const base = [penalty('P1', 200_000)];
    const filed = { kind: 'objection_filed' as const, sourceEventId: 'o1', occurredAt: T0, facts: facts.objectionFiled({ objectionId: 'O1', targetRecordId: `${USCC}/1`, reason: '' }) };
    const resolved = (upheld: boolean) => ({ kind: 'objection_resolved' as const, sourceEventId: 'o1r', occurredAt: T0, facts: facts.objectionResolved({ objectionId: 'O1', targetRecordId: `${USCC}/1`, upheld, note: '' }) });
    expect(rateEnterprise(NATIONAL_2013, USCC, chain([...base, filed]), PERIOD)).toMatchObject({ score: 100, excludedRecordIds: [`${USCC}/1`] });
    expect(rateEnterprise(NATIONAL_2013, USCC, chain([...base, filed, resolved(false)]), PERIOD).score).toBe(89.5);
    expect(rateEnterprise(NATIONAL_2013, USCC, chain([...base, filed, resolved(true)]), PERIOD).score).toBe(100);
  });

  it('evidence of another period does not count in this one', () => {
    const lastYear = penalty('P0', 200_000, new Date('2025-12-31T15:59:59Z'));
    const newYear = penalty('P1', 200_000, new Date('2025-12-31T16:00:00Z'));
    expect(periodOf(newYear.occurredAt).id).toBe('2026');
    expect(rateEnterprise(NATIONAL_2013, USCC, chain([lastYear, newYear]), PERIOD).evidenceCount).toBe(1);
  });

  it('is a function of the records: rating twice gives the same result', () => {
    const records = chain([alertEvent('A1', 1, 'raised', 1.5, 0), penalty('P1', 10_000)]);
    expect(rateEnterprise(NATIONAL_2013, USCC, records, PERIOD)).toEqual(rateEnterprise(NATIONAL_2013, USCC, [...records], PERIOD));
  });
});

describe('ledger chain', () => {
  it('names the altered record', () => {
    const records = chain([penalty('P1', 1), penalty('P2', 2), penalty('P3', 3)]);
    expect(verifyChain(records)).toEqual({ intact: true, entries: 3 });
    const altered = records.map((record) => (record.sequence === 2 ? { ...record, facts: { ...record.facts, amountYuan: 0 } } : record));
    expect(verifyChain(altered).firstBroken).toMatchObject({ sequence: 2, reason: 'hash_mismatch' });
  });
});

describe('ruleset catalogue', () => {
  const catalogue = createRulesetCatalogue(SHIPPED_RULESETS);
  it('picks the version in force on the CST date', () => {
    expect(catalogue.inForce('CN', new Date('2026-06-01T00:00:00Z')).version).toBe('cn-2013.1');
    expect(catalogue.inForce('CN-SX', new Date('2023-06-30T16:00:00Z')).version).toBe('sx-pilot-2023.1');
    expect(() => catalogue.inForce('CN-SX', new Date('2023-06-30T15:59:59Z'))).toThrow(/no credit ruleset/);
  });
  it('refuses two rulesets with one version', () => {
    expect(() => createRulesetCatalogue([NATIONAL_2013, NATIONAL_2013])).toThrow(/two rulesets are version/);
  });
});

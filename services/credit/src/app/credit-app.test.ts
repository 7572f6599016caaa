import { describe, expect, it } from 'vitest';
import { usccCheckCharacter } from '@ecogrid/standards';
import { createRulesetCatalogue } from '../domain/ruleset-catalogue';
import { SHIPPED_RULESETS } from '../domain/rulesets';
import { createCreditApp } from './index';
import { createInMemoryCreditStore } from './testing/in-memory-credit-store';

const USCC = `91140802MA0K00001${usccCheckCharacter('91140802MA0K00001')}`;
const NOW = new Date('2026-06-15T04:00:00Z');
const A = { subject: 'officer-a', role: 'credit_officer' };
const B = { subject: 'officer-b', role: 'credit_officer' };

function world() {
  const store = createInMemoryCreditStore();
  const app = createCreditApp({
    store,
    directory: { ownerOfDevice: (mn) => (mn === 'MN1' ? { uscc: USCC, outletId: 'DA001' } : undefined), nameOf: (uscc) => (uscc === USCC ? '示范企业' : undefined), enterprises: () => [USCC] },
    catalogue: createRulesetCatalogue(SHIPPED_RULESETS),
    jurisdiction: 'CN',
    clock: { now: () => NOW },
  });
  return { store, app };
}

const alert = (n: number, sequence = 1) => ({
  eventId: `AL-${n}:${sequence}`,
  alertId: `AL-${n}`,
  sequence,
  state: 'raised' as const,
  deviceMn: 'MN1',
  factorCode: 'a21026',
  multiple: 1.25,
  openedAt: new Date('2026-02-01T00:00:00Z'),
  changedAt: new Date('2026-02-01T00:00:00Z'),
});

describe('credit use cases over the in-memory store', () => {
  it('attributes an alert through the outlet, records it once, and publishes only changes', async () => {
    const { store, app } = world();
    expect(await app.handleAlertChanged(alert(1))).toBe('recorded');
    expect(await app.handleAlertChanged(alert(1))).toBe('duplicate');
    expect(await app.handleAlertChanged({ ...alert(2), deviceMn: 'UNKNOWN' })).toBe('unattributed');
    expect(store.ledger).toHaveLength(1);
    expect(store.published.map((rating) => rating.score)).toEqual([94]);
    // Three more severe episodes: the indicator bottoms out at 0 after the third, so the fourth changes nothing.
    for (const n of [3, 4, 5]) await app.handleAlertChanged(alert(n));
    expect(store.published.map((rating) => rating.score)).toEqual([94, 88, 85]);
    expect(store.ledger).toHaveLength(4);
  });

  it('refuses a bad USCC, a veto code the ruleset does not know, and a decision in the future', async () => {
    const { app } = world();
    await expect(app.recordPenalty({ uscc: '91140802MA0K000010', decisionNumber: 'X1', decidedAt: NOW, amountYuan: 1, legalBasis: 'x', summary: '' }, A)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'bad_uscc' });
    await expect(app.recordEvidence({ uscc: USCC, kind: 'veto_event', occurredAt: NOW, vetoCode: 'made_up', reference: 'r', summary: '' }, A)).rejects.toMatchObject({ reason: 'unknown_veto_code' });
    await expect(app.recordPenalty({ uscc: USCC, decisionNumber: 'X1', decidedAt: new Date(NOW.getTime() + 3_600_000), amountYuan: 1, legalBasis: 'x', summary: '' }, A)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a penalty entered twice is recorded once', async () => {
    const { store, app } = world();
    const input = { uscc: USCC, decisionNumber: '运盐环罚〔2026〕1号', decidedAt: new Date('2026-03-01T00:00:00Z'), amountYuan: 200_000, legalBasis: '大气法第九十九条', summary: '' };
    const first = await app.recordPenalty(input, A);
    const second = await app.recordPenalty(input, B);
    expect(second.recordId).toBe(first.recordId);
    expect(store.ledger).toHaveLength(1);
    expect(first.rating?.score).toBe(89.5);
  });

  it('four eyes: the filer does not resolve the objection, the applicant does not approve the restoration', async () => {
    const { app } = world();
    const { recordId } = await app.recordPenalty({ uscc: USCC, decisionNumber: 'P1', decidedAt: new Date('2026-02-01T00:00:00Z'), amountYuan: 200_000, legalBasis: 'x', summary: '' }, A);
    const { objectionId, rating } = await app.fileObjection({ recordId, reason: '不服' }, A);
    expect(rating.score).toBe(100);
    await expect(app.fileObjection({ recordId, reason: 'again' }, B)).rejects.toMatchObject({ reason: 'objection_pending' });
    await expect(app.resolveObjection({ objectionId, upheld: true, note: '' }, A)).rejects.toMatchObject({ code: 'PERMISSION_DENIED', reason: 'four_eyes' });
    expect((await app.resolveObjection({ objectionId, upheld: false, note: '' }, B)).score).toBe(89.5);

    await app.handleCaseChanged({ eventId: 'C1:1', caseId: 'C1', sequence: 1, status: 'registered', source: 'patrol', enterpriseUscc: USCC, occurredAt: new Date('2026-02-02T00:00:00Z'), createdAt: new Date('2026-02-02T00:00:00Z') });
    await app.handleCaseChanged({ eventId: 'C1:2', caseId: 'C1', sequence: 2, status: 'verified', source: 'patrol', enterpriseUscc: USCC, occurredAt: new Date('2026-02-10T00:00:00Z'), createdAt: new Date('2026-02-02T00:00:00Z') });
    const applied = await app.applyRestoration({ uscc: USCC, caseId: 'C1', evidence: '整改报告' }, A);
    await expect(app.reviewRestoration({ applicationId: applied.applicationId, approve: true, note: '' }, A)).rejects.toMatchObject({ reason: 'four_eyes' });
    await expect(app.reviewRestoration({ applicationId: applied.applicationId, approve: true, note: '' }, { subject: 'analyst-1', role: 'analyst' })).rejects.toMatchObject({ reason: 'approver_role' });
    const approved = await app.reviewRestoration({ applicationId: applied.applicationId, approve: true, note: '' }, B);
    expect(approved.rating).toMatchObject({ score: 100, level: 'green', changeKind: 'restoration', previousColour: 'blue' });
  });

  it('a failed use case leaves nothing behind', async () => {
    const { store, app } = world();
    await expect(app.fileObjection({ recordId: `${USCC}/9`, reason: 'x' }, A)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.ledger).toHaveLength(0);
  });

  it('rebuild reproduces the stored ratings; close freezes the period once', async () => {
    const { app } = world();
    for (const n of [1, 2]) await app.handleAlertChanged(alert(n));
    expect((await app.rebuildRatings()).mismatched).toEqual([]);
    await expect(app.closePeriod({ period: '2026' }, A)).rejects.toMatchObject({ reason: 'period_open' });
    expect((await app.closePeriod({ period: '2025' }, A)).frozen).toBe(1);
    await expect(app.closePeriod({ period: '2025' }, A)).rejects.toMatchObject({ reason: 'period_closed' });
  });

  it('the public list of the open period shows every known enterprise, evidence or not, with USCC, name and level only', async () => {
    const { app } = world();
    expect((await app.listPublicRatings({ period: '', pageSize: 10, pageToken: '' })).ratings).toEqual([{ uscc: USCC, name: '示范企业', level: 'green', colour: 'green' }]);
    await app.recordPenalty({ uscc: USCC, decisionNumber: 'P1', decidedAt: new Date('2026-02-01T00:00:00Z'), amountYuan: 200_000, legalBasis: 'x', summary: '' }, A);
    expect(await app.listPublicRatings({ period: '2026', pageSize: 10, pageToken: '' })).toEqual({ period: '2026', closed: false, ratings: [{ uscc: USCC, name: '示范企业', level: 'blue', colour: 'blue' }], nextPageToken: '' });
    await expect(app.listPublicRatings({ period: '2024', pageSize: 10, pageToken: '' })).rejects.toMatchObject({ reason: 'period_not_available' });
  });

  it('late evidence of an earlier period is recorded, does not count, and the rating still names the chain end', async () => {
    const { store, app } = world();
    await app.handleAlertChanged(alert(1));
    const late = { ...alert(2), openedAt: new Date('2025-11-01T00:00:00Z'), changedAt: new Date('2025-11-01T06:00:00Z') };
    expect(await app.handleAlertChanged(late)).toBe('recorded');
    const rating = await store.rating(USCC);
    expect(rating).toMatchObject({ score: 94, ledgerSequence: 2, evidenceCount: 1 });
    expect((await app.rebuildRatings()).mismatched).toEqual([]);
  });
});

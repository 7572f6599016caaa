import { describe, expect, it } from 'vitest';
import { CaseChanged, CaseSource, CaseStatus } from '@ecogrid/proto/dispatch/v1/events';
import type { ReceivedEvent } from '@ecogrid/kafka';
import { toCaseInput } from './evidence-consumers';

const USCC = '91140800MA0GRID01X';
const received = (change: Partial<CaseChanged>): ReceivedEvent =>
  ({
    topic: 'ecogrid.cases.v1',
    partition: 0,
    offset: '0',
    key: change.caseId ?? null,
    value: Buffer.from(CaseChanged.encode(CaseChanged.fromPartial(change)).finish()),
    attributes: { id: `${change.caseId ?? ''}:${change.sequence ?? 0}` },
    headers: {},
    timestamp: Date.parse('2026-12-01T00:00:00Z'),
    trace: {},
  }) as unknown as ReceivedEvent;

describe('toCaseInput', () => {
  const breach = { caseId: 'YH-20261201-0001', sequence: 1, status: CaseStatus.CASE_STATUS_REGISTERED, source: CaseSource.CASE_SOURCE_EMERGENCY, enterpriseUscc: USCC, occurredAt: new Date('2026-12-01T02:00:00Z') };

  it('takes an emergency case against an enterprise as evidence', () => {
    expect(toCaseInput(received(breach))).toMatchObject({ caseId: breach.caseId, enterpriseUscc: USCC, status: 'registered', source: 'other' });
  });

  it("passes over a drill's case: a drilled breach is no evidence against the enterprise", () => {
    expect(toCaseInput(received({ ...breach, drill: true }))).toBeUndefined();
  });
});

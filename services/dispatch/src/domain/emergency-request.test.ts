import { describe, expect, it } from 'vitest';
import { DomainError } from '@ecogrid/domain-errors';
import { checkEmergencyCaseRequest, type RawEmergencyCaseRequest } from './emergency-request';

const raw = (over: Partial<RawEmergencyCaseRequest> = {}): RawEmergencyCaseRequest => ({
  eventId: 'e-1',
  requestId: 'W-1:91140800MA0GRID01X:1',
  kind: 'reduction_breach',
  drill: false,
  sourceId: 'W-1',
  title: '减排措施未落实',
  description: '',
  cellId: 'C-01',
  priority: '',
  lon: 0,
  lat: 0,
  ...over,
});

const reasonOf = (result: ReturnType<typeof checkEmergencyCaseRequest>): string | undefined => (result instanceof DomainError ? result.reason : undefined);

describe('checkEmergencyCaseRequest', () => {
  it('accepts a complete request, 0/0 meaning no location', () => {
    const checked = checkEmergencyCaseRequest(raw({ priority: 'urgent' }));
    expect(checked).not.toBeInstanceOf(DomainError);
    expect(checked).toMatchObject({ requestId: 'W-1:91140800MA0GRID01X:1', kind: 'reduction_breach', priority: 'urgent', cellId: 'C-01' });
    expect(checked).not.toHaveProperty('location');
    expect(checkEmergencyCaseRequest(raw({ lon: 111.005, lat: 35.005 }))).toMatchObject({ location: { lon: 111.005, lat: 35.005 } });
  });

  it('names each problem with its own code', () => {
    expect(reasonOf(checkEmergencyCaseRequest(raw({ requestId: '  ' })))).toBe('missing_request_id');
    expect(reasonOf(checkEmergencyCaseRequest(raw({ requestId: 'x'.repeat(201) })))).toBe('bad_request_id');
    const { kind: _kind, ...withoutKind } = raw();
    expect(reasonOf(checkEmergencyCaseRequest(withoutKind))).toBe('unknown_kind');
    expect(reasonOf(checkEmergencyCaseRequest(raw({ priority: 'asap' })))).toBe('bad_priority');
    expect(reasonOf(checkEmergencyCaseRequest(raw({ lon: 200, lat: 35 })))).toBe('bad_location');
    expect(reasonOf(checkEmergencyCaseRequest(raw({ title: '长'.repeat(201) })))).toBe('bad_title');
    expect(reasonOf(checkEmergencyCaseRequest(raw({ cellId: '' })))).toBe('no_place');
  });

  it('lets a named officer, a township or a location stand in for the cell', () => {
    expect(checkEmergencyCaseRequest(raw({ cellId: '', assigneeOfficerId: 'O-001' }))).not.toBeInstanceOf(DomainError);
    expect(checkEmergencyCaseRequest(raw({ cellId: '', townshipCode: '140802001' }))).not.toBeInstanceOf(DomainError);
    expect(checkEmergencyCaseRequest(raw({ cellId: '', lon: 111.005, lat: 35.005 }))).not.toBeInstanceOf(DomainError);
  });
});

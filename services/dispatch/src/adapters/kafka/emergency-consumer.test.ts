import { describe, expect, it } from 'vitest';
import { EmergencyCaseKind, EmergencyCaseRequested, EmergencyEvent } from '@ecogrid/proto/emergency/v1/events';
import { PoisonRecordError, type ReceivedEvent } from '@ecogrid/kafka';
import { toEmergencyCaseRequest } from './emergency-consumer';

const received = (value: Buffer | null): ReceivedEvent => ({
  topic: 'ecogrid.emergency.v1',
  partition: 0,
  offset: '0',
  key: 'W-1',
  value,
  attributes: { id: 'evt-1', type: 'ecogrid.emergency.v1.EmergencyEvent', source: '/ecogrid/emergency', time: new Date('2026-12-01T00:00:00Z'), specversion: '1.0' },
  headers: {},
  timestamp: 0,
  trace: {},
}) as unknown as ReceivedEvent;

const encode = (event: Partial<EmergencyEvent>): Buffer => Buffer.from(EmergencyEvent.encode(EmergencyEvent.fromPartial(event)).finish());
const request = (over: Partial<EmergencyCaseRequested> = {}): EmergencyCaseRequested =>
  EmergencyCaseRequested.fromPartial({ requestId: 'R-1', kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_PLAN_TASK, sourceId: 'INC-1', title: '取水口加密监测', cellId: 'C-01', ...over });

const poisonCode = (value: Buffer | null): string | undefined => {
  try {
    toEmergencyCaseRequest(received(value));
  } catch (error) {
    if (error instanceof PoisonRecordError) return error.code;
    throw error;
  }
  return undefined;
};

describe('toEmergencyCaseRequest', () => {
  it('maps a case request, the drill flag taken from the wrapper', () => {
    const deadline = new Date('2026-12-01T10:00:00Z');
    const value = encode({ drill: true, event: { $case: 'caseRequested', value: request({ department: '区环境监测站', deadline, priority: 'urgent', assigneeOfficerId: 'O-001' }) } });
    expect(toEmergencyCaseRequest(received(value))).toEqual({
      eventId: 'evt-1',
      requestId: 'R-1',
      kind: 'plan_task',
      drill: true,
      sourceId: 'INC-1',
      title: '取水口加密监测',
      description: '',
      cellId: 'C-01',
      assigneeOfficerId: 'O-001',
      department: '区环境监测站',
      deadline,
      priority: 'urgent',
    });
  });

  it('passes over every other part of the wrapper', () => {
    expect(toEmergencyCaseRequest(received(encode({ drill: false })))).toBeUndefined();
  });

  it('dead-letters what cannot become a case, each with its reason', () => {
    expect(poisonCode(null)).toBe('tombstone');
    expect(poisonCode(Buffer.from([0xff, 0xff, 0xff]))).toBe('bad_payload');
    expect(poisonCode(encode({ event: { $case: 'caseRequested', value: request({ requestId: '' }) } }))).toBe('missing_request_id');
    expect(poisonCode(encode({ event: { $case: 'caseRequested', value: request({ kind: EmergencyCaseKind.EMERGENCY_CASE_KIND_UNSPECIFIED }) } }))).toBe('unknown_kind');
    expect(poisonCode(encode({ event: { $case: 'caseRequested', value: request({ priority: 'soon' }) } }))).toBe('bad_priority');
    expect(poisonCode(encode({ event: { $case: 'caseRequested', value: request({ cellId: '' }) } }))).toBe('no_place');
  });
});

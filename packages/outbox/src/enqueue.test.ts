import { describe, expect, it } from 'vitest';
import { outboxInsert, outboxInsertParameters, type OutboxEvent } from './enqueue';

const event = (id: string, extra: Partial<OutboxEvent> = {}): OutboxEvent => ({
  topic: 'ecogrid.cases.v1',
  key: 'YH-1',
  type: 'ecogrid.dispatch.v1.CaseChanged',
  payload: new Uint8Array([1, 2]),
  id,
  time: new Date('2026-12-06T02:00:00Z'),
  ...extra,
});

describe('outbox insert', () => {
  it('lays events out as eight column arrays in their order, tombstones as null payloads', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const columns = outboxInsertParameters([event('a'), event('b', { key: null, payload: null, causedBy: { traceparent, tracestate: 'k=v' } })]);
    expect(columns).toEqual([
      ['ecogrid.cases.v1', 'ecogrid.cases.v1'],
      ['YH-1', null],
      ['a', 'b'],
      ['ecogrid.dispatch.v1.CaseChanged', 'ecogrid.dispatch.v1.CaseChanged'],
      [Buffer.from([1, 2]), null],
      [new Date('2026-12-06T02:00:00Z'), new Date('2026-12-06T02:00:00Z')],
      // Untraced here: an event without its own cause stores none.
      [null, traceparent],
      [null, 'k=v'],
    ]);
  });

  it('numbers its parameters from the given position and keeps a caller guard', () => {
    const sql = outboxInsert(5, 'EXISTS (SELECT 1 FROM fence)');
    expect(sql).toContain('unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::bytea[], $10::timestamptz[], $11::text[], $12::text[])');
    expect(sql).toContain('AND EXISTS (SELECT 1 FROM fence)');
    expect(sql).toContain('ORDER BY e.ord');
  });
});

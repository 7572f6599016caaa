import { describe, expect, it } from 'vitest';
import { EnvelopeError, fromHeaders, newAttributes, toHeaders } from './envelope';

describe('CloudEvents binary envelope', () => {
  it('writes every required attribute as a ce_ header and reads it back', () => {
    const attributes = newAttributes({ type: 'ecogrid.ingest.v1.ObservationRecorded', source: '/ecogrid/ingest', time: new Date('2026-11-29T08:00:00.000Z') });
    const headers = toHeaders({ ...attributes, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(headers).toEqual({
      ce_id: attributes.id,
      ce_type: 'ecogrid.ingest.v1.ObservationRecorded',
      ce_source: '/ecogrid/ingest',
      ce_time: '2026-11-29T08:00:00.000Z',
      ce_specversion: '1.0',
      'content-type': 'application/protobuf',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const read = fromHeaders(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v)])));
    expect(read).toEqual({ ...attributes, traceparent: headers.traceparent });
  });

  it('gives every event its own id unless a deterministic one is passed', () => {
    const a = newAttributes({ type: 't', source: 's' });
    const b = newAttributes({ type: 't', source: 's' });
    expect(a.id).not.toBe(b.id);
    expect(newAttributes({ type: 't', source: 's', id: 'MN1:2011:2026-11-29T08:00:00Z' }).id).toBe('MN1:2011:2026-11-29T08:00:00Z');
  });

  it.each([
    ['ce_id', /missing header ce_id/],
    ['ce_type', /missing header ce_type/],
    ['ce_source', /missing header ce_source/],
    ['ce_specversion', /missing header ce_specversion/],
  ])('refuses a record without %s', (missing, message) => {
    const headers: Record<string, string> = toHeaders(newAttributes({ type: 't', source: 's' }));
    delete headers[missing];
    expect(() => fromHeaders(headers)).toThrow(EnvelopeError);
    expect(() => fromHeaders(headers)).toThrow(message);
  });

  it('refuses an unknown spec version and a time that is not a timestamp', () => {
    const headers = toHeaders(newAttributes({ type: 't', source: 's' }));
    expect(() => fromHeaders({ ...headers, ce_specversion: '0.3' })).toThrow(/unsupported ce_specversion/);
    expect(() => fromHeaders({ ...headers, ce_time: 'yesterday' })).toThrow(/not a timestamp/);
  });
});

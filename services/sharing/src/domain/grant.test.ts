import { describe, expect, it } from 'vitest';
import { CATALOGUE, datasetById } from './catalogue';
import { approveGrant, grantRefusal, inGrant, projectRecord, requestGrant, type GrantRequest } from './grant';
import type { SharedRecord } from './shared-record';

const NOW = new Date('2026-06-15T10:00:00Z');
const later = new Date('2027-01-01T00:00:00Z');

const request = (overrides: Partial<GrantRequest> = {}): GrantRequest => ({
  id: 'g1',
  partnerId: 'water',
  datasetId: 'aqi-hourly',
  scope: {},
  fields: ['station_mn', 'aqi'],
  window: {},
  purpose: '水质联动',
  expiresAt: later,
  ...overrides,
});

const record = (overrides: Partial<SharedRecord> = {}): SharedRecord => ({
  seq: 1,
  dataset: 'cases-public',
  key: 'YH-1',
  occurredAt: new Date('2026-06-01T00:00:00Z'),
  township: '140802001',
  enterprise: '91140800MA0000000X',
  factor: null,
  lon: 111.0,
  lat: 35.0,
  fields: { case_id: 'YH-1', title: '异味', township_code: '140802001', complainant_contact: '13800000000', lon: 111, lat: 35 },
  ...overrides,
});

describe('requestGrant', () => {
  it('activates a grant on an unconditional dataset at once', () => {
    expect(requestGrant(request(), NOW).status).toBe('active');
  });

  it('holds a grant on a conditional dataset until a data steward approves it', () => {
    const grant = requestGrant(request({ datasetId: 'alerts', fields: ['alert_id'] }), NOW);
    expect(grant.status).toBe('pending_approval');
    expect(() => approveGrant(grant, { subject: 'a', role: 'admin' })).toThrow(/data steward/);
    const approved = approveGrant(grant, { subject: 'steward-1', role: 'data_steward' });
    expect(approved).toMatchObject({ status: 'active', approvedBy: 'steward-1' });
    expect(() => approveGrant(approved, { subject: 'steward-1', role: 'data_steward' })).toThrow(/active/);
  });

  it('refuses every not-shareable dataset and every never-shared field', () => {
    for (const dataset of CATALOGUE.filter((candidate) => candidate.sharingClass === 'not_shareable')) {
      expect(() => requestGrant(request({ datasetId: dataset.id, fields: [dataset.fields[0]?.name ?? 'x'] }), NOW)).toThrow(/不予共享/);
    }
    expect(() => requestGrant(request({ datasetId: 'cases-public', fields: ['case_id', 'complainant_contact'] }), NOW)).toThrow(/never leaves/);
  });

  it('refuses scopes the dataset cannot be narrowed by, unknown fields, a past expiry and an empty purpose', () => {
    expect(() => requestGrant(request({ scope: { enterprises: ['x'] } }), NOW)).toThrow(/cannot be scoped/);
    expect(() => requestGrant(request({ fields: ['nope'] }), NOW)).toThrow(/no field/);
    expect(() => requestGrant(request({ expiresAt: NOW }), NOW)).toThrow(/future/);
    expect(() => requestGrant(request({ purpose: ' ' }), NOW)).toThrow(/purpose/);
  });
});

describe('serving a grant', () => {
  const dataset = datasetById('cases-public')!;
  const grant = { ...requestGrant(request({ datasetId: 'cases-public', fields: ['case_id', 'title'], scope: { townships: ['140802001'], bbox: [110.9, 34.9, 111.1, 35.1] } }), NOW), status: 'active' as const };

  it('keeps records inside every scoped dimension and the window, and nothing else', () => {
    expect(inGrant(record(), grant)).toBe(true);
    expect(inGrant(record({ township: '140802002' }), grant)).toBe(false);
    expect(inGrant(record({ lon: 112 }), grant)).toBe(false);
    expect(inGrant(record({ lat: null }), grant)).toBe(false);
    expect(inGrant(record({ dataset: 'alerts' }), grant)).toBe(false);
    const windowed = { ...grant, window: { from: new Date('2026-06-02T00:00:00Z') } };
    expect(inGrant(record(), windowed)).toBe(false);
  });

  it('masks every field not granted and never lets the complainant contact out, even if a grant names it', () => {
    expect(projectRecord(record(), grant, dataset)).toEqual({ case_id: 'YH-1', title: '异味' });
    const forged = { ...grant, fields: [...grant.fields, 'complainant_contact'] };
    expect(projectRecord(record(), forged, dataset)).not.toHaveProperty('complainant_contact');
  });

  it('says why a grant serves nothing', () => {
    expect(grantRefusal(grant, dataset, NOW)).toBeUndefined();
    expect(grantRefusal({ ...grant, status: 'pending_approval' }, dataset, NOW)).toBe('grant_pending_approval');
    expect(grantRefusal({ ...grant, status: 'revoked' }, dataset, NOW)).toBe('grant_revoked');
    expect(grantRefusal(grant, dataset, later)).toBe('grant_expired');
  });
});

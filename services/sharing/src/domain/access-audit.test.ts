import { describe, expect, it } from 'vitest';
import { chainAccess, verifyAudit, type AccessRecord, type AuditEntry } from './access-audit';

const access = (n: number): AccessRecord => ({
  accessId: `a${n}`,
  partnerId: 'water',
  dataset: 'aqi-hourly',
  query: { limit: 10 },
  rows: n,
  responseSha256: 'ab'.repeat(32),
  accessedAt: new Date(Date.UTC(2026, 5, 1, 0, 0, n)),
  allowed: true,
  denialReason: '',
});

function chain(count: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let n = 1; n <= count; n += 1) entries.push(chainAccess(access(n), entries.at(-1)));
  return entries;
}

describe('access audit chain', () => {
  it('verifies an untouched chain', () => {
    expect(verifyAudit(chain(5))).toEqual({ intact: true, entries: 5 });
  });

  it('names the altered entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, rows: 999 };
    expect(verifyAudit(entries).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
  });

  it('names the gap a deleted entry leaves', () => {
    const entries = chain(5);
    entries.splice(1, 1);
    expect(verifyAudit(entries).firstBroken).toMatchObject({ sequence: 3, reason: 'sequence_gap' });
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson, GENESIS_HASH, sealEntry, verifyChain, type HistoryEntry } from './history-chain';

function chain(length: number): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  let previous = GENESIS_HASH;
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const entry = sealEntry(
      { caseId: 'YH-1', sequence, action: `a${sequence}`, actor: 'x', occurredAt: new Date(1_700_000_000_000 + sequence), fromStatus: null, toStatus: 'registered', details: { n: sequence, nested: { b: 1, a: [2, 'z'] } } },
      previous,
    );
    entries.push(entry);
    previous = entry.hash;
  }
  return entries;
}

describe('the hash-chained history', () => {
  it('serialises with sorted keys at every level, so key order never changes a hash', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
  });

  it('verifies an untouched chain', () => {
    expect(verifyChain(chain(5))).toEqual({ intact: true, entries: 5 });
  });

  it('names the first altered entry, whatever field was changed', () => {
    const entries = chain(5);
    const altered = entries.map((entry) => (entry.sequence === 3 ? { ...entry, details: { ...entry.details, n: 99 } } : entry));
    expect(verifyChain(altered).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const actor = entries.map((entry) => (entry.sequence === 2 ? { ...entry, actor: 'someone else' } : entry));
    expect(verifyChain(actor).firstBroken?.sequence).toBe(2);
  });

  it('catches a rehashed entry by its successor, and a deleted one by the gap', () => {
    const entries = chain(4);
    const second = entries[1] as HistoryEntry;
    const forged = sealEntry({ ...second, details: { forged: true } }, second.previousHash);
    const rehashed = entries.map((entry) => (entry.sequence === 2 ? forged : entry));
    expect(verifyChain(rehashed).firstBroken).toMatchObject({ sequence: 3, reason: 'previous_hash_mismatch' });
    expect(verifyChain(entries.filter((entry) => entry.sequence !== 2)).firstBroken).toMatchObject({ sequence: 3, reason: 'sequence_gap' });
  });
});

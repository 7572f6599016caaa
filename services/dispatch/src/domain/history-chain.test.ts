import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalEntry, canonicalJson, GENESIS_HASH, sealEntry, verifyChain, type ChainKey, type ChainKeyring, type HistoryEntry } from './history-chain';

const KEY = { id: 'k2', secret: 'history-chain-key-of-the-unit-tests-0123456789' };
const KEYS: ChainKeyring = { current: KEY, retired: [{ id: 'k1', secret: 'the-key-before-the-rotation-0123456789abcdef' }] };

function chain(length: number, key: ChainKey = KEY): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  let previous = GENESIS_HASH;
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const entry = sealEntry(
      { caseId: 'YH-1', sequence, action: `a${sequence}`, actor: 'x', occurredAt: new Date(1_700_000_000_000 + sequence), fromStatus: null, toStatus: 'registered', details: { n: sequence, nested: { b: 1, a: [2, 'z'] } } },
      previous,
      key,
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
    expect(verifyChain(chain(5), KEYS)).toEqual({ intact: true, entries: 5 });
  });

  it('names the first altered entry, whatever field was changed', () => {
    const entries = chain(5);
    const altered = entries.map((entry) => (entry.sequence === 3 ? { ...entry, details: { ...entry.details, n: 99 } } : entry));
    expect(verifyChain(altered, KEYS).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const actor = entries.map((entry) => (entry.sequence === 2 ? { ...entry, actor: 'someone else' } : entry));
    expect(verifyChain(actor, KEYS).firstBroken?.sequence).toBe(2);
  });

  it('catches a rehashed entry by its successor, and a deleted one by the gap', () => {
    const entries = chain(4);
    const second = entries[1] as HistoryEntry;
    const forged = sealEntry({ ...second, details: { forged: true } }, second.previousHash, KEY);
    const rehashed = entries.map((entry) => (entry.sequence === 2 ? forged : entry));
    expect(verifyChain(rehashed, KEYS).firstBroken).toMatchObject({ sequence: 3, reason: 'previous_hash_mismatch' });
    expect(verifyChain(entries.filter((entry) => entry.sequence !== 2), KEYS).firstBroken).toMatchObject({ sequence: 3, reason: 'sequence_gap' });
  });

  it('is keyed: a row rewritten with a recomputed plain SHA-256, or sealed with another key, does not hold', () => {
    const entries = chain(3);
    const third = entries[2] as HistoryEntry;
    const content = { ...third, details: { rewritten: true } };
    const plain = createHash('sha256').update(canonicalEntry(content)).update('\n').update(third.previousHash).digest('hex');
    const { keyId: _keyId, ...unkeyed } = { ...content, hash: plain };
    expect(verifyChain([...entries.slice(0, 2), unkeyed], KEYS).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const guessed = sealEntry(content, third.previousHash, { id: 'k2', secret: 'a-guess-at-the-key-0123456789abcdefghij' });
    expect(verifyChain([...entries.slice(0, 2), guessed], KEYS).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const unknownKey = sealEntry(content, third.previousHash, { id: 'k9', secret: 'a-key-this-service-never-had-0123456789' });
    expect(verifyChain([...entries.slice(0, 2), unknownKey], KEYS)).toMatchObject({ intact: false, entries: 3, firstBroken: { sequence: 3, reason: 'hash_mismatch' } });
  });

  it('keeps verifying entries sealed before a key rotation with the retired key', () => {
    const old = chain(2, KEYS.retired[0] as ChainKey);
    const last = old[1] as HistoryEntry;
    const next = sealEntry({ caseId: 'YH-1', sequence: 3, action: 'a3', actor: 'x', occurredAt: new Date(1_700_000_000_003), fromStatus: null, toStatus: 'registered', details: {} }, last.hash, KEY);
    expect(verifyChain([...old, next], KEYS)).toEqual({ intact: true, entries: 3 });
    expect(verifyChain([...old, next], { current: KEY, retired: [] }).intact).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { GENESIS_HASH, linkHash, verifyLinks, type ChainLink } from './hash-chain';

interface Entry extends ChainLink {
  text: string;
}

const content = (entry: Pick<Entry, 'sequence' | 'text'>): string => canonicalJson({ sequence: entry.sequence, text: entry.text });

function chain(texts: string[], key?: { id: string; secret: string }): Entry[] {
  const entries: Entry[] = [];
  let previousHash = GENESIS_HASH;
  texts.forEach((text, index) => {
    const sequence = index + 1;
    const hash = linkHash(content({ sequence, text }), previousHash, key);
    entries.push({ sequence, text, previousHash, hash });
    previousHash = hash;
  });
  return entries;
}

describe('hash chain', () => {
  it('serialises content with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe('{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(/non-finite/);
  });

  it('verifies an intact chain and names the first altered, unlinked or missing entry', () => {
    const entries = chain(['受理', '派遣', '处置', '核查']);
    expect(verifyLinks(entries, content)).toEqual({ intact: true, entries: 4 });
    const altered = entries.map((entry) => (entry.sequence === 3 ? { ...entry, text: '未处置' } : entry));
    expect(verifyLinks(altered, content).firstBroken).toMatchObject({ sequence: 3, reason: 'hash_mismatch' });
    const missing = entries.filter((entry) => entry.sequence !== 2);
    expect(verifyLinks(missing, content).firstBroken).toMatchObject({ sequence: 3, reason: 'sequence_gap' });
    const relinked = entries.map((entry) => (entry.sequence === 4 ? { ...entry, previousHash: GENESIS_HASH } : entry));
    expect(verifyLinks(relinked, content).firstBroken).toMatchObject({ sequence: 4, reason: 'previous_hash_mismatch' });
  });

  it('with a key, a chain rewritten without the key does not verify, though it is a consistent SHA-256 chain', () => {
    const key = { id: 'k1', secret: 'kept-outside-the-database' };
    const keyed = chain(['受理', '派遣'], key);
    expect(verifyLinks(keyed, content, () => key)).toEqual({ intact: true, entries: 2 });
    // Someone who can write the table recomputes every hash after a change, but without the key.
    const forged = chain(['受理', '已核查'], undefined);
    expect(verifyLinks(forged, content)).toEqual({ intact: true, entries: 2 });
    expect(verifyLinks(forged, content, () => key).firstBroken).toMatchObject({ sequence: 1, reason: 'hash_mismatch' });
  });
});

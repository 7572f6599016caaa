import { describe, expect, it } from 'vitest';
import { hasNulCharacter } from './malformed-requests';

describe('hasNulCharacter', () => {
  it('finds a NUL in any string of a decoded request, however deep', () => {
    expect(hasNulCharacter({ a: 'x', b: [{ c: 'y\u0000' }] })).toBe(true);
    expect(hasNulCharacter({ list: ['ok', '\u0000'] })).toBe(true);
  });

  it('ignores bytes, dates and clean text', () => {
    expect(hasNulCharacter({ a: 'x', content: Buffer.from([0, 0, 0]), raw: new Uint8Array([0]), at: new Date(0), n: 0, flag: false, none: undefined })).toBe(false);
  });
});

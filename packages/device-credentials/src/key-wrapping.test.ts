import { describe, expect, it } from 'vitest';
import { parseKeyRing, randomSm4KeyText, sealedKeyText, sm4KeyFromText, wrappedFromSealedText, KeyRingConfigError } from './key-wrapping';

const KEK_A = 'a'.repeat(64);
const KEK_B = Buffer.alloc(32, 7).toString('base64');

describe('key ring', () => {
  it('wraps with the first KEK and unwraps with any configured one, only for the same MN', () => {
    const old = parseKeyRing(`kek-2025:${KEK_B}`);
    const ring = parseKeyRing(`kek-2026:${KEK_A}, kek-2025:${KEK_B}`);
    const secret = Buffer.from('0000000000000000');
    const wrapped = old.wrap('MN1', secret);
    expect(wrapped.kekId).toBe('kek-2025');
    expect(Buffer.from(ring.unwrap('MN1', wrapped) ?? [])).toEqual(secret);
    expect(ring.unwrap('MN2', wrapped)).toBeUndefined();
    expect(ring.wrap('MN1', secret).kekId).toBe('kek-2026');
    expect(Buffer.from(wrapped.ciphertext).includes(secret)).toBe(false);
    expect(parseKeyRing(`kek-2026:${KEK_A}`).unwrap('MN1', wrapped)).toBeUndefined();
    const tampered = { ...wrapped, ciphertext: Buffer.from(wrapped.ciphertext).map((byte, index) => (index === 0 ? byte ^ 1 : byte)) };
    expect(ring.unwrap('MN1', tampered)).toBeUndefined();
  });

  it('refuses a configuration it cannot use, without echoing a key', () => {
    expect(() => parseKeyRing('')).toThrow(KeyRingConfigError);
    expect(() => parseKeyRing('kek:abcd')).toThrow(/kek: needs 32 bytes/);
    expect(() => parseKeyRing(`:${KEK_A}`)).toThrow(/an id/);
    expect(() => parseKeyRing(`k:${KEK_A},k:${KEK_A}`)).toThrow(/twice/);
    try {
      parseKeyRing(`kek:${KEK_A.slice(2)}`);
    } catch (error) {
      expect((error as Error).message).not.toContain(KEK_A.slice(2));
    }
  });
});

describe('SM4 key text', () => {
  it('takes 16 characters or 32 hex digits', () => {
    expect(sm4KeyFromText('0000000000000000')).toEqual(Buffer.alloc(16, 0x30));
    expect(sm4KeyFromText('30'.repeat(16))).toEqual(Buffer.alloc(16, 0x30));
    expect(sm4KeyFromText('short')).toBeUndefined();
    expect(sm4KeyFromText('0000000000000;00')).toBeUndefined();
  });

  it('generates keys 1014 can carry', () => {
    const keys = new Set(Array.from({ length: 200 }, () => randomSm4KeyText()));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(sm4KeyFromText(key)).toHaveLength(16);
  });
});

describe('sealed key text', () => {
  it('carries a wrapped key through a text field and back', () => {
    const ring = parseKeyRing(`kek-1:${KEK_A}`);
    const wrapped = ring.wrap('MN1', Buffer.from('0000000000000000'));
    const text = sealedKeyText(wrapped);
    expect(text).toMatch(/^sm4k1:kek-1:/);
    expect(text).not.toContain('0000000000000000');
    expect(Buffer.from(ring.unwrap('MN1', wrappedFromSealedText(text) ?? wrapped) ?? []).toString()).toBe('0000000000000000');
    expect(wrappedFromSealedText('0000000000000000')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { DomainError } from '@ecogrid/domain-errors';
import { createTokenMinter } from './token-minter';
import { bearerToken, createTokenVerifier } from './token-verifier';

const SECRET = 'test-secret-0123456789-0123456789-abcdef';
const verifier = createTokenVerifier({ secret: SECRET });
const minter = createTokenMinter({ secret: SECRET });

const refusal = async (promise: Promise<unknown>): Promise<{ code: string; reason: string | undefined }> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, reason: error.reason };
    throw error;
  }
  throw new Error('expected a refusal');
};

const forged = (claims: Record<string, unknown>, { ttl = 3600, secret = SECRET, jti = true } = {}): Promise<string> => {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('someone').setIssuer('ecogrid').setAudience('ecogrid-staff').setIssuedAt().setExpirationTime(`${ttl}s`);
  return (jti ? jwt.setJti('j-1') : jwt).sign(new TextEncoder().encode(secret));
};

describe('staff tokens', () => {
  it('round-trips a supervisor token with its officer, township, id and expiry', async () => {
    const token = await minter.mint({ sub: 'wang@yanhu', role: 'supervisor', officerId: 'O-0001', townshipCode: '140802001' });
    const principal = await verifier.verifyAuthorization(`Bearer ${token}`);
    expect(principal).toMatchObject({ subject: 'wang@yanhu', role: 'supervisor', officerId: 'O-0001', townshipCode: '140802001' });
    expect(principal.tokenId).toMatch(/^[0-9a-f-]{36}$/);
    expect(principal.expiresAt.getTime() - Date.now()).toBeGreaterThan(7.9 * 3600_000);
    expect(principal.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(8 * 3600_000);
  });

  it('gives every token its own id', async () => {
    const [a, b] = await Promise.all([minter.mint({ sub: 'x', role: 'analyst' }), minter.mint({ sub: 'x', role: 'analyst' })]);
    expect((await verifier.verify(a)).tokenId).not.toBe((await verifier.verify(b)).tokenId);
  });

  it('refuses to mint a token living longer than 24 h, or a supervisor without officer or township', async () => {
    await expect(minter.mint({ sub: 'x', role: 'analyst' }, 24 * 3600 + 1)).rejects.toThrow(/at most|between/);
    await expect(minter.mint({ sub: 'x', role: 'supervisor', officerId: 'O-1' })).rejects.toThrow(/township/);
    await expect(minter.mint({ sub: 'x', role: 'officer' })).rejects.toThrow(/officer id/);
  });

  it('refuses missing, forged, foreign, overlong, id-less and role-less tokens with a specific reason', async () => {
    expect(await refusal(verifier.verifyAuthorization(undefined))).toEqual({ code: 'UNAUTHENTICATED', reason: 'no_token' });
    expect(await refusal(verifier.verifyAuthorization('Basic abc'))).toEqual({ code: 'UNAUTHENTICATED', reason: 'no_token' });
    expect(await refusal(verifier.verify(await forged({ role: 'admin' }, { secret: 'another-secret-0123456789-0123456789' })))).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid_token' });
    expect(await refusal(verifier.verify(await forged({ role: 'admin' }, { ttl: 48 * 3600 })))).toEqual({ code: 'UNAUTHENTICATED', reason: 'ttl_too_long' });
    expect(await refusal(verifier.verify(await forged({ role: 'admin' }, { jti: false })))).toEqual({ code: 'UNAUTHENTICATED', reason: 'no_token_id' });
    expect(await refusal(verifier.verify(await forged({ role: 'root' })))).toEqual({ code: 'UNAUTHENTICATED', reason: 'no_role' });
    expect(await refusal(verifier.verify(await forged({ role: 'supervisor', officer_id: 'O-1' })))).toEqual({ code: 'UNAUTHENTICATED', reason: 'no_township' });
    const foreignAudience = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('ecogrid').setAudience('somebody-else').setJti('j').setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verifier.verify(foreignAudience))).toEqual({ code: 'UNAUTHENTICATED', reason: 'invalid_token' });
  });

  it('says an expired token has expired', async () => {
    const past = Math.floor(Date.now() / 1000) - 7200;
    const expired = await new SignJWT({ role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setSubject('x').setIssuer('ecogrid').setAudience('ecogrid-staff').setJti('j').setIssuedAt(past).setExpirationTime(past + 3600).sign(new TextEncoder().encode(SECRET));
    expect(await refusal(verifier.verify(expired))).toEqual({ code: 'UNAUTHENTICATED', reason: 'token_expired' });
  });

  it('reads the bearer token of an authorization value', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc')).toBe('abc');
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

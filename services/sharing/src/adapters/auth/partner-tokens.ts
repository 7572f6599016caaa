import { jwtVerify, SignJWT } from 'jose';
import { unauthenticated } from '../../app/actors';
import type { PartnerTokens } from '../../app';

export const PARTNER_TOKEN_AUDIENCE = 'ecogrid-sharing-partner';
const ISSUER = 'ecogrid-sharing';

/**
 * OAuth2 client-credentials access tokens (RFC 6749 §4.4): HS256 JWTs for this service alone (its own audience), short
 * lived. The key behind a token is checked on every request, so revoking it ends the token too.
 */
export function createPartnerTokens(secret: string, ttlSeconds = 900): PartnerTokens {
  const key = new TextEncoder().encode(secret);
  return {
    sign: async ({ partnerId, keyId }) => ({
      token: await new SignJWT({ kid: keyId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ISSUER)
        .setAudience(PARTNER_TOKEN_AUDIENCE)
        .setSubject(partnerId)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
      expiresInSeconds: ttlSeconds,
    }),
    verify: async (token) => {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: PARTNER_TOKEN_AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.kid !== 'string') throw new Error('incomplete token');
        return { partnerId: payload.sub, keyId: payload.kid };
      } catch {
        throw unauthenticated('invalid or expired partner token', 'invalid_token');
      }
    },
  };
}

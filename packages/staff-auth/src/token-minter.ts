import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP, type StaffRole } from './roles';
import { DEFAULT_AUDIENCE, DEFAULT_ISSUER, MAX_TTL_SECONDS } from './token-verifier';

export const DEFAULT_TTL_SECONDS = 8 * 3600;

export interface StaffClaims {
  sub: string;
  role: StaffRole;
  officerId?: string;
  townshipCode?: string;
}

/**
 * HS256 tokens for development and for deployments without an identity provider. Every token gets a fresh `jti`
 * and a lifetime of at most 24 h (8 h unless asked).
 */
export function createTokenMinter(options: { secret: string; issuer?: string; audience?: string }) {
  const key = new TextEncoder().encode(options.secret);
  return {
    mint: async (claims: StaffClaims, ttlSeconds = DEFAULT_TTL_SECONDS): Promise<string> => {
      if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0 || ttlSeconds > MAX_TTL_SECONDS) throw new Error(`a token lives between 1 s and ${MAX_TTL_SECONDS} s (asked ${ttlSeconds})`);
      if (ROLES_NEEDING_OFFICER.has(claims.role) && !claims.officerId) throw new Error(`a ${claims.role} token needs an officer id`);
      if (ROLES_NEEDING_TOWNSHIP.has(claims.role) && !claims.townshipCode) throw new Error(`a ${claims.role} token needs a township code`);
      return new SignJWT({
        role: claims.role,
        ...(claims.officerId ? { officer_id: claims.officerId } : {}),
        ...(claims.townshipCode ? { township_code: claims.townshipCode } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(options.issuer ?? DEFAULT_ISSUER)
        .setAudience(options.audience ?? DEFAULT_AUDIENCE)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
  };
}

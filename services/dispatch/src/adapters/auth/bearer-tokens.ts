import { SignJWT, jwtVerify } from 'jose';
import { DomainError } from '@ecogrid/domain-errors';
import type { Actor, Role } from '../../domain/case';

const STAFF_ROLES: readonly Role[] = ['dispatcher', 'supervisor', 'officer', 'analyst'];
const ISSUER = 'ecogrid-dispatch';
const AUDIENCE = 'ecogrid-staff';

export interface TokenClaims {
  sub: string;
  role: Exclude<Role, 'system'>;
  officer_id?: string;
  township_code?: string;
}

const unauthenticated = (message: string): DomainError => new DomainError('UNAUTHENTICATED', message, { reason: 'invalid_token' });

/** HS256 bearer tokens for staff: `sub`, `role`, and for officers and supervisors `officer_id` / `township_code`. */
export function createBearerTokens(secret: string) {
  const key = new TextEncoder().encode(secret);
  return {
    mint: async (claims: TokenClaims, ttlSeconds = 12 * 3600): Promise<string> =>
      new SignJWT({ role: claims.role, ...(claims.officer_id ? { officer_id: claims.officer_id } : {}), ...(claims.township_code ? { township_code: claims.township_code } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key),
    /** The actor of an `Authorization: Bearer …` header; UNAUTHENTICATED when missing, expired or forged. */
    authenticate: async (authorization: string | undefined): Promise<Actor> => {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match?.[1]) throw unauthenticated('send Authorization: Bearer <token>');
      let payload: Record<string, unknown>;
      try {
        ({ payload } = await jwtVerify(match[1], key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] }));
      } catch (error) {
        throw unauthenticated(`the token is not valid: ${(error as Error).message}`);
      }
      const role = payload.role;
      if (typeof role !== 'string' || !(STAFF_ROLES as readonly string[]).includes(role)) throw unauthenticated('the token has no staff role');
      if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('the token has no subject');
      const officerId = typeof payload.officer_id === 'string' && payload.officer_id ? payload.officer_id : undefined;
      if (role === 'officer' && !officerId) throw unauthenticated('an officer token needs officer_id');
      return {
        subject: payload.sub,
        role: role as Role,
        ...(officerId ? { officerId } : {}),
        ...(typeof payload.township_code === 'string' && payload.township_code ? { townshipCode: payload.township_code } : {}),
      };
    },
  };
}

export type BearerTokens = ReturnType<typeof createBearerTokens>;

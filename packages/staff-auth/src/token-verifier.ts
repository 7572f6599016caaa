import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError } from '@ecogrid/domain-errors';
import { isStaffRole, ROLES_NEEDING_OFFICER, ROLES_NEEDING_TOWNSHIP, type StaffPrincipal } from './roles';

export const DEFAULT_ISSUER = 'ecogrid';
export const DEFAULT_AUDIENCE = 'ecogrid-staff';

export interface TokenVerifierOptions {
  /** HS256 shared secret (development and small deployments). */
  secret?: string;
  /** An identity provider's JWKS URL: RS256/ES256 tokens signed with its keys. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** Longest lifetime a token may claim (`exp − iat`); longer ones are refused. */
  maxTtlSeconds?: number;
}

export interface TokenVerifier {
  /** The principal of a token; UNAUTHENTICATED (with a reason) when it is missing, expired, forged or incomplete. */
  verify(token: string): Promise<StaffPrincipal>;
  /** The same, from an `Authorization: Bearer …` header or metadata value. */
  verifyAuthorization(authorization: string | undefined): Promise<StaffPrincipal>;
}

export const MAX_TTL_SECONDS = 24 * 3600;

/** Verified tokens remembered at most; the oldest is forgotten first. */
const VERIFIED_TOKENS_KEPT = 10_000;

const unauthenticated = (message: string, reason = 'invalid_token'): DomainError => new DomainError('UNAUTHENTICATED', message, { reason });

/** The token of an `Authorization: Bearer <token>` value, or undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match?.[1];
}

function principalOf(payload: JWTPayload, maxTtlSeconds: number): StaffPrincipal {
  const role = payload.role;
  if (!isStaffRole(role)) throw unauthenticated('the token has no staff role', 'no_role');
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) throw unauthenticated('the token has no subject', 'no_subject');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0) throw unauthenticated('the token has no id (jti)', 'no_token_id');
  if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number') throw unauthenticated('the token has no issue or expiry time', 'no_expiry');
  if (payload.exp - payload.iat > maxTtlSeconds) throw unauthenticated(`the token lives longer than ${maxTtlSeconds} s`, 'ttl_too_long');
  const officerId = typeof payload.officer_id === 'string' && payload.officer_id ? payload.officer_id : undefined;
  const townshipCode = typeof payload.township_code === 'string' && payload.township_code ? payload.township_code : undefined;
  if (ROLES_NEEDING_OFFICER.has(role) && !officerId) throw unauthenticated(`a ${role} token needs officer_id`, 'no_officer');
  if (ROLES_NEEDING_TOWNSHIP.has(role) && !townshipCode) throw unauthenticated(`a ${role} token needs township_code`, 'no_township');
  return {
    subject: payload.sub,
    role,
    ...(officerId ? { officerId } : {}),
    ...(townshipCode ? { townshipCode } : {}),
    tokenId: payload.jti,
    expiresAt: new Date(payload.exp * 1000),
  };
}

/**
 * Verifies staff bearer tokens the same way on every surface (gRPC interceptor, dispatch's REST API, the console):
 * issuer, audience, algorithm and expiry checked by jose; role, subject, `jti` and the capped lifetime by us.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  if (!options.secret && !options.jwksUrl) throw new Error('staff token verification needs a secret (HS256) or a JWKS URL');
  const issuer = options.issuer ?? DEFAULT_ISSUER;
  const audience = options.audience ?? DEFAULT_AUDIENCE;
  const maxTtlSeconds = Math.min(options.maxTtlSeconds ?? MAX_TTL_SECONDS, MAX_TTL_SECONDS);
  const jwks: JWTVerifyGetKey | undefined = options.jwksUrl ? createRemoteJWKSet(new URL(options.jwksUrl)) : undefined;
  const secret = options.secret ? new TextEncoder().encode(options.secret) : undefined;
  // A client sends the same token with every call until it renews it: a token verified once is known until it
  // expires, so a busy caller costs a map lookup per call instead of a signature check.
  const verified = new Map<string, StaffPrincipal>();
  const remember = (token: string, principal: StaffPrincipal): StaffPrincipal => {
    if (verified.size >= VERIFIED_TOKENS_KEPT) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    verified.set(token, principal);
    return principal;
  };
  const verify = async (token: string): Promise<StaffPrincipal> => {
    const known = verified.get(token);
    if (known) {
      if (known.expiresAt.getTime() > Date.now()) return known;
      verified.delete(token);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = jwks
        ? await jwtVerify(token, jwks, { issuer, audience, algorithms: ['RS256', 'ES256'] })
        : await jwtVerify(token, secret as Uint8Array, { issuer, audience, algorithms: ['HS256'] }));
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw unauthenticated(code === 'ERR_JWT_EXPIRED' ? 'the token has expired' : 'the token is not valid', code === 'ERR_JWT_EXPIRED' ? 'token_expired' : 'invalid_token');
    }
    return remember(token, principalOf(payload, maxTtlSeconds));
  };
  return {
    verify,
    verifyAuthorization: async (authorization) => {
      const token = bearerToken(authorization);
      if (!token) throw unauthenticated('send Authorization: Bearer <token>', 'no_token');
      return verify(token);
    },
  };
}

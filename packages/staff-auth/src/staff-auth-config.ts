import { z } from 'zod';
import { allowsPublishedSecrets, DEV_STAFF_TOKEN_SECRET, refusePublishedSecrets } from './published-secrets';
import { createTokenVerifier, type TokenVerifier } from './token-verifier';

/**
 * The settings of staff authentication, added to a service's configuration. Either a secret (HS256) or an identity
 * provider's JWKS URL; NODE_ENV decides whether the published development secret may be used (it may not when
 * NODE_ENV is unset).
 */
export const staffAuthSettings = {
  NODE_ENV: z.string().optional(),
  STAFF_TOKEN_SECRET: z.string().min(32, 'at least 32 characters').optional(),
  STAFF_JWKS_URL: z.string().url().optional(),
  STAFF_TOKEN_ISSUER: z.string().min(1).default('ecogrid'),
  STAFF_TOKEN_AUDIENCE: z.string().min(1).default('ecogrid-staff'),
};

export interface StaffAuthSettings {
  NODE_ENV?: string | undefined;
  STAFF_TOKEN_SECRET?: string | undefined;
  STAFF_JWKS_URL?: string | undefined;
  STAFF_TOKEN_ISSUER: string;
  STAFF_TOKEN_AUDIENCE: string;
}

/**
 * The verifier a service's settings ask for. Without a secret or a JWKS URL, development and test fall back to the
 * published development secret; anywhere else that, or the published secret set explicitly, stops the start.
 */
export function verifierFromSettings(settings: StaffAuthSettings): TokenVerifier {
  if (settings.STAFF_JWKS_URL) return createTokenVerifier({ jwksUrl: settings.STAFF_JWKS_URL, issuer: settings.STAFF_TOKEN_ISSUER, audience: settings.STAFF_TOKEN_AUDIENCE });
  const secret = settings.STAFF_TOKEN_SECRET ?? (allowsPublishedSecrets(settings.NODE_ENV) ? DEV_STAFF_TOKEN_SECRET : undefined);
  if (!secret) throw new Error('invalid configuration: set STAFF_TOKEN_SECRET (HS256) or STAFF_JWKS_URL (an identity provider), or NODE_ENV=development for local use');
  refusePublishedSecrets(settings.NODE_ENV, { STAFF_TOKEN_SECRET: secret });
  return createTokenVerifier({ secret, issuer: settings.STAFF_TOKEN_ISSUER, audience: settings.STAFF_TOKEN_AUDIENCE });
}

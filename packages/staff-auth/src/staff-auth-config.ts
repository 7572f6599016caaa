import { z } from 'zod';

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

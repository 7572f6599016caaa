import { Metadata } from '@grpc/grpc-js';
import { createTokenMinter } from '@ecogrid/staff-auth';
import type { StaffUser } from '../../domain/staff-user';

const TOKEN_TTL_SECONDS = 15 * 60;
const RENEW_BEFORE_MS = 60_000;

/**
 * Staff tokens the console signs for its logged-in users, so each service checks the user's own role and scope; a
 * token is short-lived and reused until a minute before it expires.
 */
export function createUserTokens(options: { secret: string; issuer: string; audience: string; now?: () => number }) {
  const minter = createTokenMinter({ secret: options.secret, issuer: options.issuer, audience: options.audience });
  const now = options.now ?? Date.now;
  const cache = new Map<string, { token: string; expiresAt: number }>();
  const tokenFor = async (user: StaffUser): Promise<string> => {
    const key = `${user.username}\u0000${user.role}\u0000${user.officerId ?? ''}\u0000${user.townshipCode ?? ''}`;
    const cached = cache.get(key);
    if (cached && cached.expiresAt - RENEW_BEFORE_MS > now()) return cached.token;
    const token = await minter.mint(
      { sub: `console:${user.username}`, role: user.role, ...(user.officerId ? { officerId: user.officerId } : {}), ...(user.townshipCode ? { townshipCode: user.townshipCode } : {}) },
      TOKEN_TTL_SECONDS,
    );
    cache.set(key, { token, expiresAt: now() + TOKEN_TTL_SECONDS * 1000 });
    return token;
  };
  return {
    tokenFor,
    metadataFor: async (user: StaffUser): Promise<Metadata> => {
      const metadata = new Metadata();
      metadata.set('authorization', `Bearer ${await tokenFor(user)}`);
      return metadata;
    },
  };
}

export type UserTokens = ReturnType<typeof createUserTokens>;

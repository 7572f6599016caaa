import type { Actor } from './actors';
import { unauthenticated } from './actors';
import { keyDigest, keyIdOf } from './partner-keys';
import type { SharingRuntime } from './runtime';

/**
 * Partner authentication. A key is looked up by its digest on every request and a token's key is checked on every
 * request too, so revoking a key shuts both doors at once (a token outliving its key is worth nothing).
 */
export function createAuthenticatePartner(runtime: SharingRuntime) {
  const byKey = async (key: string): Promise<Actor & { kind: 'partner' }> => {
    const found = keyIdOf(key) ? await runtime.partners.keyByHash(keyDigest(key)) : undefined;
    if (!found) throw unauthenticated('unknown API key', 'invalid_api_key');
    if (found.revoked) throw unauthenticated('this API key was revoked', 'revoked_api_key');
    return { kind: 'partner', partnerId: found.partnerId, keyId: found.keyId };
  };
  return {
    byKey,
    byToken: async (token: string): Promise<Actor & { kind: 'partner' }> => {
      const claims = await runtime.partnerTokens.verify(token);
      const found = await runtime.partners.keyById(claims.keyId);
      if (!found || found.partnerId !== claims.partnerId) throw unauthenticated('the token names no key of this partner', 'invalid_token');
      if (found.revoked) throw unauthenticated('the key behind this token was revoked', 'revoked_api_key');
      return { kind: 'partner', partnerId: found.partnerId, keyId: found.keyId };
    },
    /** OAuth2 client credentials: the client id is the key id, the secret the key. */
    issueToken: async (clientId: string, clientSecret: string): Promise<{ token: string; expiresInSeconds: number }> => {
      if (keyIdOf(clientSecret) !== clientId) throw unauthenticated('client id and secret do not match', 'invalid_client');
      const actor = await byKey(clientSecret);
      return runtime.partnerTokens.sign({ partnerId: actor.partnerId, keyId: actor.keyId });
    },
  };
}

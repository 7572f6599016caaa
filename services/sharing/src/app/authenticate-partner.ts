import type { Actor } from './actors';
import { unauthenticated } from './actors';
import { keyDigest, keyIdOf } from './partner-keys';
import type { Partner } from './ports';
import type { SharingRuntime } from './runtime';

type PartnerActor = Actor & { kind: 'partner' };

/**
 * Partner authentication. A key is looked up by its digest on every request and a token's key is checked on every
 * request too, so revoking a key shuts both doors at once (a token outliving its key is worth nothing). Lookups are
 * answered by the in-memory access view. With `fresh` (the default) it is synced first, so a key revoked before the
 * request was sent is refused whichever instance revoked it; without, the caller must confirm the version it noted
 * before (the pull does, with the version read beside its page), and a refusal is only given after a sync.
 */
export function createAuthenticatePartner(runtime: SharingRuntime) {
  const byKey = async (key: string, fresh = true): Promise<PartnerActor> => {
    if (!keyIdOf(key)) throw unauthenticated('unknown API key', 'invalid_api_key');
    if (fresh) await runtime.access.sync();
    const found = await runtime.access.keyByHash(keyDigest(key));
    // An unknown digest was just looked up in the store (the view never remembers one): no sync would change it.
    if (!found) throw unauthenticated('unknown API key', 'invalid_api_key');
    if (found.revoked) {
      if (!fresh) return byKey(key, true);
      throw unauthenticated('this API key was revoked', 'revoked_api_key');
    }
    return { kind: 'partner', partnerId: found.partnerId, keyId: found.keyId };
  };
  const byToken = async (token: string, fresh = true): Promise<PartnerActor> => {
    const claims = await runtime.partnerTokens.verify(token);
    if (fresh) await runtime.access.sync();
    const found = await runtime.access.keyById(claims.keyId);
    if (!found || found.partnerId !== claims.partnerId || found.revoked) {
      if (!fresh) return byToken(token, true);
      if (!found || found.partnerId !== claims.partnerId) throw unauthenticated('the token names no key of this partner', 'invalid_token');
      throw unauthenticated('the key behind this token was revoked', 'revoked_api_key');
    }
    return { kind: 'partner', partnerId: found.partnerId, keyId: found.keyId };
  };
  return {
    byKey,
    byToken,
    /** The version of keys, partners and grants the view answers from now: noted before an unsynced authentication. */
    accessVersion: (): number => runtime.access.version(),
    /** OAuth2 client credentials: the client id is the key id, the secret the key. */
    issueToken: async (clientId: string, clientSecret: string): Promise<{ token: string; expiresInSeconds: number }> => {
      if (keyIdOf(clientSecret) !== clientId) throw unauthenticated('client id and secret do not match', 'invalid_client');
      const actor = await byKey(clientSecret);
      return runtime.partnerTokens.sign({ partnerId: actor.partnerId, keyId: actor.keyId });
    },
  };
}

/**
 * The key a request came with and its partner, read again after the access view moved to a newer version than the
 * one they were read at: refuses the request as authentication would have, had it seen that version.
 */
export async function confirmCaller(runtime: SharingRuntime, keyId: string, partnerId: string): Promise<Partner> {
  const key = await runtime.access.keyById(keyId);
  if (!key || key.partnerId !== partnerId) throw unauthenticated('the key of this request no longer exists', 'invalid_api_key');
  if (key.revoked) throw unauthenticated('this API key was revoked', 'revoked_api_key');
  const partner = await runtime.access.partner(partnerId);
  if (!partner) throw unauthenticated('the partner of this key no longer exists', 'invalid_api_key');
  return partner;
}

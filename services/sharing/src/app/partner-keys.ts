import { createHash, randomBytes } from 'node:crypto';

/**
 * A partner key: `esk_<key id>_<256 random bits>`. The id is not secret (it is the OAuth2 client id and appears in
 * the audit); the whole key is, and only its SHA-256 is stored: a random key needs no slow hash, and the digest is
 * indexable, so a lookup costs one index probe.
 */
export function newPartnerKey(): { keyId: string; key: string; sha256: string } {
  const keyId = `k${randomBytes(6).toString('hex')}`;
  const key = `esk_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { keyId, key, sha256: keyDigest(key) };
}

export function keyDigest(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The key id a key names, for refusing a client id that does not match its secret. */
export function keyIdOf(key: string): string | undefined {
  return /^esk_(k[0-9a-f]{12})_[A-Za-z0-9_-]{43}$/.exec(key)?.[1];
}

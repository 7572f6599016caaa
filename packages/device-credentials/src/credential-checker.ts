import { createPasswordVerifier, DEFAULT_SCRYPT, verifyPassword, type PasswordVerifier, type ScryptParameters } from './password-verifier';

export interface CredentialCheckerOptions {
  /** How long a verified (MN, password) stays trusted without being used; every use extends it. */
  ttlMs?: number;
  /** Most entries kept; the least recently used go first. */
  maxEntries?: number;
  now?: () => number;
  /** Parameters of the stand-in verifier an unknown MN is checked against. */
  decoyParameters?: ScryptParameters;
}

export interface CredentialChecker {
  /** True when this (MN, password) was verified against this verifier (or an equal copy) within the TTL; extends it. No scrypt. */
  remembered(mn: string, verifier: PasswordVerifier | undefined, password: string): boolean;
  /**
   * Whether `password` is the device's. `verifier` undefined (unknown MN, or a device without one) costs a full
   * check against a stand-in all the same, so how long a refusal takes does not tell whether the MN exists.
   */
  check(mn: string, verifier: PasswordVerifier | undefined, password: string): Promise<boolean>;
  /** Cache counters, for the metrics. */
  readonly stats: { hits: number; misses: number; size: number };
}

interface Entry {
  verifier: PasswordVerifier;
  expiresAt: number;
}

/**
 * Checks device passwords against their verifiers, remembering successes per (MN, password): scrypt is meant to
 * be slow, and a device sending a frame a second must not pay it every frame. An entry is bound to the verifier it
 * was checked against, so a rotated password (a new salt and hash from the registry) is checked afresh at once;
 * the same verifier delivered again (the registry view reading its topic anew, a re-import) is the same verifier,
 * by content, and keeps the entry: otherwise every connected device would pay scrypt at the same moment.
 * Failures are never cached: throttling, not the cache, is what keeps guessing cheap for us.
 */
export function createCredentialChecker(options: CredentialCheckerOptions = {}): CredentialChecker {
  const ttlMs = options.ttlMs ?? 15 * 60_000;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();
  const stats = { hits: 0, misses: 0, size: 0 };
  let decoy: Promise<PasswordVerifier> | undefined;
  const decoyVerifier = (): Promise<PasswordVerifier> => (decoy ??= createPasswordVerifier(`decoy-${Math.random()}`, options.decoyParameters ?? DEFAULT_SCRYPT));

  // A NUL cannot appear in an MN, so the key is unambiguous.
  const keyOf = (mn: string, password: string): string => `${mn}\u0000${password}`;
  const remembered = (mn: string, verifier: PasswordVerifier | undefined, password: string): boolean => {
    const key = keyOf(mn, password);
    const entry = entries.get(key);
    if (!entry) return false;
    const at = now();
    if (!verifier || !sameVerifier(entry.verifier, verifier) || entry.expiresAt <= at) {
      entries.delete(key);
      return false;
    }
    entry.verifier = verifier;
    stats.hits += 1;
    // Re-insert to keep the map in least-recently-used order.
    entries.delete(key);
    entry.expiresAt = at + ttlMs;
    entries.set(key, entry);
    return true;
  };
  return {
    remembered,
    check: async (mn, verifier, password) => {
      if (remembered(mn, verifier, password)) return true;
      const key = keyOf(mn, password);
      stats.misses += 1;
      if (!verifier) {
        await verifyPassword(await decoyVerifier(), password);
        stats.size = entries.size;
        return false;
      }
      const ok = await verifyPassword(verifier, password);
      if (ok) {
        entries.set(key, { verifier, expiresAt: now() + ttlMs });
        while (entries.size > maxEntries) {
          const oldest = entries.keys().next();
          if (oldest.done) break;
          entries.delete(oldest.value);
        }
      }
      stats.size = entries.size;
      return ok;
    },
    get stats() {
      return { ...stats, size: entries.size };
    },
  };
}

function sameVerifier(a: PasswordVerifier, b: PasswordVerifier): boolean {
  if (a === b) return true;
  return a.algorithm === b.algorithm && a.log2N === b.log2N && a.blockSize === b.blockSize && a.parallelism === b.parallelism && sameBytes(a.salt, b.salt) && sameBytes(a.hash, b.hash);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

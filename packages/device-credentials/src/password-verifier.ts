import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * A salted one-way verifier of a device password, as the registry publishes it. The cost parameters are part
 * of the record: raising them for new and rotated passwords leaves every older verifier checkable.
 */
export interface PasswordVerifier {
  algorithm: 'scrypt';
  /** N = 2^log2N. */
  log2N: number;
  /** scrypt's r. */
  blockSize: number;
  /** scrypt's p. */
  parallelism: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

export interface ScryptParameters {
  log2N: number;
  blockSize: number;
  parallelism: number;
}

/**
 * N = 2^14, r = 8, p = 1 (16 MiB, tens of milliseconds a check). Below OWASP's figure for people's passwords on
 * purpose: ingest checks a device once per connection and caches the result, while the registry hashes every
 * device of an import; wrong guesses are throttled before they reach scrypt at all.
 */
export const DEFAULT_SCRYPT: Readonly<ScryptParameters> = { log2N: 14, blockSize: 8, parallelism: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
/** Bounds what a verifier from the topic can make us allocate (128 · N · r bytes): up to N = 2^20, r = 16. */
const MAX_LOG2N = 20;
const MAX_BLOCK_SIZE = 16;
const MAX_PARALLELISM = 4;

function derive(password: string, salt: Uint8Array, length: number, parameters: ScryptParameters): Promise<Buffer> {
  const options: ScryptOptions = {
    N: 2 ** parameters.log2N,
    r: parameters.blockSize,
    p: parameters.parallelism,
    maxmem: 256 * 2 ** parameters.log2N * parameters.blockSize + 1024 * 1024,
  };
  // The async form runs on libuv's thread pool, so a check never blocks the event loop that serves devices.
  return new Promise((resolve, reject) => scrypt(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Whether a verifier's parameters are ones this code will run; anything else is refused, not attempted. */
export function isUsableVerifier(verifier: PasswordVerifier): boolean {
  return (
    verifier.algorithm === 'scrypt' &&
    Number.isInteger(verifier.log2N) &&
    verifier.log2N >= 1 &&
    verifier.log2N <= MAX_LOG2N &&
    Number.isInteger(verifier.blockSize) &&
    verifier.blockSize >= 1 &&
    verifier.blockSize <= MAX_BLOCK_SIZE &&
    Number.isInteger(verifier.parallelism) &&
    verifier.parallelism >= 1 &&
    verifier.parallelism <= MAX_PARALLELISM &&
    verifier.salt.length >= 8 &&
    verifier.hash.length >= 16 &&
    verifier.hash.length <= 64
  );
}

/** A fresh verifier of `password` with a random salt. */
export async function createPasswordVerifier(password: string, parameters: ScryptParameters = DEFAULT_SCRYPT): Promise<PasswordVerifier> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, HASH_BYTES, parameters);
  const verifier: PasswordVerifier = { algorithm: 'scrypt', ...parameters, salt: new Uint8Array(salt), hash: new Uint8Array(hash) };
  if (!isUsableVerifier(verifier)) throw new Error('scrypt parameters out of range');
  return verifier;
}

/** Whether `password` matches; compares in constant time. An unusable verifier matches nothing. */
export async function verifyPassword(verifier: PasswordVerifier, password: string): Promise<boolean> {
  if (!isUsableVerifier(verifier)) return false;
  const derived = await derive(password, verifier.salt, verifier.hash.length, verifier);
  return timingSafeEqual(derived, verifier.hash);
}

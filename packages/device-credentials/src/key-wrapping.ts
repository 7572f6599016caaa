import { createCipheriv, createDecipheriv, randomBytes, randomInt } from 'node:crypto';

/**
 * A device secret wrapped with a key-encryption key (envelope encryption): AES-256-GCM over the secret, with the
 * device's MN as additional authenticated data, so a wrapped key moved onto another device does not open.
 */
export interface WrappedKey {
  /** Which key-encryption key wrapped it. */
  kekId: string;
  algorithm: 'aes-256-gcm';
  iv: Uint8Array;
  ciphertext: Uint8Array;
  tag: Uint8Array;
}

/** The platform's key-encryption keys: the first wraps, every one unwraps (so a KEK can be rotated). */
export interface KeyRing {
  readonly activeId: string;
  wrap(mn: string, secret: Uint8Array): WrappedKey;
  /** The secret, or undefined when no configured KEK opens it (unknown KEK id, another device's, tampered). */
  unwrap(mn: string, wrapped: WrappedKey): Uint8Array | undefined;
  has(kekId: string): boolean;
}

export class KeyRingConfigError extends Error {}

const KEK_ID = /^[A-Za-z0-9._-]{1,32}$/;

/**
 * Reads `id:key,id:key` (keys as 64 hex digits or base64 of 32 bytes), the first being the active KEK: the
 * format of `DEVICE_KEY_KEKS` and of the secret file `DEVICE_KEY_KEKS_FILE`. Throws `KeyRingConfigError` naming
 * the entry at fault, never its key.
 */
export function parseKeyRing(text: string): KeyRing {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !entry.startsWith('#'));
  if (entries.length === 0) throw new KeyRingConfigError('no key-encryption key configured');
  const keks = new Map<string, Buffer>();
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = entry.slice(colon + 1);
    if (!KEK_ID.test(id)) throw new KeyRingConfigError(`key-encryption key ${index + 1}: an id of 1–32 letters, digits, '.', '_' or '-' comes before ':'`);
    const key = /^[0-9a-fA-F]{64}$/.test(encoded) ? Buffer.from(encoded, 'hex') : Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new KeyRingConfigError(`key-encryption key ${id}: needs 32 bytes (64 hex digits or base64)`);
    if (keks.has(id)) throw new KeyRingConfigError(`key-encryption key ${id} is configured twice`);
    keks.set(id, key);
  }
  return createKeyRing(keks, entries[0]?.slice(0, entries[0].indexOf(':')) ?? '');
}

function createKeyRing(keks: ReadonlyMap<string, Buffer>, activeId: string): KeyRing {
  return {
    activeId,
    has: (kekId) => keks.has(kekId),
    wrap(mn, secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keks.get(activeId) as Buffer, iv);
      cipher.setAAD(Buffer.from(mn, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
      return { kekId: activeId, algorithm: 'aes-256-gcm', iv, ciphertext, tag: cipher.getAuthTag() };
    },
    unwrap(mn, wrapped) {
      const kek = keks.get(wrapped.kekId);
      if (!kek || wrapped.algorithm !== 'aes-256-gcm' || wrapped.iv.length !== 12 || wrapped.tag.length !== 16) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', kek, wrapped.iv);
        decipher.setAAD(Buffer.from(mn, 'utf8'));
        decipher.setAuthTag(wrapped.tag);
        return Buffer.concat([decipher.update(wrapped.ciphertext), decipher.final()]);
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * The 16 key bytes an SM4 key is given as: 16 characters (HJ 212-2025 1014 `NewSK`, whose bytes the key is) or
 * 32 hex digits. Undefined for anything else.
 */
export function sm4KeyFromText(text: string): Uint8Array | undefined {
  if (/^[0-9a-fA-F]{32}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[\x21-\x7e]{16}$/.test(text) && !/[;,=&]/.test(text)) return Buffer.from(text, 'latin1');
  return undefined;
}

/** Visible ASCII except the CP's delimiters `; , = &`: 90 characters. */
const KEY_CHARACTERS = Array.from({ length: 94 }, (_, index) => String.fromCharCode(0x21 + index))
  .filter((character) => !';,=&'.includes(character))
  .join('');

/**
 * A fresh SM4 key as the 16 characters 1014 carries (`NewSK`): 16 × log2(90) ≈ 104 bits, as much as 16 characters
 * that can stand in a CP hold.
 */
export function randomSm4KeyText(): string {
  let out = '';
  for (let index = 0; index < 16; index++) out += KEY_CHARACTERS[randomInt(KEY_CHARACTERS.length)];
  return out;
}

/** Where a service's configuration names its key-encryption keys: inline, or a secret file (preferred). */
export interface KeyRingSettings {
  DEVICE_KEY_KEKS?: string | undefined;
  DEVICE_KEY_KEKS_FILE?: string | undefined;
}

/**
 * The key ring configured for a service, or undefined when none is (then no SM4 key can be stored or used). The
 * file is read with `readText` (the service's `readFileSync`), so this package stays free of I/O.
 */
export function keyRingFromSettings(settings: KeyRingSettings, readText: (path: string) => string): KeyRing | undefined {
  if (settings.DEVICE_KEY_KEKS_FILE) return parseKeyRing(readText(settings.DEVICE_KEY_KEKS_FILE));
  if (settings.DEVICE_KEY_KEKS) return parseKeyRing(settings.DEVICE_KEY_KEKS);
  return undefined;
}

const SEALED = /^sm4k1:([A-Za-z0-9._-]{1,32}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/;

/**
 * A wrapped key as one text value (`sm4k1:<kek id>:<iv>:<ciphertext>:<tag>`, base64url), for a place that holds
 * text only: the NewSK of a 1014 command as it is stored and published.
 */
export function sealedKeyText(wrapped: WrappedKey): string {
  const part = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
  return `sm4k1:${wrapped.kekId}:${part(wrapped.iv)}:${part(wrapped.ciphertext)}:${part(wrapped.tag)}`;
}

/** The wrapped key of `sealedKeyText`, or undefined when the text is not one. */
export function wrappedFromSealedText(text: string): WrappedKey | undefined {
  const match = SEALED.exec(text);
  if (!match) return undefined;
  const bytes = (part: string | undefined): Uint8Array => Buffer.from(part ?? '', 'base64url');
  return { kekId: match[1] as string, algorithm: 'aes-256-gcm', iv: bytes(match[2]), ciphertext: bytes(match[3]), tag: bytes(match[4]) };
}

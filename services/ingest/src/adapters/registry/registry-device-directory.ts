import { DeviceKind, ProtocolVersion, type Device, type PasswordVerifier as WireVerifier } from '@ecogrid/proto/registry/v1/entities';
import { randomSm4KeyText, sealedKeyText, sm4KeyFromText, wrappedFromSealedText, type KeyRing, type PasswordVerifier, type WrappedKey } from '@ecogrid/device-credentials';
import { DomainError } from '@ecogrid/domain-errors';
import { CP_ENCRYPTION_ANNEX_A2, type CpEncryption } from '@ecogrid/standards';
import type { RegistryView } from '@ecogrid/registry-view';
import type { WrappedKey as WireWrappedKey, CpEncryptionLayout } from '@ecogrid/proto/registry/v1/entities';
import type { DeviceProfile } from '../../domain/device-access';
import type { Clock, DeviceDirectory, DeviceKeys } from '../../app/ports';

const VERSION: Record<number, DeviceProfile['protocolVersion']> = {
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2005]: '2005',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2017]: '2017',
  [ProtocolVersion.PROTOCOL_VERSION_HJ212_2025]: '2025',
};

/** Only scrypt verifiers are known; a device with anything else has no usable verifier and is refused. */
function toVerifier(verifier: WireVerifier | undefined): PasswordVerifier | undefined {
  if (!verifier || verifier.algorithm !== 'scrypt') return undefined;
  return { algorithm: 'scrypt', log2N: verifier.log2N, blockSize: verifier.blockSize, parallelism: verifier.parallelism, salt: verifier.salt, hash: verifier.hash };
}

export function toDeviceProfile(device: Device): DeviceProfile {
  return {
    mn: device.mn,
    // Built once per registry change: the credential cache binds a verified password to this very object.
    passwordVerifier: toVerifier(device.passwordVerifier),
    enabled: device.enabled,
    protocolVersion: VERSION[device.protocolVersion] ?? 'auto',
    tolerant: device.tolerant,
    enterpriseUscc: device.enterpriseUscc,
    cellId: device.cellId,
    townshipCode: device.townshipCode,
    units: new Map(device.factors.map((factor) => [factor.factorCode, factor.unit])),
  };
}

/** A device's keys as this instance holds them: bytes, only in memory. */
interface KeyState {
  layout: Omit<CpEncryption, 'key' | 'previousKeys'>;
  key: Uint8Array;
  /** The key a rotation replaced, and until when it is accepted (ms). */
  previous?: { key: Uint8Array; untilMs: number };
  /** A key a 1014 in flight hands over. */
  pending?: Uint8Array;
  /** Settings built once per change, with and without the previous key (it expires by the clock, not by an event). */
  incoming: CpEncryption;
  incomingAfterGrace: CpEncryption;
  outgoing: CpEncryption;
}

const LAYOUT_DEFAULTS = CP_ENCRYPTION_ANNEX_A2;

function layoutOf(layout: CpEncryptionLayout | undefined): KeyState['layout'] {
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[], fallback: T): T => (allowed.includes(value as T) ? (value as T) : fallback);
  return {
    encoding: pick(layout?.encoding, ['braces', 'hex', 'base64'] as const, LAYOUT_DEFAULTS.encoding),
    padding: pick(layout?.padding, ['none', 'pkcs7'] as const, LAYOUT_DEFAULTS.padding),
    lengthCounts: pick(layout?.lengthCounts, ['plaintext', 'transmitted'] as const, LAYOUT_DEFAULTS.lengthCounts),
    crcOver: pick(layout?.crcOver, ['plaintext', 'transmitted'] as const, LAYOUT_DEFAULTS.crcOver),
  };
}

function keyState(layout: KeyState['layout'], key: Uint8Array, previous: KeyState['previous'], pending: Uint8Array | undefined): KeyState {
  const extra = pending ? [pending] : [];
  return {
    layout,
    key,
    ...(previous ? { previous } : {}),
    ...(pending ? { pending } : {}),
    incoming: { key, ...layout, previousKeys: [...(previous ? [previous.key] : []), ...extra] },
    incomingAfterGrace: { key, ...layout, previousKeys: extra },
    outgoing: { key, ...layout },
  };
}

const sameKey = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean => a !== undefined && b !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

export interface DeviceKeyOptions {
  /** The platform's key-encryption keys; without them no device key opens (its encrypted frames are refused). */
  keyRing?: KeyRing | undefined;
  clock: Clock;
  /** How long the key a 1014 replaced is still accepted on the device's frames. */
  graceMs: number;
  /** Told, without the key, when a device's published key does not open with the configured KEKs. */
  onUnopenable?(mn: string, kekId: string): void;
}

/**
 * Devices from the registry view (compacted topics, in memory). Profiles are built once per device and
 * dropped when the registry says the device changed, so the hot path does no conversion per frame.
 */
export function createRegistryDeviceDirectory(view: RegistryView, keyOptions?: DeviceKeyOptions): DeviceDirectory & DeviceKeys & { close(): void } {
  const profiles = new Map<string, DeviceProfile | null>();
  /** Per MN, its keys (null: none), built when first asked and dropped when the registry changes the device. */
  const keys = new Map<string, KeyState | null>();
  /** Rotations this instance ran, kept until the registry publishes the device with that key (or a newer one). */
  const adopted = new Map<string, { key: Uint8Array; previous: NonNullable<KeyState['previous']> }>();
  const pending = new Map<string, Uint8Array>();
  const unsubscribe = view.onChange((change) => {
    if (change.entity === 'device') {
      profiles.delete(change.id);
      keys.delete(change.id);
    }
  });
  const unwrap = (mn: string, wrapped: WireWrappedKey | WrappedKey | undefined): Uint8Array | undefined => {
    if (!wrapped || !keyOptions?.keyRing) return undefined;
    const key = keyOptions.keyRing.unwrap(mn, { ...wrapped, algorithm: 'aes-256-gcm' });
    if (!key) keyOptions.onUnopenable?.(mn, wrapped.kekId);
    return key;
  };
  const build = (mn: string): KeyState | null => {
    const device = view.device(mn);
    const registered = unwrap(mn, device?.sm4KeyWrapped);
    if (!device || !registered) return null;
    const layout = layoutOf(device.cpEncryption);
    const untilMs = device.previousSm4KeyUntil?.getTime() ?? 0;
    const previousKey = untilMs > 0 ? unwrap(mn, device.previousSm4KeyWrapped) : undefined;
    let key = registered;
    let previous: KeyState['previous'] = previousKey ? { key: previousKey, untilMs } : undefined;
    const local = adopted.get(mn);
    // The registry has not published the rotation confirmed here yet: the confirmed key is the device's now.
    if (local && !sameKey(local.key, registered) && sameKey(local.previous.key, registered)) {
      key = local.key;
      previous = local.previous;
    } else {
      adopted.delete(mn);
    }
    const handing = pending.get(mn);
    return keyState(layout, key, previous, handing && !sameKey(handing, key) ? handing : undefined);
  };
  const stateOf = (mn: string): KeyState | undefined => {
    let state = keys.get(mn);
    if (state === undefined) {
      state = build(mn);
      keys.set(mn, state);
    }
    return state ?? undefined;
  };
  const ring = (): KeyRing => {
    if (!keyOptions?.keyRing) throw new DomainError('FAILED_PRECONDITION', '未配置密钥加密密钥（DEVICE_KEY_KEKS）：无法下发新密钥 / no key-encryption key configured', { reason: 'kek_not_configured' });
    return keyOptions.keyRing;
  };
  return {
    profile: (mn) => {
      const cached = profiles.get(mn);
      if (cached !== undefined) return cached ?? undefined;
      const device = view.device(mn);
      // Cameras carry no HJ 212 data; they are registered for the console, not for ingest.
      const profile = device && device.kind !== DeviceKind.DEVICE_KIND_CAMERA ? toDeviceProfile(device) : undefined;
      // Unknown MNs are not cached: a device registered a moment later must be recognised at once.
      if (profile) profiles.set(mn, profile);
      return profile;
    },
    active: keyOptions?.keyRing !== undefined,
    incoming: (mn) => {
      const state = stateOf(mn);
      if (!state) return undefined;
      return state.previous && state.previous.untilMs > (keyOptions?.clock.now().getTime() ?? 0) ? state.incoming : state.incomingAfterGrace;
    },
    outgoing: (mn) => stateOf(mn)?.outgoing,
    seal: (mn, given) => {
      const text = given ?? randomSm4KeyText();
      const key = sm4KeyFromText(text);
      if (!key || key.length !== 16 || text.length !== 16) throw new DomainError('INVALID_ARGUMENT', 'NewSK 须为 16 个字符 / NewSK must be 16 characters', { reason: 'invalid_field', field: 'params.NewSK' });
      return sealedKeyText(ring().wrap(mn, key));
    },
    open: (mn, sealed) => {
      const wrapped = wrappedFromSealedText(sealed);
      const key = wrapped ? unwrap(mn, wrapped) : undefined;
      return key ? Buffer.from(key).toString('latin1') : undefined;
    },
    rotationSent: (mn, sealed) => {
      const wrapped = wrappedFromSealedText(sealed);
      const key = wrapped ? unwrap(mn, wrapped) : undefined;
      if (!key) return;
      pending.set(mn, key);
      keys.delete(mn);
    },
    rotationConfirmed: (mn, sealed, at) => {
      const wrapped = wrappedFromSealedText(sealed);
      const key = wrapped ? unwrap(mn, wrapped) : undefined;
      const current = stateOf(mn);
      pending.delete(mn);
      keys.delete(mn);
      if (!key || !current) return;
      adopted.set(mn, { key, previous: { key: current.key, untilMs: at.getTime() + (keyOptions?.graceMs ?? 0) } });
    },
    rotationAbandoned: (mn) => {
      pending.delete(mn);
      keys.delete(mn);
    },
    close: unsubscribe,
  };
}

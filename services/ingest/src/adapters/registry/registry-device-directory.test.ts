import { describe, expect, it } from 'vitest';
import { parseKeyRing } from '@ecogrid/device-credentials';
import { Device, DeviceKind, ProtocolVersion } from '@ecogrid/proto/registry/v1/entities';
import type { RegistryChange, RegistryView } from '@ecogrid/registry-view';
import { createRegistryDeviceDirectory } from './registry-device-directory';

const ring = parseKeyRing(`kek-a:${'ab'.repeat(32)}`);
const MN = '140802FF0000000000000001';
const KEY_0 = Buffer.alloc(16, 0x30);
const KEY_1 = Buffer.from('RotatedKey#0001!');
const wire = (key: Uint8Array) => {
  const wrapped = ring.wrap(MN, key);
  return { ...wrapped, iv: Buffer.from(wrapped.iv), ciphertext: Buffer.from(wrapped.ciphertext), tag: Buffer.from(wrapped.tag) };
};

/** A registry view holding one device, whose record the test replaces as the registry would publish it. */
function fakeView(initial: Device) {
  let device = initial;
  const listeners: Array<(change: RegistryChange) => void> = [];
  const view = {
    device: (mn: string) => (mn === device.mn ? device : undefined),
    onChange: (listener: (change: RegistryChange) => void) => {
      listeners.push(listener);
      return () => undefined;
    },
  } as unknown as RegistryView;
  return {
    view,
    publish(next: Device) {
      device = next;
      for (const listener of listeners) listener({ entity: 'device', id: next.mn } as RegistryChange);
    },
  };
}

const device = (fields: Partial<Device>): Device =>
  Device.create({ mn: MN, kind: DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS, protocolVersion: ProtocolVersion.PROTOCOL_VERSION_HJ212_2025, enabled: true, ...fields });

describe('device keys from the registry, and the rotations this instance runs', () => {
  it('opens the registry key with the KEK; no KEK, another MN or no key: no encryption', () => {
    const { view } = fakeView(device({ sm4KeyWrapped: wire(KEY_0), cpEncryption: { encoding: 'hex', padding: '', lengthCounts: 'transmitted', crcOver: '' } }));
    const clock = { now: () => new Date(0) };
    const keys = createRegistryDeviceDirectory(view, { keyRing: ring, clock, graceMs: 1_000 });
    expect(keys.incoming(MN)).toMatchObject({ key: KEY_0, encoding: 'hex', padding: 'none', lengthCounts: 'transmitted', crcOver: 'plaintext', previousKeys: [] });
    expect(createRegistryDeviceDirectory(view, { clock, graceMs: 0 }).incoming(MN)).toBeUndefined();
    expect(keys.incoming('SOMEONE_ELSE')).toBeUndefined();
  });

  it('a confirmed rotation: the new key at once, the old one until the grace window ends, and the registry\'s record taking over', () => {
    const { view, publish } = fakeView(device({ sm4KeyWrapped: wire(KEY_0) }));
    let now = Date.parse('2026-12-07T08:00:00Z');
    const unopenable: string[] = [];
    const keys = createRegistryDeviceDirectory(view, { keyRing: ring, clock: { now: () => new Date(now) }, graceMs: 60_000, onUnopenable: (mn) => unopenable.push(mn) });
    const sealed = keys.seal(MN, KEY_1.toString('latin1'));
    expect(sealed).not.toContain(KEY_1.toString('latin1'));
    expect(keys.open(MN, sealed)).toBe(KEY_1.toString('latin1'));

    keys.rotationSent(MN, sealed);
    // In flight: the device may switch before its 9012 reaches us; the platform still writes with the old key.
    expect(keys.incoming(MN)?.previousKeys).toEqual([KEY_1]);
    expect(keys.outgoing(MN)?.key).toEqual(KEY_0);

    keys.rotationConfirmed(MN, sealed, new Date(now));
    expect(keys.outgoing(MN)?.key).toEqual(KEY_1);
    expect(keys.incoming(MN)?.previousKeys).toEqual([KEY_0]);
    now += 60_001;
    expect(keys.incoming(MN)?.previousKeys).toEqual([]);

    // The registry publishes the adopted key with the old one as previous: its record is the truth from then on.
    publish(device({ sm4KeyWrapped: wire(KEY_1), previousSm4KeyWrapped: wire(KEY_0), previousSm4KeyUntil: new Date(now + 5_000) }));
    expect(keys.outgoing(MN)?.key).toEqual(KEY_1);
    expect(keys.incoming(MN)?.previousKeys).toEqual([KEY_0]);
    expect(unopenable).toEqual([]);
  });

  it('an abandoned rotation leaves the device its key; a 1014 cannot be sealed without a KEK or with a malformed key', () => {
    const { view } = fakeView(device({ sm4KeyWrapped: wire(KEY_0) }));
    const keys = createRegistryDeviceDirectory(view, { keyRing: ring, clock: { now: () => new Date(0) }, graceMs: 60_000 });
    const sealed = keys.seal(MN);
    keys.rotationSent(MN, sealed);
    keys.rotationAbandoned(MN);
    expect(keys.incoming(MN)).toMatchObject({ key: KEY_0, previousKeys: [] });
    expect(() => keys.seal(MN, 'short')).toThrow(/16/);
    expect(() => createRegistryDeviceDirectory(view, { clock: { now: () => new Date(0) }, graceMs: 0 }).seal(MN)).toThrow(expect.objectContaining({ reason: 'kek_not_configured' }));
  });
});

import { describe, expect, it } from 'vitest';
import { DeviceKind, TargetKind } from '@ecogrid/proto/registry/v1/entities';
import { DEVICE_KINDS, TARGET_KINDS } from '../../domain/kinds';
import { deviceKindName, targetKindName } from './registry-directory';

const wireNames = (enumObject: Record<string, string | number>, prefix: string): string[] =>
  Object.keys(enumObject)
    .filter((name) => Number.isNaN(Number(name)) && name !== `${prefix}UNSPECIFIED` && name !== 'UNRECOGNIZED')
    .map((name) => name.slice(prefix.length));

describe('registry kinds as alerting names them', () => {
  it('names every kind the registry contract has, and no other', () => {
    expect([...DEVICE_KINDS].sort()).toEqual(wireNames(DeviceKind, 'DEVICE_KIND_').sort());
    expect([...TARGET_KINDS].sort()).toEqual(wireNames(TargetKind, 'TARGET_KIND_').sort());
  });

  it('maps wire numbers to names, and a kind it does not know to UNKNOWN', () => {
    expect(deviceKindName(DeviceKind.DEVICE_KIND_FLUE_GAS_CEMS)).toBe('FLUE_GAS_CEMS');
    expect(deviceKindName(999)).toBe('UNKNOWN');
    expect(targetKindName(TargetKind.TARGET_KIND_SCHOOL)).toBe('SCHOOL');
    expect(targetKindName(999)).toBeUndefined();
  });
});

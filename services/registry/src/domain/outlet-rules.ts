import { failedPrecondition } from '@ecogrid/domain-errors';
import type { Enterprise } from './entities';

/** A device attached to an enterprise: at one of its outlets, or at none (`outletId` empty). */
export interface AttachedDevice {
  mn: string;
  outletId: string;
}

/**
 * Each outlet lists the devices that watch it, by MN in order. The list is derived from the devices, never
 * taken from what a caller sent, so an enterprise changes (and is published again) when a device moves.
 */
export function withOutletDevices(enterprise: Enterprise, devices: readonly AttachedDevice[]): Enterprise {
  const mns = new Map<string, string[]>();
  for (const device of [...devices].sort((a, b) => (a.mn < b.mn ? -1 : a.mn > b.mn ? 1 : 0))) {
    if (!device.outletId) continue;
    const list = mns.get(device.outletId) ?? [];
    list.push(device.mn);
    mns.set(device.outletId, list);
  }
  return { ...enterprise, outlets: enterprise.outlets.map((outlet) => ({ ...outlet, deviceMns: mns.get(outlet.id) ?? [] })) };
}

/**
 * An enterprise's new record may not drop an outlet that devices are still attached to: they would point at
 * nothing. The devices are moved or deleted first.
 */
export function checkOutletsKept(enterprise: Enterprise, devices: readonly AttachedDevice[]): void {
  const kept = new Set(enterprise.outlets.map((outlet) => outlet.id));
  const dropped = [...new Set(devices.map((device) => device.outletId).filter((outletId) => outletId !== '' && !kept.has(outletId)))].sort();
  if (dropped.length > 0) {
    throw failedPrecondition(`enterprise ${enterprise.uscc} would lose outlet ${dropped.join(', ')}, which still has devices`, 'outlet_in_use');
  }
}

import type { RegistryView } from '@ecogrid/registry-view';
import type { EnterpriseDirectory } from '../../app/ports';

/**
 * The registry view as credit's directory. A device's own enterprise link wins; otherwise the enterprise whose
 * outlet lists the device (an index rebuilt when enterprises change, not searched per alert).
 */
export function createRegistryEnterpriseDirectory(view: RegistryView): EnterpriseDirectory {
  let outletIndex: Map<string, { uscc: string; outletId: string }> | undefined;
  const known = new Set<string>();
  view.onChange((change) => {
    if (change.entity === 'enterprise') {
      outletIndex = undefined;
      if (change.deleted) known.delete(change.id);
      else known.add(change.id);
    }
  });
  const outlets = (): Map<string, { uscc: string; outletId: string }> => {
    if (outletIndex) return outletIndex;
    const index = new Map<string, { uscc: string; outletId: string }>();
    for (const uscc of known) for (const outlet of view.enterprise(uscc)?.outlets ?? []) for (const mn of outlet.deviceMns) index.set(mn, { uscc, outletId: outlet.id });
    outletIndex = index;
    return index;
  };
  return {
    ownerOfDevice: (mn) => {
      const device = view.device(mn);
      if (device?.enterpriseUscc) return { uscc: device.enterpriseUscc, ...(device.outletId ? { outletId: device.outletId } : {}) };
      return outlets().get(mn);
    },
    nameOf: (uscc) => view.enterprise(uscc)?.name,
    enterprises: () => [...known].filter((uscc) => view.enterprise(uscc) !== undefined).sort(),
  };
}

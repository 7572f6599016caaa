import type { RegistryView } from '@ecogrid/registry-view';
import type { EnterpriseDirectory } from '../../app/warnings';
import type { EnterprisePlace } from '../../domain/warnings/obligation';

/**
 * The registry view as the warnings part's directory. A device's own enterprise link wins; otherwise the
 * enterprise whose outlet lists it (an index rebuilt when enterprises change, not searched per reading).
 */
export function createRegistryEnterpriseDirectory(view: RegistryView): EnterpriseDirectory {
  let outletIndex: Map<string, { uscc: string; outletId: string }> | undefined;
  const known = new Set<string>();
  view.onChange((change) => {
    if (change.entity !== 'enterprise') return;
    outletIndex = undefined;
    if (change.deleted) known.delete(change.id);
    else known.add(change.id);
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
      const systemCode = device?.systemCode ?? '';
      const byOutlet = outlets().get(mn);
      if (device?.enterpriseUscc) return { uscc: device.enterpriseUscc, systemCode, ...(device.outletId ? { outletId: device.outletId } : byOutlet?.uscc === device.enterpriseUscc ? { outletId: byOutlet.outletId } : {}) };
      return byOutlet ? { ...byOutlet, systemCode } : undefined;
    },
    placeOf: (uscc): EnterprisePlace => {
      const enterprise = view.enterprise(uscc);
      const location = enterprise?.location;
      let cellId = enterprise?.cellId ?? '';
      let townshipCode = enterprise?.townshipCode ?? '';
      // An enterprise registered without its cell is placed by its location.
      if (!cellId && location) {
        const located = view.locate(location.lon, location.lat);
        cellId = located?.cell.id ?? '';
        townshipCode = townshipCode || (located?.cell.townshipCode ?? '');
      }
      return { cellId, townshipCode, ...(location ? { lon: location.lon, lat: location.lat } : {}) };
    },
    nameOf: (uscc) => view.enterprise(uscc)?.name,
  };
}

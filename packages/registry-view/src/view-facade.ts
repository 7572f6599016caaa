import type { RegistryStore } from './registry-store';
import type { RegistryView } from './types';

/** The lookups of a RegistryView, delegated to a store; the feeding part (start/stop/ready) is the caller's. */
export function lookupsOf(store: RegistryStore): Omit<RegistryView, 'start' | 'stop' | 'ready'> {
  return {
    device: (mn) => store.device(mn),
    enterprise: (uscc) => store.enterprise(uscc),
    cell: (id) => store.cell(id),
    township: (code) => store.township(code),
    officer: (id) => store.officer(id),
    target: (id) => store.target(id),
    locate: (lon, lat, at) => store.locate(lon, lat, at),
    onDutyOfficer: (cellId, at) => store.onDutyOfficer(cellId, at),
    supervisorOf: (code) => store.supervisorOf(code),
    targetsNear: (point, radiusM, kinds) => store.targetsNear(point, radiusM, kinds),
    onChange: (listener) => store.onChange(listener),
    counts: () => store.counts(),
    get gridChangedAt() {
      return store.gridChangedAt;
    },
  };
}

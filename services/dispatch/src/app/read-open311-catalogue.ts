import { open311Services, type Open311Service } from '../domain/open311-services';
import type { DispatchRuntime } from './runtime';

export interface Open311Catalogue {
  /** What the public may report, in the GeoReport v2 service list shape. */
  services: readonly Open311Service[];
  /** The deadline policy's label of every case type, e.g. `noise` → 噪声扰民. */
  caseTypeLabels: Readonly<Record<string, string>>;
}

/** The Open311 services and case-type labels of the deadline policy in force. */
export function createReadOpen311Catalogue(runtime: DispatchRuntime) {
  const catalogue: Open311Catalogue = {
    services: open311Services(runtime.policy),
    caseTypeLabels: Object.fromEntries(Object.entries(runtime.policy.caseTypes).map(([code, caseType]) => [code, caseType.label])),
  };
  return function readOpen311Catalogue(): Open311Catalogue {
    return catalogue;
  };
}

export type ReadOpen311Catalogue = ReturnType<typeof createReadOpen311Catalogue>;

import type { Clock, IdGenerator, IncidentSettings, IncidentSites, IncidentStore, RiverCatalogue } from './ports';

/** What every incident use case works with. */
export interface IncidentRuntime {
  store: IncidentStore;
  sites: IncidentSites;
  rivers: RiverCatalogue;
  clock: Clock;
  ids: IdGenerator;
  settings: IncidentSettings;
}

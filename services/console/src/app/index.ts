import type { AlertService, CaseService, GridRegistry, LiveEventSource, PasswordHasher, SessionStore, UserDirectory } from './ports';
import { createReadCell, createReadMapLayers } from './read-map';
import { createLogIn } from './log-in';
import { createFollowLiveEvents } from './live-events';
import { createReadCase } from './read-case';

export { LoginRefused } from './log-in';
export type * from './ports';
export type { CasePage } from './read-case';
export type { CellPanel } from './read-map';

/** The console's use cases: log in and out, cases and alerts through the services, live events. */
export function createConsoleApp(deps: {
  users: UserDirectory;
  passwords: PasswordHasher;
  sessions: SessionStore;
  decoyHash: string;
  cases: CaseService;
  alerts: AlertService;
  live: LiveEventSource;
  registry: GridRegistry;
  /** How long one copy of the map's layers serves every user. */
  mapTtlMs: number;
}) {
  const readMapLayers = createReadMapLayers({ registry: deps.registry, ttlMs: deps.mapTtlMs });
  return {
    readMapLayers,
    readCell: createReadCell({ readMapLayers, registry: deps.registry, cases: deps.cases }),
    logIn: createLogIn(deps),
    logOut: (sessionId: string) => deps.sessions.end(sessionId),
    sessionOf: (sessionId: string) => deps.sessions.get(sessionId),
    listCases: deps.cases.list,
    readCase: createReadCase(deps.cases),
    actOnCase: deps.cases.act,
    attachEvidence: deps.cases.attachEvidence,
    evidenceFile: deps.cases.evidenceFile,
    listAlerts: deps.alerts.list,
    followLiveEvents: createFollowLiveEvents(deps.live),
  };
}

export type ConsoleApp = ReturnType<typeof createConsoleApp>;

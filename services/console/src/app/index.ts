import type { AirQuality, AlertService, CaseKpis, CaseService, Clock, DeviceStateView, EarlyWarningDesk, EnterpriseCredit, GridRegistry, IncidentDesk, KafkaOperations, LoginThrottle, LiveEventSource, PasswordHasher, ServiceProbes, SessionStore, UserDirectory, WarningDesk } from './ports';
import { createReadAirQuality } from './read-air-quality';
import { createReadOperations } from './read-operations';
import { createReadCell, createReadMapLayers } from './read-map';
import { createLogIn } from './log-in';
import { createFollowLiveEvents } from './live-events';
import { createReadCase } from './read-case';
import { createReadDeviceStates } from './read-device-states';
import { createReadBacklog } from './read-backlog';
import { createReadWarnings } from './read-warnings';
import { createReadWarning } from './read-warning';
import { createReadIncidents } from './read-incidents';
import { createReadIncident } from './read-incident';
import { createReadEarlyWarnings } from './read-early-warnings';
import type { StaffUser } from '../domain/staff-user';

export type { AirQualityPage } from './read-air-quality';
export type { OperationsView } from './read-operations';
export type * from './ports';
export type { CasePage } from './read-case';
export type { CellPanel } from './read-map';
export type { WarningsPage } from './read-warnings';
export type { WarningPage } from './read-warning';
export type { IncidentPage } from './read-incident';

/** The console's use cases: log in and out, cases, alerts, the map, air quality, KPIs, operations and emergencies through the services, live events. */
export function createConsoleApp(deps: {
  users: UserDirectory;
  passwords: PasswordHasher;
  sessions: SessionStore;
  /** Failed logins, shared by the instances that share the sessions. */
  throttle: LoginThrottle;
  decoyHash: string;
  cases: CaseService;
  alerts: AlertService;
  live: LiveEventSource;
  registry: GridRegistry;
  /** How long one copy of the map's layers serves every user. */
  mapTtlMs: number;
  airQuality: AirQuality;
  kpis: CaseKpis;
  probes: ServiceProbes;
  kafkaOperations: KafkaOperations;
  clock: Clock;
  credit: EnterpriseCredit;
  devices: DeviceStateView;
  warnings: WarningDesk;
  incidents: IncidentDesk;
  earlyWarnings: EarlyWarningDesk;
}) {
  const readMapLayers = createReadMapLayers({ registry: deps.registry, ttlMs: deps.mapTtlMs });
  return {
    readMapLayers,
    readCell: createReadCell({ readMapLayers, registry: deps.registry, cases: deps.cases }),
    readAirQuality: createReadAirQuality({ readMapLayers, airQuality: deps.airQuality, clock: deps.clock }),
    readKpis: (user: StaffUser, days: number) => {
      const to = deps.clock.now();
      return deps.kpis.kpis(user, new Date(to.getTime() - days * 86_400_000), to);
    },
    readOperations: createReadOperations({ probes: deps.probes, kafka: deps.kafkaOperations, devices: deps.devices, registeredDevices: async (user) => (await readMapLayers(user)).devices.map((device) => device.mn) }),
    readDeviceStates: createReadDeviceStates({ readMapLayers, devices: deps.devices }),
    readBacklog: createReadBacklog({ cases: deps.cases, clock: deps.clock }),
    listCreditRatings: deps.credit.list,
    explainCreditRating: deps.credit.explain,
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
    readWarnings: createReadWarnings({ warnings: deps.warnings, clock: deps.clock }),
    readWarning: createReadWarning(deps.warnings),
    issueWarning: deps.warnings.issue,
    liftWarning: deps.warnings.lift,
    readIncidents: createReadIncidents(deps.incidents),
    readIncident: createReadIncident(deps.incidents),
    actOnIncident: deps.incidents.act,
    readEarlyWarnings: createReadEarlyWarnings(deps.earlyWarnings),
  };
}

export type ConsoleApp = ReturnType<typeof createConsoleApp>;

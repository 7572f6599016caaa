import type { AirQuality, AlertService, CaseKpis, CaseService, Clock, DeviceStateView, EnterpriseCredit, GridRegistry, KafkaOperations, LiveEventSource, PasswordHasher, ServiceProbes, SessionStore, UserDirectory } from './ports';
import { createReadAirQuality } from './read-air-quality';
import { createReadOperations } from './read-operations';
import { createReadCell, createReadMapLayers } from './read-map';
import { createLogIn } from './log-in';
import { createLoginThrottle } from './login-throttle';
import { createFollowLiveEvents } from './live-events';
import { createReadCase } from './read-case';
import { createReadDeviceStates } from './read-device-states';
import { createReadBacklog } from './read-backlog';
import type { StaffUser } from '../domain/staff-user';

export type { AirQualityPage } from './read-air-quality';
export type { OperationsView } from './read-operations';
export type * from './ports';
export type { CasePage } from './read-case';
export type { CellPanel } from './read-map';

/** The console's use cases: log in and out, cases, alerts, the map, air quality, KPIs and operations through the services, live events. */
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
  airQuality: AirQuality;
  kpis: CaseKpis;
  probes: ServiceProbes;
  kafkaOperations: KafkaOperations;
  clock: Clock;
  credit: EnterpriseCredit;
  devices: DeviceStateView;
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
    logIn: createLogIn({ ...deps, throttle: createLoginThrottle({ maxFailures: 5, windowMs: 15 * 60_000, now: () => deps.clock.now().getTime() }) }),
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

import { randomUUID } from 'node:crypto';
import { incidentChainKeyOf } from '../config';
import { createIncidentsApp } from '../app/incidents';
import { DEMO_PLANS_DIRECTORY, readPlanFiles } from '../adapters/files/plan-files';
import { loadRiverFile, DEMO_RIVERS_FILE } from '../adapters/files/river-file';
import { incidentGrpcService } from '../adapters/grpc/incident-grpc-service';
import { INCIDENT_ACCESS } from '../adapters/grpc/incident-access';
import { createIncidentAlertConsumer, createStationReadingsConsumer, createTaskCaseConsumer } from '../adapters/kafka/incident-consumers';
import { encodeIncidentEvent } from '../adapters/kafka/incident-event';
import { createPgIncidentStore } from '../adapters/postgres/pg-incident-store';
import { createRegistryIncidentSites } from '../adapters/registry/registry-incident-sites';
import { conditionCheck, consumerGroupName } from '@ecogrid/service-kit';
import type { EmergencyContext, EmergencyPart } from './emergency-part';

/**
 * Sudden environmental incidents: proposals from alerts at incident stations, declarations, impact analysis from the
 * registry in memory, plans and their tasks as cases, the hash-chained timeline, recovery from the readings, drills.
 */
export function registerIncidents(context: EmergencyContext): EmergencyPart {
  const { config, logger } = context;
  const log = logger.child({ part: 'incidents' });
  const sites = createRegistryIncidentSites(context.registry, log);
  const rivers = loadRiverFile(config.INCIDENT_RIVERS_FILE ?? DEMO_RIVERS_FILE);
  const store = createPgIncidentStore({
    pool: context.pool,
    encode: (event) => encodeIncidentEvent(context.topics.emergency, event),
    onEventsCommitted: () => context.relay.nudge(),
    notifyRelays: () => !context.relay.isLeader,
  });
  const app = createIncidentsApp(
    {
      store,
      sites,
      rivers,
      clock: context.clock,
      ids: { incidentId: () => `INC-${randomUUID()}` },
      settings: {
        classification: { waterSourceReachM: 500, riverReachM: 300, toxicReachM: 1_000, toxicFactorCodes: ['a21028', 'a21001', 'a21022', 'a24088'] },
        zone: {
          radiusM: { water_source: config.INCIDENT_RADIUS_M, river_section: config.INCIDENT_RADIUS_M, toxic_gas: config.INCIDENT_RADIUS_M, other: config.INCIDENT_RADIUS_M },
          downstreamM: config.INCIDENT_DOWNSTREAM_M,
          corridorM: config.INCIDENT_CORRIDOR_M,
          nearRadiusM: 1_000,
        },
        analysis: { roadFactor: config.INCIDENT_ROAD_FACTOR, resourcesPerKind: config.INCIDENT_RESOURCES_PER_KIND },
        recoveryHoldMs: config.INCIDENT_RECOVERY_HOLD_MINUTES * 60_000,
        chainKey: incidentChainKeyOf(config),
        retiredChainKeys: [],
      },
    },
    { readingsRefreshMs: config.INCIDENT_READINGS_REFRESH_MS },
  );
  // The demo's plans (pnpm start runs with NODE_ENV=development); readiness waits until they are stored.
  const plansDirectory = config.INCIDENT_SEED_PLANS_DIR ?? (config.NODE_ENV === 'development' ? DEMO_PLANS_DIRECTORY : undefined);
  const drafts = plansDirectory ? readPlanFiles(plansDirectory) : [];
  let plansSeeded = drafts.length === 0;
  if (!plansSeeded) {
    const seed = (): void => {
      app.seedPlans(drafts).then(
        (seeded) => {
          plansSeeded = true;
          if (seeded.length > 0) log.info({ plans: seeded }, 'plans seeded');
        },
        (error: unknown) => {
          log.warn({ err: error }, 'seeding plans failed; trying again');
          setTimeout(seed, 2_000).unref();
        },
      );
    };
    seed();
  }
  const setup = {
    kafka: context.kafka,
    groupPrefix: `${consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'incidents')}.`,
    deadLetters: context.publisher,
    logger: log,
    fromBeginning: config.INPUTS_FROM_BEGINNING,
    sessionTimeoutMs: config.CONSUMER_SESSION_TIMEOUT_MS,
  };
  return {
    name: 'incidents',
    grpcServices: [incidentGrpcService(app, log)],
    access: INCIDENT_ACCESS,
    consumers: [
      { name: 'incident-alerts', consumer: createIncidentAlertConsumer({ ...setup, topic: context.topics.alerts, app }) },
      { name: 'incident-cases', consumer: createTaskCaseConsumer({ ...setup, topic: context.topics.cases, app }) },
      { name: 'incident-readings', consumer: createStationReadingsConsumer({ ...setup, topic: context.topics.readings, app }) },
    ],
    healthChecks: [conditionCheck('incident-plans', 'not_seeded', () => plansSeeded, 'the plans to seed are not stored yet')],
    stop: async () => sites.stop(),
  };
}

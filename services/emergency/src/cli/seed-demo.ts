/**
 * `node services/emergency/dist/cli/seed-demo.js` (run by `pnpm start` once emergency is ready): imports the Yanhu
 * demo's reduction list (减排清单) for the year of the service's clock and the next, built from the registry's
 * enterprises with flue-gas outlets (demo grades and measures, see demoReductionList), through the service's own gRPC
 * API as a data steward would. The next year's too, so that a demo (or a test) running across New Year still finds a
 * list when a warning is issued on 1 January; a bureau imports its own list for each year. Idempotent: a year that
 * already has a list is left alone.
 */
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { ReductionListFormat, WarningServiceClient, type GetReductionListRequest, type GetReductionListResponse, type ImportReductionListRequest, type ImportReductionListResponse } from '@ecogrid/proto/emergency/v1/warnings';
import { createKafka, kafkaCredentialsFrom } from '@ecogrid/kafka';
import { createRegistryView } from '@ecogrid/registry-view';
import { consumerGroupName } from '@ecogrid/service-kit';
import { createTokenMinter, DEV_STAFF_TOKEN_SECRET } from '@ecogrid/staff-auth';
import { createLogger } from '@ecogrid/telemetry';
import { clockOf, loadConfig } from '../config';
import { demoReductionList } from '../domain/warnings/demo-reduction-list';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'emergency-seed', level: 'warn' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'emergency-seed', logger, credentials: kafkaCredentialsFrom(config) });
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, entities: ['enterprise'], groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'emergency', 'seed') });
  const seen = new Set<string>();
  registry.onChange((change) => seen.add(change.id));
  await registry.start();
  await registry.stop();
  const enterprises = [...seen].flatMap((uscc) => {
    const enterprise = registry.enterprise(uscc);
    return enterprise ? [{ uscc, name: enterprise.name, industry: enterprise.industry, outlets: enterprise.outlets.map((outlet) => ({ id: outlet.id, kind: outlet.kind, permitLimits: outlet.permitLimits.map((limit) => ({ factorCode: limit.factorCode, ...(limit.limit !== undefined ? { limit: limit.limit } : {}) })) })) }] : [];
  });
  const year = Number(new Date(clockOf(config).now().getTime() + 8 * 3_600_000).toISOString().slice(0, 4));
  const token = await createTokenMinter({ secret: config.STAFF_TOKEN_SECRET ?? DEV_STAFF_TOKEN_SECRET }).mint({ sub: 'demo-data-steward', role: 'data_steward' });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const client = new WarningServiceClient(config.GRPC_ADDRESS, credentials.createInsecure());
  const unary = <Request, Response>(method: (request: Request, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown, request: Request): Promise<Response> =>
    new Promise((resolve, reject) => method.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
  const seedYear = async (listYear: number): Promise<void> => {
    try {
      const existing = await unary<GetReductionListRequest, GetReductionListResponse>(client.getReductionList, { year: listYear });
      console.log(`emergency demo: the ${listYear} reduction list is there already (version ${existing.version}, ${existing.entries.length} enterprises)`);
      return;
    } catch (error) {
      if ((error as ServiceError).code !== status.NOT_FOUND) throw error;
    }
    const entries = demoReductionList(enterprises, listYear);
    if (entries.length === 0) throw new Error('no enterprise with a flue-gas outlet in the registry: seed the registry first');
    const imported = await unary<ImportReductionListRequest, ImportReductionListResponse>(client.importReductionList, { year: listYear, format: ReductionListFormat.REDUCTION_LIST_FORMAT_JSON, content: JSON.stringify(entries) });
    const grades = entries.reduce<Record<string, number>>((count, entry) => ({ ...count, [entry.grade]: (count[entry.grade] ?? 0) + 1 }), {});
    console.log(`emergency demo: ${listYear} reduction list version ${imported.version}, ${imported.enterpriseCount} enterprises (${Object.entries(grades).map(([grade, n]) => `${grade} ${n}`).join(', ')})`);
  };
  try {
    await seedYear(year);
    await seedYear(year + 1);
  } finally {
    client.close();
  }
}

main().catch((error: unknown) => {
  console.error(`emergency demo seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

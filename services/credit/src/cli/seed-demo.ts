/**
 * `node services/credit/dist/cli/seed-demo.js` (run by `pnpm start` once credit is ready): enters a few
 * administrative penalties, inspections, complaints and one veto event for the Yanhu demo enterprises through
 * credit's own gRPC API, as a credit officer would, so the demo shows every colour beside what the simulator's
 * alerts earn. Idempotent: decision numbers and references are fixed, so a second run enters nothing new.
 */
import { credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { CreditServiceClient, EvidenceKind, type RecordEvidenceRequest, type RecordPenaltyRequest } from '@ecogrid/proto/credit/v1/credit';
import { createKafka, kafkaCredentialsFrom } from '@ecogrid/kafka';
import { createRegistryView } from '@ecogrid/registry-view';
import { consumerGroupName } from '@ecogrid/service-kit';
import { createTokenMinter, DEV_STAFF_TOKEN_SECRET } from '@ecogrid/staff-auth';
import { createLogger } from '@ecogrid/telemetry';
import { clockOf, loadConfig } from '../config';

type Entry = { penalty: Omit<RecordPenaltyRequest, 'enterpriseUscc'> } | { evidence: Omit<RecordEvidenceRequest, 'enterpriseUscc'> };

const DAY = 86_400_000;

/** What each of the first enterprises (in USCC order) receives; the rest keep what the alerts give them. */
function demoPlan(now: Date): Entry[][] {
  const daysAgo = (days: number): Date => new Date(now.getTime() - days * DAY);
  const penalty = (n: number, amountYuan: number, days: number): Entry => ({
    penalty: { indicator: 'penalties_orders', decisionNumber: `运盐环罚〔${daysAgo(days).getUTCFullYear()}〕${n}号`, decidedAt: daysAgo(days), amountYuan, legalBasis: '《中华人民共和国大气污染防治法》第九十九条', summary: '超标排放大气污染物（演示数据）' },
  });
  const evidence = (kind: EvidenceKind, reference: string, days: number, extra: Partial<RecordEvidenceRequest> = {}): Entry => ({
    evidence: { kind, occurredAt: daysAgo(days), vetoCode: '', violationFound: false, completenessPercent: 0, reference, summary: '演示数据', ...extra },
  });
  return [
    // Blue: one ordinary penalty.
    [penalty(101, 50_000, 20)],
    [penalty(102, 80_000, 12)],
    // Yellow: two penalties, a violation found on inspection, verified complaints.
    [penalty(103, 200_000, 40), penalty(104, 50_000, 15), evidence(EvidenceKind.EVIDENCE_KIND_INSPECTION, 'JC-2026-003', 10, { violationFound: true }), ...[1, 2, 3, 4].map((n) => evidence(EvidenceKind.EVIDENCE_KIND_VERIFIED_COMPLAINT, `12369-DEMO-3${n}`, 5 + n))],
    // Red: a one-vote veto (bypass discharge).
    [evidence(EvidenceKind.EVIDENCE_KIND_VETO_EVENT, 'JC-2026-004', 8, { vetoCode: 'bypass_discharge', summary: '私设暗管偷排（演示数据）' })],
  ];
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ service: 'credit-seed', level: 'warn' });
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'credit-seed', logger, credentials: kafkaCredentialsFrom(config) });
  const registry = createRegistryView({ kafka, topicPrefix: config.TOPIC_PREFIX, logger, entities: ['enterprise'], groupPrefix: consumerGroupName(config.TOPIC_PREFIX, 'credit', 'seed') });
  const seen = new Set<string>();
  registry.onChange((change) => seen.add(change.id));
  await registry.start();
  await registry.stop();
  const usccs = [...seen].filter((id) => registry.enterprise(id) !== undefined).sort();
  const token = await createTokenMinter({ secret: config.STAFF_TOKEN_SECRET ?? DEV_STAFF_TOKEN_SECRET }).mint({ sub: 'demo-credit-officer', role: 'credit_officer' });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const client = new CreditServiceClient(config.GRPC_ADDRESS, credentials.createInsecure());
  const unary = <Request, Response>(method: (request: Request, metadata: Metadata, callback: (error: ServiceError | null, response: Response) => void) => unknown, request: Request): Promise<Response> =>
    new Promise((resolve, reject) => method.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response))));
  // Dates count back from the service's clock (pinned in tests, so the demo lands in the same period any day).
  const plan = demoPlan(clockOf(config).now());
  let entered = 0;
  for (const [index, entries] of plan.entries()) {
    const uscc = usccs[index];
    if (!uscc) break;
    for (const entry of entries) {
      if ('penalty' in entry) await unary(client.recordPenalty, { ...entry.penalty, enterpriseUscc: uscc });
      else await unary(client.recordEvidence, { ...entry.evidence, enterpriseUscc: uscc });
      entered += 1;
    }
  }
  client.close();
  process.stdout.write(`credit demo: ${entered} records entered for ${Math.min(plan.length, usccs.length)} of ${usccs.length} enterprises\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`credit demo seed failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

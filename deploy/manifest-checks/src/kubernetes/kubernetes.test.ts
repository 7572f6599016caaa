import { describe, expect, it } from 'vitest';
import { buildKustomization } from '../kustomize/build-kustomization';
import { repoPath } from '../repo-paths';
import { isManifest, type Manifest } from '../yaml-documents';
import { platformObjectProblems } from './check-platform-objects';
import { unknownFieldProblems } from './unknown-fields';
import { validateKubernetesObject } from './validate-kubernetes-object';

const overlay = (name: string): Manifest[] => buildKustomization(repoPath('deploy', 'k8s', 'overlays', name));
const find = (objects: Manifest[], kind: string, name: string): Manifest => {
  const found = objects.find((object) => object.kind === kind && isManifest(object.metadata) && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not built`);
  return found;
};
const mainContainer = (deployment: Manifest) => (deployment as { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } }).spec.template.spec.containers[0]!;

describe.each(['dev', 'prod'])('deploy/k8s/overlays/%s', (name) => {
  it('builds, and every object is valid by the Kubernetes OpenAPI schemas or its Strimzi CRD', () => {
    const objects = overlay(name);
    const kinds = new Map<string, number>();
    for (const object of objects) kinds.set(String(object.kind), (kinds.get(String(object.kind)) ?? 0) + 1);
    const problems = [...objects.flatMap(validateKubernetesObject), ...unknownFieldProblems(objects)];
    console.log(`k8s ${name}: ${objects.length} objects validated (${[...kinds].map(([kind, count]) => `${count} ${kind}`).join(', ')}), unknown fields looked for in the built-in ones, ${problems.length} problems`);
    expect(problems).toEqual([]);
    expect(objects.every((object) => isManifest(object.metadata) && object.metadata.namespace === (name === 'prod' ? 'ecogrid' : 'ecogrid-dev'))).toBe(true);
  });

  it('runs every service as the platform needs it (probes, least privilege, secrets by reference, its own configuration)', () => {
    const problems = platformObjectProblems(overlay(name));
    expect(problems).toEqual([]);
  });
});

describe('the overlays differ where they should', () => {
  it('dev runs one Kafka node with topics of one copy; prod three with two in sync', () => {
    const dev = overlay('dev');
    const prod = overlay('prod');
    expect((find(dev, 'KafkaNodePool', 'dual-role').spec as { replicas: number }).replicas).toBe(1);
    expect((find(prod, 'KafkaNodePool', 'dual-role').spec as { replicas: number }).replicas).toBe(3);
    expect(find(dev, 'KafkaTopic', 'ecogrid.readings.v1').spec).toMatchObject({ replicas: 1, config: { 'min.insync.replicas': 1 } });
    expect(find(prod, 'KafkaTopic', 'ecogrid.readings.v1').spec).toMatchObject({ replicas: 3, config: { 'min.insync.replicas': 2 } });
    expect(mainContainer(find(prod, 'Deployment', 'ingest')).image).toBe('ecogrid/ingest:0.1.0');
    expect(mainContainer(find(dev, 'Deployment', 'ingest')).image).toBe('ecogrid/ingest:dev');
    expect(find(prod, 'Service', 'ingest').spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' });
    expect((find(dev, 'Service', 'ingest').spec as { type?: string }).type).toBeUndefined();
  });
});

describe('fails on a deliberate typo', () => {
  it('replicas: "two"', () => {
    const deployment = structuredClone(find(overlay('prod'), 'Deployment', 'alerting'));
    (deployment.spec as Record<string, unknown>).replicas = 'two';
    expect(validateKubernetesObject(deployment)).toEqual(['Deployment/alerting: data/spec/replicas must be integer']);
  });

  it('containerPort: "x"', () => {
    const deployment = structuredClone(find(overlay('prod'), 'Deployment', 'ingest'));
    (mainContainer(deployment).ports as Array<Record<string, unknown>>)[0]!.containerPort = 'x';
    expect(validateKubernetesObject(deployment)).toEqual(['Deployment/ingest: data/spec/template/spec/containers/0/ports/0/containerPort must be integer']);
  });

  it('a misspelled field of a built-in kind, at any depth', () => {
    const objects = overlay('prod');
    const deployment = find(objects, 'Deployment', 'dispatch');
    const container = mainContainer(deployment);
    container.imagePullPolcy = 'Always';
    (find(objects, 'PodDisruptionBudget', 'ingest').spec as Record<string, unknown>).minAvaliable = 1;
    expect(validateKubernetesObject(deployment)).toEqual([]);
    expect(unknownFieldProblems(objects)).toEqual([
      `Deployment/dispatch: Object literal may only specify known properties, and '"imagePullPolcy"' does not exist in type 'IContainer'.`,
      `PodDisruptionBudget/ingest: Object literal may only specify known properties, and '"minAvaliable"' does not exist in type 'IPodDisruptionBudgetSpec'.`,
    ]);
  });

  it('a misspelled field of a Strimzi resource', () => {
    const topic = structuredClone(find(overlay('prod'), 'KafkaTopic', 'ecogrid.alerts.v1'));
    const spec = topic.spec as Record<string, unknown>;
    spec.partitons = spec.partitions;
    delete spec.partitions;
    expect(validateKubernetesObject(topic)).toContain('KafkaTopic/ecogrid.alerts.v1: /spec must NOT have additional properties (partitons)');
  });

  it('a probe on another port than the admin listener', () => {
    const objects = overlay('prod');
    const probe = mainContainer(find(objects, 'Deployment', 'credit')).readinessProbe as { httpGet: { port: unknown } };
    probe.httpGet.port = 'grpc';
    expect(platformObjectProblems(objects)).toContain('credit: readinessProbe is /readyz on port 50054, not /readyz on the admin port 8095');
  });

  it("a service the console calls left out of the console's NetworkPolicy, or the console left out of the service's", () => {
    const objects = overlay('prod');
    const calls = find(objects, 'NetworkPolicy', 'console-calls').spec as { egress: Array<{ to: Array<{ podSelector: { matchExpressions: Array<{ values: string[] }> } }> }> };
    const grpc = calls.egress[0]!.to[0]!.podSelector.matchExpressions[0]!;
    grpc.values = grpc.values.filter((name) => name !== 'credit');
    const staffApis = find(objects, 'NetworkPolicy', 'staff-apis').spec as { ingress: Array<{ from: Array<Record<string, unknown>> }> };
    staffApis.ingress[0]!.from = staffApis.ingress[0]!.from.filter((peer) => peer.podSelector === undefined);
    expect(platformObjectProblems(objects).filter((problem) => problem.startsWith('console:'))).toEqual([
      "console: REGISTRY_GRPC_ADDRESS calls registry on its grpc port, but no NetworkPolicy lets the console's pods into it",
      "console: ALERTING_GRPC_ADDRESS calls alerting on its grpc port, but no NetworkPolicy lets the console's pods into it",
      "console: DISPATCH_GRPC_ADDRESS calls dispatch on its grpc port, but no NetworkPolicy lets the console's pods into it",
      "console: DISPATCH_HTTP_URL calls dispatch on its http port, but no NetworkPolicy lets the console's pods into it",
      "console: CREDIT_GRPC_ADDRESS calls credit on its grpc port, but no NetworkPolicy lets the console's pods out to it",
      "console: CREDIT_GRPC_ADDRESS calls credit on its grpc port, but no NetworkPolicy lets the console's pods into it",
    ]);
  });

  it("the console's users file under /run/secrets, and the admin port opened to all pods", () => {
    const objects = overlay('prod');
    const container = mainContainer(find(objects, 'Deployment', 'console'));
    (container.env as Array<{ name: string; value?: string }>).find((variable) => variable.name === 'CONSOLE_USERS_FILE')!.value = '/run/secrets/users.json';
    const admin = find(objects, 'NetworkPolicy', 'admin-from-console').spec as { ingress: Array<{ from: Array<{ podSelector: Record<string, unknown> }> }> };
    admin.ingress[0]!.from[0]!.podSelector = {};
    expect(platformObjectProblems(objects)).toEqual([
      'NetworkPolicy admin-from-console opens the admin port to more than the monitoring namespace and the console',
      "console: CONSOLE_USERS_FILE=/run/secrets/users.json is under /run/secrets, where the entrypoint replaces the path by the file's content",
      'console: CONSOLE_USERS_FILE=/run/secrets/users.json is not in a mounted Secret',
    ]);
  });

  it('a Kafka version the operator does not run', () => {
    const objects = overlay('prod');
    ((find(objects, 'Kafka', 'ecogrid').spec as { kafka: { version: string } }).kafka).version = '4.1.0';
    expect(platformObjectProblems(objects)).toContainEqual(expect.stringMatching(/^Kafka ecogrid: version 4\.1\.0 is not one Strimzi 1\.2 runs \(4\.2\.0, /));
  });

  it('a kind nobody can check', () => {
    expect(validateKubernetesObject({ apiVersion: 'apps/v1', kind: 'Deplyment', metadata: { name: 'x' } })).toEqual(['Deplyment/x: no schema for apps/v1 Deplyment']);
  });
});

import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { allTopicSpecs, aclEntriesFor, SERVICE_KAFKA_ACCESS, type KafkaService } from '@ecogrid/kafka';
import { AclOperationTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { repoPath } from '../repo-paths';
import { adminPortOf, configurationProblem, SERVICES, standInFor, type ServiceName } from '../service-settings';
import { isManifest, type Manifest } from '../yaml-documents';
import { consoleReachProblems } from './console-reach';

const asList = (value: unknown): Manifest[] => (Array.isArray(value) ? value.filter(isManifest) : []);
const asObject = (value: unknown): Manifest => (isManifest(value) ? value : {});
const nameOf = (manifest: Manifest): string => String(asObject(manifest.metadata).name);
const ofKind = (objects: readonly Manifest[], kind: string): Manifest[] => objects.filter((object) => object.kind === kind);

/**
 * What the schemas cannot see in a built overlay: every service runs with probes on its admin port (the one its
 * config.ts declares), least privilege, requests and limits, secrets only by reference, an environment its own
 * configuration parser accepts in production, a Service and a PodDisruptionBudget; ingest has its autoscaler; the
 * admin port is reachable only from the monitoring namespace and the console; the console may reach what it calls
 * and its users file comes from a Secret outside /run/secrets; Kafka topics are the catalogue's and Kafka users
 * hold exactly the ACLs of SERVICE_KAFKA_ACCESS.
 */
export function platformObjectProblems(objects: readonly Manifest[]): string[] {
  const problems: string[] = [];
  if (ofKind(objects, 'Secret').length > 0) problems.push('a Secret is written in the manifests; secrets are referenced, never committed');
  const configMaps = new Map(ofKind(objects, 'ConfigMap').map((map) => [nameOf(map), asObject(map.data)]));
  for (const service of SERVICES) {
    const deployment = ofKind(objects, 'Deployment').find((candidate) => nameOf(candidate) === service);
    if (!deployment) {
      problems.push(`${service}: no Deployment`);
      continue;
    }
    problems.push(...deploymentProblems(service, deployment, configMaps).map((problem) => `${service}: ${problem}`));
    if (!ofKind(objects, 'Service').some((candidate) => nameOf(candidate) === service)) problems.push(`${service}: no Service`);
    if (!ofKind(objects, 'PodDisruptionBudget').some((candidate) => nameOf(candidate) === service)) problems.push(`${service}: no PodDisruptionBudget`);
  }
  const autoscaler = ofKind(objects, 'HorizontalPodAutoscaler').find((candidate) => asObject(asObject(candidate.spec).scaleTargetRef).name === 'ingest');
  if (!autoscaler) problems.push('ingest: no HorizontalPodAutoscaler');
  problems.push(...networkPolicyProblems(ofKind(objects, 'NetworkPolicy')));
  problems.push(...consoleReachProblems(objects));
  problems.push(...kafkaVersionProblems(ofKind(objects, 'Kafka')));
  problems.push(...topicProblems(ofKind(objects, 'KafkaTopic')));
  problems.push(...userProblems(ofKind(objects, 'KafkaUser')));
  return problems;
}

function deploymentProblems(service: ServiceName, deployment: Manifest, configMaps: ReadonlyMap<string, Manifest>): string[] {
  const problems: string[] = [];
  const pod = asObject(asObject(asObject(deployment.spec).template).spec);
  const podSecurity = asObject(pod.securityContext);
  if (podSecurity.runAsNonRoot !== true) problems.push('pod securityContext.runAsNonRoot is not true');
  const containers = [...asList(pod.initContainers), ...asList(pod.containers)];
  for (const container of containers) {
    const security = asObject(container.securityContext);
    if (security.allowPrivilegeEscalation !== false) problems.push(`container ${String(container.name)}: allowPrivilegeEscalation is not false`);
    if (security.readOnlyRootFilesystem !== true) problems.push(`container ${String(container.name)}: readOnlyRootFilesystem is not true`);
    const resources = asObject(container.resources);
    for (const part of ['requests', 'limits']) {
      const amounts = asObject(resources[part]);
      if (amounts.cpu === undefined || amounts.memory === undefined) problems.push(`container ${String(container.name)}: no cpu and memory ${part}`);
    }
    for (const variable of asList(container.env)) {
      if (variable.value !== undefined && /SECRET|PASSWORD|KEY|TOKEN|DATABASE_URL/.test(String(variable.name))) problems.push(`container ${String(container.name)}: ${String(variable.name)} has a literal value; take it from a Secret`);
    }
  }
  const main = asList(pod.containers).find((container) => container.name === service);
  if (!main) return [...problems, `no container named ${service}`];
  const adminPort = adminPortOf(service);
  const ports = new Map(asList(main.ports).map((port) => [String(port.name), Number(port.containerPort)]));
  if (ports.get('admin') !== adminPort) problems.push(`container port "admin" is ${String(ports.get('admin'))}, the admin port is ${adminPort} (config.ts)`);
  for (const [probe, path] of [['readinessProbe', '/readyz'], ['livenessProbe', '/healthz']] as const) {
    const get = asObject(asObject(main[probe]).httpGet);
    const port = typeof get.port === 'number' ? get.port : ports.get(String(get.port));
    if (port !== adminPort || get.path !== path) problems.push(`${probe} is ${String(get.path)} on port ${String(port)}, not ${path} on the admin port ${adminPort}`);
  }
  const env: NodeJS.ProcessEnv = {};
  for (const variable of asList(main.env)) {
    const name = String(variable.name);
    const from = asObject(variable.valueFrom);
    const configMapKey = asObject(from.configMapKeyRef);
    if (variable.value !== undefined) env[name] = String(variable.value);
    else if (isManifest(from.secretKeyRef)) env[name] = standInFor(name);
    else if (configMapKey.name !== undefined) {
      const value = configMaps.get(String(configMapKey.name))?.[String(configMapKey.key)];
      if (value === undefined) problems.push(`${name} refers to ConfigMap ${String(configMapKey.name)} key ${String(configMapKey.key)}, which is not in the manifests`);
      else env[name] = String(value);
    }
  }
  if (env.ADMIN_HTTP_ADDRESS?.split(':').pop() !== String(adminPort)) problems.push(`ADMIN_HTTP_ADDRESS=${String(env.ADMIN_HTTP_ADDRESS)} does not listen on the admin port ${adminPort}`);
  const refused = configurationProblem(service, env);
  if (refused) problems.push(`the service refuses this environment: ${refused}`);
  return problems;
}

/** A peer that may reach the admin listeners: the monitoring namespace (Prometheus), or the console's pods (its operator view). */
function mayReachAdmin(peer: Manifest): boolean {
  if (peer.ipBlock !== undefined) return false;
  const namespace = asObject(asObject(peer.namespaceSelector).matchLabels)['kubernetes.io/metadata.name'];
  const pods = asObject(peer.podSelector);
  if (namespace === 'monitoring' && peer.podSelector === undefined) return true;
  const podLabels = asObject(pods.matchLabels);
  return peer.namespaceSelector === undefined && pods.matchExpressions === undefined && Object.keys(podLabels).length === 1 && podLabels['app.kubernetes.io/name'] === 'console';
}

/** The admin port may be opened by a policy only towards the monitoring namespace and the console. */
function networkPolicyProblems(policies: readonly Manifest[]): string[] {
  const problems: string[] = [];
  if (!policies.some((policy) => nameOf(policy) === 'default-deny' && asList(asObject(policy.spec).ingress).length === 0 && asList(asObject(policy.spec).egress).length === 0)) {
    problems.push('no default-deny NetworkPolicy');
  }
  for (const policy of policies) {
    for (const rule of asList(asObject(policy.spec).ingress)) {
      if (!asList(rule.ports).some((port) => port.port === 'admin')) continue;
      const from = asList(rule.from);
      if (from.length === 0 || !from.every(mayReachAdmin)) problems.push(`NetworkPolicy ${nameOf(policy)} opens the admin port to more than the monitoring namespace and the console`);
    }
  }
  return problems;
}

/** The Kafka versions the vendored Strimzi release runs (schemas/strimzi/kafka-versions.yaml). */
export function strimziKafkaVersions(): string[] {
  const versions: unknown = parse(readFileSync(repoPath('deploy', 'manifest-checks', 'schemas', 'strimzi', 'kafka-versions.yaml'), 'utf8'));
  return asList(versions).filter((entry) => entry.supported === true).map((entry) => String(entry.version));
}

function kafkaVersionProblems(clusters: readonly Manifest[]): string[] {
  const supported = strimziKafkaVersions();
  return clusters.flatMap((cluster) => {
    const version = String(asObject(asObject(cluster.spec).kafka).version);
    return supported.includes(version) ? [] : [`Kafka ${nameOf(cluster)}: version ${version} is not one Strimzi 1.2 runs (${supported.join(', ')})`];
  });
}

function topicProblems(topics: readonly Manifest[]): string[] {
  const declared = new Map(topics.map((topic) => [nameOf(topic), asObject(topic.spec)]));
  const problems: string[] = [];
  for (const spec of allTopicSpecs()) {
    const topic = declared.get(spec.name);
    if (!topic) {
      problems.push(`KafkaTopic ${spec.name}: missing (it is in the topic catalogue)`);
      continue;
    }
    declared.delete(spec.name);
    const config = asObject(topic.config);
    if (topic.partitions !== spec.partitions) problems.push(`KafkaTopic ${spec.name}: ${String(topic.partitions)} partitions, the catalogue says ${spec.partitions}`);
    if (config['cleanup.policy'] !== spec.cleanupPolicy) problems.push(`KafkaTopic ${spec.name}: cleanup.policy ${String(config['cleanup.policy'])}, the catalogue says ${spec.cleanupPolicy}`);
    if (spec.retentionMs !== undefined && Number(config['retention.ms']) !== spec.retentionMs) problems.push(`KafkaTopic ${spec.name}: retention.ms ${String(config['retention.ms'])}, the catalogue says ${spec.retentionMs}`);
    if (Number(config['min.insync.replicas']) >= Number(topic.replicas) && Number(topic.replicas) > 1) problems.push(`KafkaTopic ${spec.name}: min.insync.replicas must be below replicas, or one broker down stops writes`);
  }
  for (const name of declared.keys()) problems.push(`KafkaTopic ${name}: not in the topic catalogue`);
  return problems;
}

/** Strimzi's spelling of kafkajs' ACL enums. */
const OPERATION: Partial<Record<AclOperationTypes, string>> = {
  [AclOperationTypes.READ]: 'Read',
  [AclOperationTypes.WRITE]: 'Write',
  [AclOperationTypes.DESCRIBE]: 'Describe',
  [AclOperationTypes.IDEMPOTENT_WRITE]: 'IdempotentWrite',
};
const RESOURCE: Partial<Record<AclResourceTypes, string>> = {
  [AclResourceTypes.TOPIC]: 'topic',
  [AclResourceTypes.GROUP]: 'group',
  [AclResourceTypes.CLUSTER]: 'cluster',
};

function userProblems(users: readonly Manifest[]): string[] {
  const problems: string[] = [];
  const services = Object.keys(SERVICE_KAFKA_ACCESS).filter((service) => service !== 'simulator') as KafkaService[];
  for (const service of services) {
    const user = users.find((candidate) => nameOf(candidate) === service);
    if (!user) {
      problems.push(`KafkaUser ${service}: missing`);
      continue;
    }
    const spec = asObject(user.spec);
    if (asObject(spec.authentication).type !== 'scram-sha-512') problems.push(`KafkaUser ${service}: not scram-sha-512`);
    const granted = new Set(
      asList(asObject(spec.authorization).acls).flatMap((acl) => {
        const resource = asObject(acl.resource);
        const operations = Array.isArray(acl.operations) ? acl.operations.map(String) : [];
        return operations.map((operation) => `${String(resource.type)}|${String(resource.name ?? 'kafka-cluster')}|${String(resource.patternType ?? 'literal')}|${operation}`);
      }),
    );
    const wanted = new Set(
      aclEntriesFor(service, `User:${service}`).map((entry) => `${String(RESOURCE[entry.resourceType])}|${entry.resourceName}|${entry.resourcePatternType === ResourcePatternTypes.PREFIXED ? 'prefix' : 'literal'}|${String(OPERATION[entry.operation])}`),
    );
    for (const acl of wanted) if (!granted.has(acl)) problems.push(`KafkaUser ${service}: lacks ${acl}`);
    for (const acl of granted) if (!wanted.has(acl)) problems.push(`KafkaUser ${service}: grants ${acl}, beyond SERVICE_KAFKA_ACCESS`);
  }
  return problems;
}

import { isManifest, type Manifest } from '../yaml-documents';

const asList = (value: unknown): Manifest[] => (Array.isArray(value) ? value.filter(isManifest) : []);
const asObject = (value: unknown): Manifest => (isManifest(value) ? value : {});
const nameOf = (manifest: Manifest): string => String(asObject(manifest.metadata).name);

/** Whether a label selector (matchLabels, matchExpressions In/NotIn/Exists/DoesNotExist) selects pods with these labels. */
export function selects(selector: Manifest, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(asObject(selector.matchLabels))) if (labels[key] !== String(value)) return false;
  for (const expression of asList(selector.matchExpressions)) {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = labels[key] !== undefined;
    const ok =
      expression.operator === 'In' ? has && values.includes(labels[key] as string)
      : expression.operator === 'NotIn' ? !has || !values.includes(labels[key] as string)
      : expression.operator === 'Exists' ? has
      : expression.operator === 'DoesNotExist' ? !has
      : false;
    if (!ok) return false;
  }
  return true;
}

const podLabelsOf = (deployment: Manifest): Record<string, string> =>
  Object.fromEntries(Object.entries(asObject(asObject(asObject(asObject(deployment.spec).template).metadata).labels)).map(([key, value]) => [key, String(value)]));

/** Whether a policy rule's port list lets `port` (a pod port name) through; no list lets every port through. */
const rulePasses = (rule: Manifest, port: string): boolean => rule.ports === undefined || asList(rule.ports).some((entry) => entry.port === port);

/** Peers of a rule (`to`/`from`) that are pods of this namespace, as selectors; a rule without peers reaches anything. */
const reachesPods = (peers: unknown, labels: Readonly<Record<string, string>>): boolean => {
  if (peers === undefined) return true;
  return asList(peers).some((peer) => peer.namespaceSelector === undefined && peer.ipBlock === undefined && isManifest(peer.podSelector) && selects(peer.podSelector, labels));
};

/**
 * The console calls other services (its *_GRPC_ADDRESS and *_HTTP_URL settings, and every admin listener of
 * OPERATOR_TARGETS): each must be allowed both ways by the NetworkPolicies — out of the console's pods and into the
 * called pods on the named port — since every pod starts from default-deny. The host of each address must be a
 * Service whose selector picks a Deployment's pods, and the port one of that Service's. Also: the console's users
 * file must come from a mounted Secret, and not from under /run/secrets (the entrypoint would replace the path by
 * the file's content).
 */
export function consoleReachProblems(objects: readonly Manifest[]): string[] {
  const deployments = objects.filter((object) => object.kind === 'Deployment');
  const consoleDeployment = deployments.find((deployment) => nameOf(deployment) === 'console');
  if (!consoleDeployment) return ['console: no Deployment'];
  const consoleLabels = podLabelsOf(consoleDeployment);
  const policies = objects.filter((object) => object.kind === 'NetworkPolicy');
  const services = objects.filter((object) => object.kind === 'Service');
  const pod = asObject(asObject(asObject(consoleDeployment.spec).template).spec);
  const container = asList(pod.containers).find((candidate) => candidate.name === 'console') ?? {};
  const env = new Map(asList(container.env).map((variable) => [String(variable.name), variable.value === undefined ? undefined : String(variable.value)]));

  const calls: Array<{ setting: string; host: string; port: number }> = [];
  for (const [name, value] of env) {
    if (value === undefined) continue;
    if (name.endsWith('_GRPC_ADDRESS')) {
      const [host = '', port = ''] = value.split(':');
      calls.push({ setting: name, host, port: Number(port) });
    } else if (name.endsWith('_HTTP_URL')) {
      const url = new URL(value);
      calls.push({ setting: name, host: url.hostname, port: Number(url.port || 80) });
    } else if (name === 'OPERATOR_TARGETS') {
      for (const pair of value.split(',')) {
        const url = new URL(pair.slice(pair.indexOf('=') + 1));
        if (url.hostname === '127.0.0.1') continue;
        calls.push({ setting: `${name} ${pair.slice(0, pair.indexOf('='))}`, host: url.hostname, port: Number(url.port || 80) });
      }
    }
  }

  const problems: string[] = [];
  for (const call of calls) {
    const service = services.find((candidate) => nameOf(candidate) === call.host);
    const servicePort = asList(asObject(service?.spec).ports).find((port) => Number(port.port) === call.port);
    if (!service || !servicePort) {
      problems.push(`console: ${call.setting} calls ${call.host}:${call.port}, which no Service offers`);
      continue;
    }
    const target = deployments.find((deployment) => selects({ matchLabels: asObject(service.spec).selector }, podLabelsOf(deployment)));
    if (!target) {
      problems.push(`console: ${call.setting}: Service ${call.host} selects no Deployment's pods`);
      continue;
    }
    const targetLabels = podLabelsOf(target);
    const portName = String(servicePort.targetPort);
    const out = policies.some((policy) => {
      const spec = asObject(policy.spec);
      return selects(asObject(spec.podSelector), consoleLabels) && asList(spec.egress).some((rule) => rulePasses(rule, portName) && reachesPods(rule.to, targetLabels));
    });
    const into = policies.some((policy) => {
      const spec = asObject(policy.spec);
      return selects(asObject(spec.podSelector), targetLabels) && asList(spec.ingress).some((rule) => rulePasses(rule, portName) && reachesPods(rule.from, consoleLabels));
    });
    if (!out) problems.push(`console: ${call.setting} calls ${nameOf(target)} on its ${portName} port, but no NetworkPolicy lets the console's pods out to it`);
    if (!into) problems.push(`console: ${call.setting} calls ${nameOf(target)} on its ${portName} port, but no NetworkPolicy lets the console's pods into it`);
  }

  const usersFile = env.get('CONSOLE_USERS_FILE');
  if (!usersFile) problems.push('console: CONSOLE_USERS_FILE is not set to a path');
  else {
    if (usersFile.startsWith('/run/secrets/')) problems.push(`console: CONSOLE_USERS_FILE=${usersFile} is under /run/secrets, where the entrypoint replaces the path by the file's content`);
    const secretVolumes = new Set(asList(pod.volumes).filter((volume) => isManifest(volume.secret)).map((volume) => String(volume.name)));
    const mount = asList(container.volumeMounts).find((candidate) => usersFile.startsWith(`${String(candidate.mountPath).replace(/\/$/, '')}/`));
    if (!mount || !secretVolumes.has(String(mount.name))) problems.push(`console: CONSOLE_USERS_FILE=${usersFile} is not in a mounted Secret`);
  }
  return problems;
}

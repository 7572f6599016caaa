import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { repoPath } from '../repo-paths';
import { isManifest, readYamlDocuments, type Manifest } from '../yaml-documents';

/**
 * Validates one built Kubernetes object. Built-in kinds go through kubernetes-models (the Kubernetes 1.27 OpenAPI
 * schemas compiled to validators): a wrong type or a missing required field fails; a misspelled field does not,
 * since Kubernetes' own OpenAPI schemas allow unknown fields (unknownFieldProblems finds those). Strimzi's custom resources go through the CRD schemas of Strimzi 1.2 (vendored in schemas/strimzi/),
 * made strict the way the API server's strict field validation is: an unknown field fails there too.
 * A kind missing from both fails, so a new kind cannot slip through unchecked.
 * Returns the problems, empty when the object is valid.
 */
export function validateKubernetesObject(manifest: Manifest): string[] {
  const id = `${String(manifest.kind)}/${String(isManifest(manifest.metadata) ? manifest.metadata.name : '?')}`;
  const builtIn = BUILT_IN[`${String(manifest.apiVersion)} ${String(manifest.kind)}`];
  if (builtIn) {
    try {
      builtIn(manifest);
      return [];
    } catch (error) {
      return [`${id}: ${(error as Error).message}`];
    }
  }
  const custom = customResourceValidators().get(`${String(manifest.apiVersion)} ${String(manifest.kind)}`);
  if (!custom) return [`${id}: no schema for ${String(manifest.apiVersion)} ${String(manifest.kind)}`];
  if (custom(manifest)) return [];
  return (custom.errors ?? []).map((error) => `${id}: ${error.instancePath || '/'} ${error.message ?? ''}${error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''}`);
}

// The constructors take the object without apiVersion and kind (they set their own); a different apiVersion
// or kind never reaches them, as the table is keyed by both.
const model = <T extends { validate(): void }>(Model: new (data: never) => T) => (manifest: Manifest): void => {
  const { apiVersion: _apiVersion, kind: _kind, ...data } = manifest;
  new Model(data as never).validate();
};

const BUILT_IN: Record<string, (manifest: Manifest) => void> = {
  'v1 ConfigMap': model(ConfigMap),
  'v1 Secret': model(Secret),
  'v1 Service': model(Service),
  'apps/v1 Deployment': model(Deployment),
  'autoscaling/v2 HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'networking.k8s.io/v1 NetworkPolicy': model(NetworkPolicy),
  'policy/v1 PodDisruptionBudget': model(PodDisruptionBudget),
};

let validators: Map<string, ValidateFunction> | undefined;

/** One validator per served version of every vendored Strimzi CRD, keyed `<group>/<version> <Kind>`. */
function customResourceValidators(): Map<string, ValidateFunction> {
  if (validators) return validators;
  // OpenAPI v3 as Kubernetes uses it: `nullable`, `x-kubernetes-*` extensions and formats like int32 that ajv
  // does not know; the structure is what is checked.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  validators = new Map();
  const directory = repoPath('deploy', 'manifest-checks', 'schemas', 'strimzi');
  for (const file of readdirSync(directory).filter((name) => /-Crd-.*\.yaml$/.test(name))) {
    for (const crd of readYamlDocuments(join(directory, file))) {
      const spec = crd.spec as { group: string; names: { kind: string }; versions: Array<{ name: string; served: boolean; schema: { openAPIV3Schema: unknown } }> };
      for (const version of spec.versions.filter((candidate) => candidate.served)) {
        validators.set(`${spec.group}/${version.name} ${spec.names.kind}`, ajv.compile(strictSchema(version.schema.openAPIV3Schema) as object));
      }
    }
  }
  return validators;
}

/**
 * The schema with `additionalProperties: false` on every object that lists its properties and neither allows
 * extra ones nor preserves unknown fields: what the API server's strict field validation enforces on a CR.
 * `metadata` is left open (the API server checks it against ObjectMeta, not the CRD).
 */
function strictSchema(schema: unknown, path: readonly string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strictSchema(item, path));
  if (!isManifest(schema)) return schema;
  const copy: Manifest = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'properties' && isManifest(value)) {
      copy[key] = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, path.length === 0 && name === 'metadata' ? property : strictSchema(property, [...path, name])]));
    } else copy[key] = strictSchema(value, [...path, key]);
  }
  if (isManifest(copy.properties) && copy.additionalProperties === undefined && copy['x-kubernetes-preserve-unknown-fields'] !== true) copy.additionalProperties = false;
  return copy;
}


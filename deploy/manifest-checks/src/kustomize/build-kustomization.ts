import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { isManifest, readYamlDocuments, type Manifest } from '../yaml-documents';
import { applyJsonPatch, type PatchOperation } from './json-patch';

/**
 * The part of kustomize our manifests use, so that the overlays can be built and checked here, where there is
 * no kustomize binary: `resources` (files, and directories holding a kustomization.yaml), `namespace`,
 * `labels` (metadata labels only), `images` (newName/newTag) and `patches` as RFC 6902 operations with a
 * `target` of kind and optionally name. A field outside this subset is refused, never ignored: a manifest must
 * not mean something here that it does not mean to kustomize.
 */
export function buildKustomization(directory: string): Manifest[] {
  const file = join(directory, 'kustomization.yaml');
  const [kustomization, ...rest] = readYamlDocuments(file);
  if (!kustomization || rest.length > 0) throw new Error(`${file}: expected one document`);
  const where = (path: string) => relative(process.cwd(), path);
  const unsupported = Object.keys(kustomization).filter((key) => !SUPPORTED.has(key));
  if (unsupported.length > 0) throw new Error(`${where(file)}: ${unsupported.join(', ')} not supported by this build (see build-kustomization.ts)`);

  let manifests = strings(kustomization.resources, `${where(file)} resources`).flatMap((resource) => {
    const path = join(directory, resource);
    if (!existsSync(path)) throw new Error(`${where(file)}: resource ${resource} does not exist`);
    return statSync(path).isDirectory() ? buildKustomization(path) : readYamlDocuments(path);
  });
  for (const [index, patch] of list(kustomization.patches, `${where(file)} patches`).entries()) {
    manifests = applyPatch(manifests, patch, `${where(file)} patches[${index}]`);
  }
  if (kustomization.namespace !== undefined) {
    const namespace = String(kustomization.namespace);
    manifests = manifests.map((manifest) => ({ ...manifest, metadata: { ...metadataOf(manifest), namespace } }));
  }
  for (const entry of list(kustomization.labels, `${where(file)} labels`)) {
    if (entry.includeSelectors === true || entry.includeTemplates === true) throw new Error(`${where(file)}: labels with includeSelectors or includeTemplates not supported`);
    const pairs = isManifest(entry.pairs) ? entry.pairs : {};
    manifests = manifests.map((manifest) => {
      const metadata = metadataOf(manifest);
      return { ...manifest, metadata: { ...metadata, labels: { ...(isManifest(metadata.labels) ? metadata.labels : {}), ...pairs } } };
    });
  }
  for (const image of list(kustomization.images, `${where(file)} images`)) {
    manifests = manifests.map((manifest) => retag(manifest, image));
  }
  return manifests;
}

const SUPPORTED = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

function applyPatch(manifests: Manifest[], patch: Manifest, where: string): Manifest[] {
  const target = isManifest(patch.target) ? patch.target : undefined;
  if (!target || typeof target.kind !== 'string') throw new Error(`${where}: a target with a kind is required`);
  const extra = Object.keys(target).filter((key) => key !== 'kind' && key !== 'name');
  if (extra.length > 0) throw new Error(`${where}: target ${extra.join(', ')} not supported`);
  const operations: unknown = parse(String(patch.patch ?? ''));
  if (!Array.isArray(operations)) throw new Error(`${where}: only RFC 6902 patches (a list of operations) are supported`);
  let matched = 0;
  const patched = manifests.map((manifest) => {
    if (manifest.kind !== target.kind || (target.name !== undefined && metadataOf(manifest).name !== target.name)) return manifest;
    matched += 1;
    try {
      return applyJsonPatch(manifest, operations as PatchOperation[]);
    } catch (error) {
      throw new Error(`${where} on ${String(manifest.kind)}/${String(metadataOf(manifest).name)}: ${(error as Error).message}`, { cause: error });
    }
  });
  // kustomize accepts a patch that matches nothing; here it is a mistake (a renamed resource), so it fails.
  if (matched === 0) throw new Error(`${where}: target ${String(target.kind)}/${String(target.name ?? '*')} matches no resource`);
  return patched;
}

function retag(manifest: Manifest, image: Manifest): Manifest {
  const copy = structuredClone(manifest);
  const spec = isManifest(copy.spec) && isManifest(copy.spec.template) && isManifest(copy.spec.template.spec) ? copy.spec.template.spec : undefined;
  if (!spec) return copy;
  for (const container of [...list(spec.containers, 'containers'), ...list(spec.initContainers, 'initContainers')]) {
    const current = String(container.image ?? '');
    const name = current.replace(/[:@].*$/, '');
    if (name !== image.name) continue;
    const tag = current.slice(name.length);
    container.image = `${typeof image.newName === 'string' ? image.newName : name}${typeof image.newTag === 'string' ? `:${image.newTag}` : tag}`;
  }
  return copy;
}

function metadataOf(manifest: Manifest): Manifest {
  return isManifest(manifest.metadata) ? manifest.metadata : {};
}

function list(value: unknown, where: string): Manifest[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every(isManifest)) throw new Error(`${where}: expected a list of mappings`);
  return value;
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new Error(`${where}: expected a list of paths`);
  return value;
}


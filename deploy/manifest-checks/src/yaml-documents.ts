import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/** A parsed YAML or JSON object, as the manifests are read: no class, no schema applied yet. */
export type Manifest = Record<string, unknown>;

export function isManifest(value: unknown): value is Manifest {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every document of a YAML file; a syntax error or a document that is not a mapping names the file. */
export function readYamlDocuments(path: string): Manifest[] {
  return parseYamlDocuments(readFileSync(path, 'utf8'), path);
}

export function parseYamlDocuments(text: string, source: string): Manifest[] {
  const manifests: Manifest[] = [];
  for (const document of parseAllDocuments(text, { merge: true })) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) continue;
    if (!isManifest(value)) throw new Error(`${source}: a document that is not a mapping`);
    manifests.push(value);
  }
  return manifests;
}

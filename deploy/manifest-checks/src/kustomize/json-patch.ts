import { isManifest } from '../yaml-documents';

/** One RFC 6902 operation, of the kinds our overlays use. */
export interface PatchOperation {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/**
 * Applies RFC 6902 operations to a copy of `document`. `replace` and `remove` need the target to exist (as in
 * kustomize), so a patch whose path no longer matches the base fails instead of silently adding a stray field.
 */
export function applyJsonPatch<T>(document: T, operations: readonly PatchOperation[]): T {
  const result = structuredClone(document);
  for (const operation of operations) apply(result, operation);
  return result;
}

function apply(root: unknown, operation: PatchOperation): void {
  const tokens = operation.path.split('/').slice(1).map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = tokens.pop();
  if (last === undefined) throw new Error(`patch path "${operation.path}": the whole document cannot be patched`);
  let parent: unknown = root;
  for (const token of tokens) {
    parent = child(parent, token, operation.path);
  }
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`patch path "${operation.path}": no index ${last}`);
    if (operation.op === 'add') parent.splice(index, 0, operation.value);
    else if (index >= parent.length) throw new Error(`patch path "${operation.path}": nothing at index ${last} to ${operation.op}`);
    else if (operation.op === 'replace') parent[index] = operation.value;
    else parent.splice(index, 1);
    return;
  }
  if (!isManifest(parent)) throw new Error(`patch path "${operation.path}": its parent is not an object`);
  if (operation.op !== 'add' && !(last in parent)) throw new Error(`patch path "${operation.path}": nothing there to ${operation.op}`);
  if (operation.op === 'remove') delete parent[last];
  else parent[last] = operation.value;
}

function child(node: unknown, token: string, path: string): unknown {
  if (Array.isArray(node)) {
    const value: unknown = node[Number(token)];
    if (value === undefined) throw new Error(`patch path "${path}": no index ${token}`);
    return value;
  }
  if (isManifest(node) && token in node) return node[token];
  throw new Error(`patch path "${path}": no "${token}"`);
}

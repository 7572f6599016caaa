import { failedPrecondition, notFound } from '@ecogrid/domain-errors';
import type { EntityKind, RegistryRepository } from './ports';

/**
 * Deletes an entity and publishes its tombstone. A cell still in an officer's area or future roster, an
 * enterprise with devices, or a township with cells cannot go: the caller reassigns them first.
 */
export function createDeleteEntity(deps: { registry: RegistryRepository }) {
  return async function deleteEntity(kind: EntityKind, id: string): Promise<void> {
    await deps.registry.write(async (writer) => {
      const references = await writer.referencesTo(kind, id);
      if (references.length > 0) {
        throw failedPrecondition(`${kind} ${id} is still referenced by ${references.slice(0, 5).join(', ')}${references.length > 5 ? ` and ${references.length - 5} more` : ''}`, 'still_referenced');
      }
      if (!(await writer.remove(kind, id))) throw notFound(kind, id);
    });
  };
}

export type DeleteEntity = ReturnType<typeof createDeleteEntity>;

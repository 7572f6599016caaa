import type { KeyRing } from '@ecogrid/device-credentials';
import type { Pool } from 'pg';
import { inTransaction } from '@ecogrid/postgres';
import type { Clock } from '@ecogrid/service-kit';
import type { RegistryRepository } from '../../app/ports';
import type { RegistryEvents } from '../events/registry-events';
import { createRegistryReader } from './registry-reader';
import { createRegistryWriter } from './registry-writer';

export interface PostgresRegistryOptions {
  /** What each change publishes; built with the deployment's full topic names. */
  events: RegistryEvents;
  clock: Clock;
  /** Called after a transaction that queued events committed: the relay of this process can send them at once. */
  onEventsCommitted?: () => void;
  /** Whether to NOTIFY the relay through PostgreSQL: only when the relay holding the lease is in another process. */
  notifyRelays?: () => boolean;
  /** Wraps devices' SM4 keys (configuration's key-encryption keys). */
  keyRing?: KeyRing | undefined;
}

/** The registry's system of record in PostgreSQL/PostGIS (schema from the pool's search_path). */
export function createPostgresRegistry(pool: Pool, options: PostgresRegistryOptions): RegistryRepository {
  return {
    ...createRegistryReader(pool),
    write: async (work) => {
      let queued = false;
      const result = await inTransaction(pool, async (client) => {
        // One writer at a time per schema: what a write checked (overlaps, references) is still true when it commits.
        await client.query("SELECT pg_advisory_xact_lock(hashtext('ecogrid-registry-write:' || current_schema()))");
        const { writer, queued: hasQueued } = createRegistryWriter(client, options);
        const outcome = await work(writer);
        queued = hasQueued();
        return outcome;
      });
      if (queued) options.onEventsCommitted?.();
      return result;
    },
  };
}

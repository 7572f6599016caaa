import { GENESIS_HASH } from '@ecogrid/hash-chain';
import type { AuditLog } from '../../app/ports';

/**
 * No audit at all: only for the benchmark that measures what the audit costs beside the same endpoint with it
 * (ACCESS_AUDIT=off, refused in production).
 */
export function createUnaudited(): AuditLog & { close(): Promise<void> } {
  let sequence = 0;
  return {
    append: async (access) => ({ ...access, sequence: (sequence += 1), previousHash: GENESIS_HASH, hash: GENESIS_HASH }),
    list: async () => [],
    verify: async () => ({ intact: true, entries: 0 }),
    monthlyReport: async () => [],
    close: async () => undefined,
  };
}

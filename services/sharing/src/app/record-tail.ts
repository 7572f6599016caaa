import type { SharedRecord } from '../domain/shared-record';
import type { RecordStore } from './ports';

const KEEP = 5_000;
const FETCH = 500;

/**
 * The newest records of each dataset, read once for every push subscriber of this process: a stored batch costs one
 * query per dataset instead of one per subscriber. `after(dataset, seq)` answers from memory when `seq` lies inside
 * what is kept (nothing between is missing: the tail reads in sequence order from where it started), and undefined
 * when the subscriber is further behind and must read the store itself.
 */
export function createRecordTail(records: RecordStore) {
  const tails = new Map<string, { start: number; items: SharedRecord[]; refreshing?: Promise<void> }>();
  const last = (tail: { start: number; items: SharedRecord[] }): number => tail.items.at(-1)?.seq ?? tail.start;

  const refresh = async (dataset: string, from: number): Promise<void> => {
    let tail = tails.get(dataset);
    if (!tail) {
      tail = { start: from, items: [] };
      tails.set(dataset, tail);
    }
    const current = tail;
    current.refreshing ??= (async () => {
      for (;;) {
        const fresh = await records.page({ dataset, afterSeq: last(current), limit: FETCH, scope: {} });
        current.items.push(...fresh);
        if (current.items.length > KEEP) {
          const dropped = current.items.splice(0, current.items.length - KEEP);
          current.start = dropped.at(-1)?.seq ?? current.start;
        }
        if (fresh.length < FETCH) break;
      }
    })().finally(() => {
      current.refreshing = undefined;
    });
    await current.refreshing;
  };

  return {
    /** Records after `seq` (up to `limit`), or undefined when `seq` is older than what is kept. */
    after: async (dataset: string, seq: number, limit: number): Promise<SharedRecord[] | undefined> => {
      const known = tails.get(dataset);
      if (known && seq < known.start) return undefined;
      await refresh(dataset, seq);
      const tail = tails.get(dataset) as { start: number; items: SharedRecord[] };
      if (seq < tail.start) return undefined;
      const index = tail.items.findIndex((record) => record.seq > seq);
      return index < 0 ? [] : tail.items.slice(index, index + limit);
    },
  };
}

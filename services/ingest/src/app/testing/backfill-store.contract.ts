import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Backfill } from '../../domain/backfill';
import type { BackfillStore } from '../ports';

const T0 = new Date('2026-12-06T02:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

function backfill(mn: string, endMs: number, overrides: Partial<Backfill> = {}): Backfill {
  return {
    id: randomUUID(),
    deviceMn: mn,
    commandCode: '2051',
    beginTime: at(endMs - 3_600_000),
    endTime: at(endMs),
    state: 'pending',
    attempts: 0,
    commandId: '',
    recordsReceived: 0,
    reason: '',
    dueTime: at(0),
    createdTime: at(0),
    updatedTime: at(0),
    ...overrides,
  };
}

/** One contract for every BackfillStore: the in-memory fake and the PostgreSQL adapter must both pass it. */
export function backfillStoreContract(name: string, create: () => Promise<BackfillStore>): void {
  describe(`BackfillStore contract: ${name}`, () => {
    it('claims the newest due range first, one per device at a time, and counts the attempt', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const older = backfill(mn, 0);
      const newer = backfill(mn, 3_600_000);
      const notDue = backfill(mn, 7_200_000, { dueTime: at(60_000) });
      await store.open([older, newer, notDue]);
      const commandId = randomUUID();
      expect(await store.claimNext(mn, at(1_000), commandId)).toMatchObject({ id: newer.id, state: 'requested', attempts: 1, commandId, updatedTime: at(1_000) });
      expect(await store.claimNext(mn, at(2_000), randomUUID())).toBeUndefined();
      expect(await store.dueDevices(at(2_000), 100)).not.toContain(mn);
      expect((await store.requested(1_000)).map((b) => b.id)).toContain(newer.id);
    });

    it('settles only what is still requested under the same command, then lets the next range go', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const first = backfill(mn, 3_600_000);
      const second = backfill(mn, 0);
      await store.open([first, second]);
      const commandId = randomUUID();
      const claimed = await store.claimNext(mn, at(1_000), commandId);
      expect(claimed).toBeDefined();
      const filled: Backfill = { ...claimed!, state: 'filled', recordsReceived: 6, updatedTime: at(2_000) };
      expect(await store.settle(filled, randomUUID())).toBe(false);
      expect(await store.settle(filled, commandId)).toBe(true);
      expect(await store.settle(filled, commandId)).toBe(false);
      expect(await store.dueDevices(at(3_000), 100)).toContain(mn);
      expect(await store.claimNext(mn, at(3_000), randomUUID())).toMatchObject({ id: second.id, attempts: 1 });
      const listed = await store.list(mn, 10);
      expect(listed.find((b) => b.id === first.id)).toMatchObject({ state: 'filled', recordsReceived: 6 });
    });

    it('gives one claim to one of several claimers at once', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      await store.open([backfill(mn, 0), backfill(mn, 3_600_000), backfill(mn, 7_200_000)]);
      const claims = await Promise.all(Array.from({ length: 6 }, () => store.claimNext(mn, at(1_000), randomUUID())));
      expect(claims.filter((claim) => claim !== undefined)).toHaveLength(1);
    });
  });
}

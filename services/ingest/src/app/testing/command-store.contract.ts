import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { markSent, newCommand, requestAnswered, type DeviceCommand } from '../../domain/device-command';
import type { CommandStore } from '../ports';

const T0 = new Date('2026-12-06T08:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);

function command(mn: string, createdMs: number, overrides: Partial<DeviceCommand> = {}): DeviceCommand {
  return {
    ...newCommand({ id: randomUUID(), deviceMn: mn, commandCode: '1061', kind: 'request', params: { PolId: 'w01018' }, origin: 'operator', requestedBy: 'op-1', overTimeSeconds: 10, reCount: 3, maxQueueMs: 60_000 }, at(createdMs)),
    ...overrides,
  };
}

/** One contract for every CommandStore: the in-memory fake and the PostgreSQL adapter must both pass it. */
export function commandStoreContract(name: string, create: () => Promise<CommandStore>): void {
  describe(`CommandStore contract: ${name}`, () => {
    it('stores a command as it is and gives it back', async () => {
      const store = await create();
      const stored = command(`MN-${randomUUID().slice(0, 8)}`, 0);
      expect(await store.add(stored, 10)).toBe(true);
      expect(await store.get(stored.id)).toEqual(stored);
      expect(await store.get(randomUUID())).toBeUndefined();
    });

    it('refuses a command beyond the device\'s bound of queued ones', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      expect(await store.add(command(mn, 0), 2)).toBe(true);
      expect(await store.add(command(mn, 1), 2)).toBe(true);
      expect(await store.add(command(mn, 2), 2)).toBe(false);
      expect(await store.add(command(`${mn}-other`, 2), 2)).toBe(true);
    });

    it('claims the oldest queued command within its queueing time, changed in one step, and only once', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const older = command(mn, 0);
      const newer = command(mn, 5);
      await store.add(newer, 10);
      await store.add(older, 10);
      const send = (c: DeviceCommand): DeviceCommand | null => {
        const transition = markSent(c, '20261206160000100', at(20));
        return transition.ok ? transition.command : null;
      };
      const claimed = await store.claimNext(mn, at(20), send);
      expect(claimed).toMatchObject({ id: older.id, state: 'sent', requestNumber: '20261206160000100', attempts: 1 });
      expect(await store.get(older.id)).toEqual(claimed);
      expect((await store.claimNext(mn, at(20), send))?.id).toBe(newer.id);
      expect(await store.claimNext(mn, at(20), send)).toBeUndefined();
      const late = command(mn, 0);
      await store.add(late, 10);
      expect(await store.claimNext(mn, at(60_000), send)).toBeUndefined();
    });

    it('applies a change to the stored command, and none when the change declines', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const sent = markSent(command(mn, 0), 'q', at(1));
      if (!sent.ok) throw new Error(sent.why);
      await store.add(sent.command, 10);
      const accepted = await store.update(sent.command.id, (c) => {
        const transition = requestAnswered(c, 1, at(2));
        return transition.ok ? transition.command : null;
      });
      expect(accepted).toMatchObject({ state: 'accepted', qnRtn: 1, deadline: at(10_002) });
      expect(await store.update(sent.command.id, () => null)).toBeUndefined();
      expect(await store.get(sent.command.id)).toEqual(accepted);
    });

    it('gives a queued command to one of many claims made at once, and applies concurrent changes one after the other', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const only = command(mn, 0);
      await store.add(only, 10);
      const send = (c: DeviceCommand): DeviceCommand | null => {
        const transition = markSent(c, '20261206160000100', at(20));
        return transition.ok ? transition.command : null;
      };
      // Eight instances claim at once: exactly one wins, the rest find nothing left.
      const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimNext(mn, at(20), send)));
      expect(claims.filter((claimed) => claimed !== undefined).map((claimed) => claimed?.id)).toEqual([only.id]);
      // Eight changes at once, each adding one data record: none overwrites another.
      const changes = await Promise.all(
        Array.from({ length: 8 }, (_, index) =>
          store.update(only.id, (c) => ({ ...c, data: [...c.data, { commandCode: '2011', receivedTime: at(30 + index), params: { index: String(index) } }], updatedTime: at(30 + c.data.length) })),
        ),
      );
      expect(changes.every((changed) => changed !== undefined)).toBe(true);
      expect((await store.get(only.id))?.data.map((item) => item.params.index).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    });

    it('lists a device\'s commands newest first, a page after another, and finds what is overdue', async () => {
      const store = await create();
      const mn = `MN-${randomUUID().slice(0, 8)}`;
      const commands = [command(mn, 0), command(mn, 1), command(mn, 2)];
      for (const c of commands) await store.add(c, 10);
      const first = await store.list(mn, 2);
      expect(first.map((c) => c.id)).toEqual([commands[2]?.id, commands[1]?.id]);
      const last = first[1] as DeviceCommand;
      expect((await store.list(mn, 2, { createdTime: last.createdTime, id: last.id })).map((c) => c.id)).toEqual([commands[0]?.id]);
      const overdue = await store.overdue(at(60_010), 30_000, 100);
      expect(commands.every((c) => overdue.includes(c.id))).toBe(true);
      expect((await store.overdue(at(59_000), 30_000, 100)).filter((id) => commands.some((c) => c.id === id))).toEqual([]);
      expect(await store.queuedDevices(1_000)).toContain(mn);
    });
  });
}

import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createPgAccessView } from './pg-access-view';

/** A pool whose queries wait until the test answers them, so the order of reads and answers is the test's. */
function heldPool() {
  const calls: Array<{ text: string; values: unknown[]; answer(rows: object[]): void }> = [];
  const pool = {
    query: (config: { text: string; values?: unknown[] }) => new Promise((resolve) => calls.push({ text: config.text, values: config.values ?? [], answer: (rows) => resolve({ rows }) })),
  };
  return { pool: pool as unknown as pg.Pool, calls };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

const partnerRow = (version: number, name: string) => ({ access_version: String(version), id: 'p1', name, requests_per_second: 5, rows_per_day: 100, page_cap: 10, webhook_hosts: [] });

describe('the in-memory access view', () => {
  it('never lets a sync ride on a version read sent before it was called, and shares the next read among those waiting', async () => {
    const { pool, calls } = heldPool();
    const view = createPgAccessView(pool);
    let firstDone = false;
    let laterDone = 0;
    const first = view.sync().then(() => (firstDone = true));
    await settle();
    const later = [view.sync(), view.sync()].map((sync) => sync.then(() => (laterDone += 1)));
    await settle();
    expect(calls).toHaveLength(1);
    calls[0]?.answer([{ version: '7' }]);
    await first;
    await settle();
    expect([firstDone, laterDone, view.version()]).toEqual([true, 0, 7]);
    expect(calls).toHaveLength(2);
    calls[1]?.answer([{ version: '8' }]);
    await Promise.all(later);
    expect([laterDone, view.version(), calls.length]).toEqual([2, 8, 2]);
  });

  it('keeps what it read at its own version, empties itself at a newer one, and does not keep a read that raced a change', async () => {
    const { pool, calls } = heldPool();
    const view = createPgAccessView(pool);
    const read = async (version: number, name: string) => {
      const asked = view.partner('p1');
      await settle();
      calls.at(-1)?.answer([partnerRow(version, name)]);
      return asked;
    };
    expect((await read(3, '甲'))?.name).toBe('甲');
    expect((await view.partner('p1'))?.name).toBe('甲');
    expect(calls).toHaveLength(1);

    view.observe(4);
    expect((await read(4, '乙'))?.name).toBe('乙');
    expect(calls).toHaveLength(2);

    // Read at 4 but answered after the view learnt of 5: served to its caller, not kept.
    const racing = view.partner('p2');
    await settle();
    view.observe(5);
    calls.at(-1)?.answer([{ ...partnerRow(4, '丙'), id: 'p2' }]);
    expect((await racing)?.name).toBe('丙');
    const again = view.partner('p2');
    await settle();
    expect(calls).toHaveLength(4);
    calls.at(-1)?.answer([{ ...partnerRow(5, '丁'), id: 'p2' }]);
    expect((await again)?.name).toBe('丁');
  });
});
